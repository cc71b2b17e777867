# lobkiosk decode: text of each code and exit 0; nothing found: exit 1; error: exit 2.
set -u
P=tests/data/qr-photos
fail() { echo "decode_cli: $*"; exit 1; }
out=$("$LOBKIOSK" decode "$P/qrcode-1/1.png") || fail "exit $? on a readable photo"
[ "$out" = "$(cat "$P/qrcode-1/1.txt")" ] || fail "wrong text: $out"
# Shift-JIS text comes out as UTF-8
out=$("$LOBKIOSK" decode "$P/qrcode-2/29.png") || fail "exit $? on 2/29"
[ "$out" = "$(cat "$P/qrcode-2/29.txt")" ] || fail "wrong Shift-JIS text"
# two images: two lines
n=$("$LOBKIOSK" decode "$P/qrcode-1/1.png" "$P/qrcode-1/2.png" | wc -l)
[ "$n" = 2 ] || fail "expected 2 lines, got $n"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# an image without a code
printf 'P5 64 64 255\n' >"$tmp/flat.pgm"
head -c 4096 /dev/zero | tr '\0' '\200' >>"$tmp/flat.pgm"
"$LOBKIOSK" decode "$tmp/flat.pgm" >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || fail "no code: exit $rc, want 1"
# errors: missing file, not an image, no arguments
"$LOBKIOSK" decode "$tmp/missing.png" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "missing file: exit $rc, want 2"
echo "not an image" >"$tmp/x.png"
"$LOBKIOSK" decode "$tmp/x.png" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "garbage file: exit $rc, want 2"
"$LOBKIOSK" decode >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "no arguments: exit $rc, want 2"
exit 0
