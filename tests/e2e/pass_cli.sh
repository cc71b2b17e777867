#!/bin/sh
# Issuer key and pass workflow through the real binary: keygen, pass with a PNG that
# a barcode reader decodes to the printed payload, refusals (overwrite, a key file
# readable by others, bad arguments) and the admin PIN line.
set -eu
: "${LOBKIOSK:?set LOBKIOSK to the lobkiosk binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-pass-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

fail() { echo "pass_cli: $*" >&2; exit 1; }

# expect CODE CMD...: runs CMD, stderr into $T/err, and checks the exit code
expect() {
    want=$1; shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    [ "$got" = "$want" ] || { cat "$T/err" >&2; fail "exit $got, wanted $want: $*"; }
}

# keygen creates the directory, the key pair, and prints the kiosk.ini lines
expect 0 "$LOBKIOSK" keygen --issuer 00AA --key-id K1 --out "$T/keys"
[ -f "$T/keys/00AA-K1.key" ] || fail "no key file"
[ -f "$T/keys/00AA-K1.pub" ] || fail "no pub file"
[ "$(stat -c %a "$T/keys/00AA-K1.key")" = 600 ] || fail "key file mode is not 600"
[ "$(stat -c %a "$T/keys/00AA-K1.pub")" = 644 ] || fail "pub file mode is not 644"
grep -qx '\[issuer.00AA\]' "$T/out" || fail "no [issuer.00AA] line"
grep -Eqx 'key\.K1 = [A-Za-z0-9+/]{43}=' "$T/out" || fail "no key.K1 line"
pub=$(sed -n 's/^key\.K1 = //p' "$T/out")
grep -q "$pub" "$T/keys/00AA-K1.pub" || fail "printed key differs from the .pub file"
if grep -q secret "$T/keys/00AA-K1.pub"; then fail "secret in the .pub file"; fi

# never overwrites a key
cp "$T/keys/00AA-K1.key" "$T/key.before"
expect 3 "$LOBKIOSK" keygen --issuer 00AA --key-id K1 --out "$T/keys"
grep -q "never overwritten" "$T/err" || fail "overwrite refusal does not say why"
cmp -s "$T/key.before" "$T/keys/00AA-K1.key" || fail "key file changed"

# a pass, printed and as a PNG that decodes to the same text
expect 0 "$LOBKIOSK" pass --key "$T/keys/00AA-K1.key" --role S --subject 123456 \
    --expires 2027-07-31 --png "$T/pass.png"
payload=$(cat "$T/out")
case $payload in
    LOB1.00AA.S.123456.20270731.K1.*) ;;
    *) fail "unexpected payload: $payload" ;;
esac
[ ${#payload} -ge 130 ] && [ ${#payload} -le 140 ] || fail "payload length ${#payload}"
decoded=$(zbarimg --raw -q "$T/pass.png" 2>/dev/null) # stderr: D-Bus noise
[ "$decoded" = "$payload" ] || fail "PNG decodes to '$decoded'"

# two passes differ only where they should: the same input signs the same (Ed25519)
expect 0 "$LOBKIOSK" pass --key "$T/keys/00AA-K1.key" --role S --subject 123456 \
    --expires 2027-07-31
[ "$(cat "$T/out")" = "$payload" ] || fail "signing is not deterministic"

# a key file others can read is refused, with the fix in the message
chmod 644 "$T/keys/00AA-K1.key"
expect 3 "$LOBKIOSK" pass --key "$T/keys/00AA-K1.key" --role S --subject 123456 \
    --expires 2027-07-31
grep -q "00AA-K1.key" "$T/err" || fail "permission message does not name the file"
grep -q "chmod 600" "$T/err" || fail "permission message does not give the fix"
chmod 600 "$T/keys/00AA-K1.key"

# bad arguments are usage errors (exit 2) with a message
K=$T/keys/00AA-K1.key
expect 2 "$LOBKIOSK" keygen --issuer 00aa --key-id K1 --out "$T/k2"
expect 2 "$LOBKIOSK" keygen --issuer 00AA --key-id K12345 --out "$T/k2"
expect 2 "$LOBKIOSK" keygen --issuer 00AA --key-id K1
expect 2 "$LOBKIOSK" keygen --issuer
expect 2 "$LOBKIOSK" pass --key "$K" --role X --subject 123456 --expires 2027-07-31
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 123456 --expires 2027-02-30
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 123456 --expires 20270731
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 123456 --expires 2027-7-31
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject jan.jansen@school.nl --expires 2027-07-31
grep -q "pseudonymous" "$T/err" || fail "e-mail subject refusal does not explain"
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject Jan --expires 2027-07-31
grep -q "never names" "$T/err" || fail "lower-case subject refusal does not explain"
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 0123456789ABCDEFG --expires 2027-07-31
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 12-34 --expires 2027-07-31
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 123456
expect 2 "$LOBKIOSK" pass --key "$K" --role S --subject 123456 --expires 2027-07-31 --bogus
expect 3 "$LOBKIOSK" pass --key "$T/missing.key" --role S --subject 1 --expires 2027-07-31
[ ! -e "$T/k2" ] || fail "a refused keygen created its directory"

# the admin PIN line
expect 0 sh -c "echo 4711 | \"$LOBKIOSK\" pin"
grep -Eq '^admin_pin_hash = \$argon2id\$' "$T/out" || fail "no admin_pin_hash line"
expect 2 sh -c "echo 12 | \"$LOBKIOSK\" pin"
expect 2 sh -c "echo abcd | \"$LOBKIOSK\" pin"
expect 2 "$LOBKIOSK" pin extra

# init --demo: a size kiosk.ini cannot hold ([ui] width/height 0..16384) is a usage
# error before anything is written, not a half-made demo that blocks the next try
expect 2 "$LOBKIOSK" init --demo "$T/demo-big" --size 20000x800
[ ! -e "$T/demo-big/kiosk.ini" ] || fail "init --size 20000x800 wrote a kiosk.ini"
expect 2 "$LOBKIOSK" init --demo "$T/demo-big" --size 800x99999999999
echo "pass_cli: ok"
