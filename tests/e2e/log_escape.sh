#!/bin/sh
# Foreign text never reaches a terminal raw: a merge file whose name and contents hold
# terminal escapes, and a kiosk.ini value with one, come out escaped (\x1b) on
# stderr and stdout, never as the ESC byte itself.
set -eu
: "${LOBKIOSK:?}"
T=$(mktemp -d /tmp/lk-escape.XXXXXX)
trap 'rm -rf "$T"' EXIT
ESC=$(printf '\033')
fail() { echo "log_escape: $*"; exit 1; }
clean() { # file: no ESC, BEL or CR bytes
    if LC_ALL=C grep -q "$ESC\|$(printf '\007')\|$(printf '\r')" "$1"; then
        cat -v "$1"; fail "raw control characters in $2"
    fi
}
name="$T/$(printf 'kiosk\033[2J.json')"
printf '[{"id":"x","verb":"\033]0;owned\007"}]\n' > "$name"
printf '\033[31m{not json\n' > "$T/bad.json"
"$LOBKIOSK" report --from "$name" --from "$T/bad.json" > "$T/out" 2> "$T/err" || true
clean "$T/out" "report's output"
clean "$T/err" "report's messages"
grep -q 'kiosk\\x1b\[2J.json' "$T/out" "$T/err" || fail "the file name is not shown escaped"
printf '[kiosk]\nlanguage = \033[31mnl\r\n' > "$T/kiosk.ini"
if "$LOBKIOSK" --config "$T/kiosk.ini" check > "$T/out" 2> "$T/err"; then fail "bad ini loaded"; fi
clean "$T/err" "the configuration error"
grep -q '\\x1b\[31mnl' "$T/err" || { cat "$T/err"; fail "the value is not quoted escaped"; }
echo "log_escape: ok"
