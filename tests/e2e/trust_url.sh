#!/bin/sh
# The region's trust list from its web address: `trust update` downloads it with
# If-Modified-Since (an unchanged list costs a 304), installs only a newer version,
# and a running kiosk's sync fetches it by itself and takes the new schools' passes
# from the next scan, without a restart. The web server is a few lines of Node.js on
# 127.0.0.1 that answers If-Modified-Since as a real one does.
set -eu
. "$LK_ROOT/tests/lrs/harness.sh"
L=$LOBKIOSK
W="$LK_TMP/w"
mkdir -p "$W/www"
cd "$W"
PORT=$(free_port)
cat >server.js <<'JS'
const http = require('http'), fs = require('fs');
const [port, file] = [Number(process.argv[2]), process.argv[3]];
let hits = 0, notModified = 0;
http.createServer((req, res) => {
  if (req.url === '/__stats') { res.end(`hits ${hits} not_modified ${notModified}\n`); return; }
  hits++;
  let st;
  try { st = fs.statSync(file); } catch (e) { res.statusCode = 404; res.end(); return; }
  const mtime = Math.floor(st.mtimeMs / 1000);
  const ims = Date.parse(req.headers['if-modified-since'] || '') / 1000;
  if (!isNaN(ims) && ims >= mtime) { notModified++; res.statusCode = 304; res.end(); return; }
  res.setHeader('Last-Modified', new Date(mtime * 1000).toUTCString());
  res.setHeader('Content-Type', 'application/json');
  res.end(fs.readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log('web ready'));
JS
node server.js "$PORT" "$W/www/trust.json" >web.log 2>&1 &
LK_PIDS="$LK_PIDS $!"
wait_line web.log "web ready"

"$L" keygen --issuer RGTW --key-id R1 --out keys >/dev/null 2>&1
"$L" keygen --issuer 11BB --key-id K1 --out keys >s11.ini 2>/dev/null
"$L" keygen --issuer 22CC --key-id K1 --out keys >s22.ini 2>/dev/null
"$L" keygen --issuer 00AA --key-id K1 --out keys >own.ini 2>/dev/null
publish() { # publish VERSION [22CC too]
    { printf '[list]\nname = Regio\nversion = %s\nexpires = 2099-08-01\n' "$1"
      cat s11.ini
      [ -z "${2:-}" ] || cat s22.ini; } >schools.ini
    region=$("$L" trust make --key keys/RGTW-R1.key --in schools.ini --out "$W/www/trust.json" 2>/dev/null)
    # a second later than anything installed before, as a real publication is
    touch -d "@$(($(date +%s) + $1))" "$W/www/trust.json"
}
publish 1
cat >kiosk.ini <<EOF
[kiosk]
id = K-URL
data_dir = data
event = OPEN1
$(cat own.ini)
name = Eigen school
$region
url = http://127.0.0.1:$PORT/trust.json
[event.OPEN1]
title = Open dag
kind = open_day
host = Eigen school
start = 2020-01-01T08:00
end = 2099-01-01T08:00
mode = checkin
[sync]
endpoint = http://127.0.0.1:9/xAPI
interval = 1
EOF
"$L" --config kiosk.ini trust update >out.txt || die "first update: $(cat out.txt)"
grep -q '^version: 1$' out.txt || die "first update: $(cat out.txt)"
"$L" --config kiosk.ini trust update >out.txt || die "second update"
grep -q 'no newer list' out.txt || die "unchanged list downloaded again: $(cat out.txt)"
curl -s "http://127.0.0.1:$PORT/__stats" | grep -q 'not_modified 1' || die "no 304 for an unchanged list"

# a running kiosk: version 2 adds 22CC; the sync fetches it and the next scan takes it
publish 2 with-22CC
P=$("$L" pass --key keys/22CC-K1.key --role S --subject 77 --expires 2098-07-31 2>/dev/null)
cat >flow.script <<SCRIPT
wait 4000
scan $P
expect welcome
quit
SCRIPT
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 LOBKIOSK_SCRIPT=flow.script \
    "$L" --config kiosk.ini 2>kiosk.log || die "kiosk: $(cat kiosk.log)"
grep -q 'trust list version 2 of Regio installed' kiosk.log || die "sync did not fetch: $(cat kiosk.log)"
grep -q 'trust list version 2 of Regio in use' kiosk.log || die "kiosk did not apply: $(cat kiosk.log)"
[ "$(sqlite3 data/lobkiosk.db "SELECT count(*) FROM experiences WHERE issuer = '22CC'")" = 1 ] ||
    die "the new school's pass was not checked in"
# an older list at the address is never installed
publish 1
"$L" --config kiosk.ini trust update >out.txt 2>err.txt && die "older list accepted"
grep -q 'older than the installed version 2' err.txt || die "older: $(cat err.txt)"
echo "trust_url: ok"
