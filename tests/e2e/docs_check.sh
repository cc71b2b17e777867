# Keeps the docs honest: the man page renders without warnings, and names every
# subcommand of main.c's command table, every option a cmd_*.c accepts and every
# environment variable the program reads; every kiosk.ini key of the documented
# example is in the man page or the guide; every refusal sentence of
# assets/i18n/nl.ini is in the guide's troubleshooting. Static: needs no binary.
set -u
MAN=docs/lobkiosk.1
GUIDE=docs/handleiding.md
errors=0
fail() { echo "docs_check: $*"; errors=$((errors + 1)); }
for f in "$MAN" "$GUIDE" src/cli/main.c assets/demo/kiosk.example.ini assets/i18n/nl.ini; do
    [ -f "$f" ] || { echo "docs_check: $f is missing"; exit 1; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1. It renders without warnings (when groff is there).
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" >"$tmp/groff.err" 2>&1 || fail "groff failed on $MAN"
    if [ -s "$tmp/groff.err" ]; then
        fail "groff warns about $MAN:"
        cat "$tmp/groff.err"
    fi
else
    echo "docs_check: groff not found, rendering not checked"
fi

# The man page source as plain text: \- as -, font escapes and \% removed.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\%//g' -e 's/\\&//g' "$MAN" >"$tmp/man.txt"

# 2. Every subcommand in main.c's command table has its own .SS heading.
cmds=$(sed -n 's/^[[:space:]]*{"\([a-z][a-z-]*\)", cmd_[a-z_]*,.*/\1/p' src/cli/main.c)
[ -n "$cmds" ] || fail "found no commands in src/cli/main.c's table"
for c in $cmds; do
    grep -Eq "^\.SS \"?$c( |\"|\$)" "$tmp/man.txt" || fail "command '$c' has no .SS section in $MAN"
done

# 3. Every option literal in the command line code is in the man page.
opts=$(grep -oh '"--[a-z][a-z0-9-]*"' src/cli/main.c src/cli/cmd_*.c | tr -d '"' | sort -u)
[ -n "$opts" ] || fail "found no options in src/cli/"
for o in $opts; do
    grep -Eq -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" "$tmp/man.txt" || fail "option $o is not in $MAN"
done

# 4. Every environment variable the program reads is in the man page.
vars=$(grep -rhoE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' src | sed 's/getenv("\(.*\)")/\1/' | sort -u)
for v in $vars; do
    grep -q "$v" "$tmp/man.txt" || fail "environment variable $v (read in src/) is not in $MAN"
done

# 5. Every kiosk.ini key (also the commented-out ones) is in the man page or the guide.
#    key.@KEY_ID@ counts as the "key." prefix.
keys=$(sed -n 's/^;\{0,1\}[[:space:]]*\([a-z_][a-z0-9_.@A-Z]*\)[[:space:]]*=.*/\1/p' \
    assets/demo/kiosk.example.ini | sed 's/@[A-Z_]*@$//' | sort -u)
[ -n "$keys" ] || fail "found no keys in assets/demo/kiosk.example.ini"
for k in $keys; do
    if ! grep -Fq -- "$k" "$tmp/man.txt" && ! grep -Fq -- "$k" "$GUIDE"; then
        fail "kiosk.ini key '$k' is in neither $MAN nor $GUIDE"
    fi
done

# 6. Every refusal sentence shown to students is explained in the guide.
sed -n '/^\[refusal\]/,/^\[/p' assets/i18n/nl.ini | sed -n 's/^[a-z_]*[[:space:]]*=[[:space:]]*//p' \
    >"$tmp/refusals.txt"
[ -s "$tmp/refusals.txt" ] || fail "found no [refusal] texts in assets/i18n/nl.ini"
while IFS= read -r sentence; do
    grep -Fq -- "$sentence" "$GUIDE" || fail "refusal text not in $GUIDE: $sentence"
done <"$tmp/refusals.txt"

# 7. make install puts the man page where man finds it.
grep -q 'share/man/man1/lobkiosk.1' Makefile || fail "Makefile does not install $MAN"

[ "$errors" = 0 ] || { echo "docs_check: $errors problem(s)"; exit 1; }
exit 0
