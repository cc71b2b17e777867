# Shell helpers for the sync tests and the sync benchmark (sourced, not run):
# installs the test LRS from npm when missing, starts it and the fault proxy on
# 127.0.0.1, writes a kiosk.ini pointing at them, and cleans up on exit.
# Needs: LK_ROOT, LK_BUILD, LOBKIOSK (set by scripts/run-tests and scripts/bench).

LRS_DIR="$LK_ROOT/tests/lrs"
LK_PIDS=""
LK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lobkiosk-sync.XXXXXX")

lk_cleanup() {
    rc=$?
    for p in $LK_PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$LK_TMP"
    exit $rc
}
trap lk_cleanup EXIT INT TERM

die() { echo "FAIL: $*" >&2; exit 1; }

lrs_install() {
    [ -d "$LRS_DIR/node_modules/xapi-statements" ] && return 0
    (cd "$LRS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
        die "npm ci in tests/lrs failed (the test LRS comes from npm)"
}

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_line FILE TEXT: waits up to 20 s for TEXT to appear in FILE.
wait_line() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 200 ] && die "timed out waiting for '$2' in $1"
        sleep 0.1
    done
}

# start_lrs PORT: the in-memory LRS; sets LRS_PID.
start_lrs() {
    # a restart on the same port: the old log says "lrs ready" until the new
    # process truncates it, which may come after the first look
    rm -f "$LK_TMP/lrs-$1.log"
    node "$LRS_DIR/lrs.js" "$1" >"$LK_TMP/lrs-$1.log" 2>&1 &
    LRS_PID=$!
    LK_PIDS="$LK_PIDS $LRS_PID"
    wait_line "$LK_TMP/lrs-$1.log" "lrs ready"
}

# start_proxy PORT LRS_PORT: sets PROXY_PID.
start_proxy() {
    rm -f "$LK_TMP/proxy-$1.log"
    node "$LRS_DIR/proxy.js" "$1" "$2" >"$LK_TMP/proxy-$1.log" 2>&1 &
    PROXY_PID=$!
    LK_PIDS="$LK_PIDS $PROXY_PID"
    wait_line "$LK_TMP/proxy-$1.log" "proxy ready"
}

# fault PROXY_PORT JSON
fault() {
    curl -s -f -X POST --data "$2" "http://127.0.0.1:$1/__fault" >/dev/null || die "fault $2"
}

proxy_stats() { curl -s "http://127.0.0.1:$1/__stats"; }

# lrs_count PORT [IDS_FILE]: "total N distinct N [missing N]"
lrs_count() { node "$LRS_DIR/count.js" "$@"; }

# make_kiosk DIR ENDPOINT [TIMEOUT_S] [BATCH]: a kiosk.ini with one issuer and event.
make_kiosk() {
    mkdir -p "$1"
    printf 'lrs-user:lrs-secret\n' >"$1/lrs.cred"
    chmod 600 "$1/lrs.cred"
    pk=$(head -c 32 /dev/urandom | base64)
    cat >"$1/kiosk.ini" <<INI
[kiosk]
id = TEST-KIOSK
data_dir = data
event = EV1
[issuer.00AA]
name = Testschool
home_page = https://school.example.nl/
key.K1 = $pk
[event.EV1]
title = Open dag Techniek
kind = open_day
host = Testschool
start = 2026-01-01T08:00+01:00
end = 2030-01-01T17:00+01:00
mode = checkin
[sync]
endpoint = $2
credentials_file = lrs.cred
interval = 1
connect_timeout = 2
timeout = ${3:-10}
batch_size = ${4:-100}
INI
}

# seeder: the helper that queues real statements (bench/sync.c).
SEEDER="$LK_BUILD/bench/sync"
ensure_seeder() {
    # always through make: a seeder older than the library writes an old schema
    (cd "$LK_ROOT" && make --no-print-directory -s BUILD="${LK_BUILD#"$LK_ROOT"/}" \
        "${LK_BUILD#"$LK_ROOT"/}/bench/sync" >/dev/null) || die "cannot build bench/sync"
}

# queued_ids DIR: uuids still queued in the kiosk's outbox.
queued_ids() { sqlite3 "$1/data/lobkiosk.db" "SELECT uuid FROM outbox WHERE id IN (SELECT id FROM outbox_queue) ORDER BY id"; }

# field NAME FILE: the value of "NAME value" lines printed by the CLI.
field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
