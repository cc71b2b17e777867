# scripts/checksrc passes on the tree as it is and fails on each planted
# violation: a banned call, core including SDL (directly and through a header),
# core reaching a module above it, sync including the UI, store_db() outside report
# and export, and badly formatted changed lines. Comments and strings do not count.
set -eu
: "${LK_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "checksrc test: $*"; exit 1; }
T="$tmp/tree"
mkdir -p "$T/scripts"
cp -r "$LK_ROOT/src" "$LK_ROOT/include" "$T/"
cp "$LK_ROOT/.clang-format" "$T/"
cp "$LK_ROOT/scripts/checksrc" "$T/scripts/"
cd "$T"
git init -q -b main . && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -qm tree
sh scripts/checksrc >"$tmp/ok.log" 2>&1 || { cat "$tmp/ok.log"; fail "the clean tree fails"; }
grep -q '^checksrc: .* files in src/' "$tmp/ok.log" || fail "no summary line"

# plant FILE TEXT EXPECTED: append TEXT to FILE, expect failure naming EXPECTED, undo
plant() {
    cp "$1" "$tmp/saved"
    printf '%s\n' "$2" >>"$1"
    if sh scripts/checksrc >"$tmp/bad.log" 2>&1; then
        cat "$tmp/bad.log"; fail "not caught: $2 in $1"
    fi
    grep -q -- "$3" "$tmp/bad.log" || { cat "$tmp/bad.log"; fail "wrong message for $2 (want $3)"; }
    cp "$tmp/saved" "$1"
}
plant src/core/util.c 'static void lk_x(char *d) { strcpy(d, "x"); }' 'src/core/util.c:.*banned function: strcpy'
plant src/ui/draw.c 'static int lk_y(const char *s) { return atoi(s); }' 'banned function: atoi'
plant src/core/store.c '#include <SDL.h>' 'src/core/store.c:.*core includes a device or UI library'
plant src/core/checkin.c '#include "lobkiosk/qrcode.h"' 'core reaches lobkiosk/qrcode.h'
plant src/core/xapi.c '#include "lobkiosk/scanner.h"' 'core reaches lobkiosk/scanner.h, a module outside core'
plant include/lobkiosk/wedge.h '#include <curl/curl.h>' 'which includes a device or UI library'
plant src/core/pin.c '#include "ui/draw.h"' 'core includes an upper layer'
plant src/sync/sync.c '#include "ui/flow.h"' 'scan and sync include nothing of the UI'
plant src/sync/sync.c 'static void *lk_z(store *s) { return store_db(s); }' 'src/sync/sync.c:.*store_db() outside report and export'
# words in comments and strings are not calls
cp src/core/util.c "$tmp/saved"
printf '%s\n' '/* never strcpy(a, b) or store_db(st) */' 'static const char *lk_w = "sprintf(x)";' >>src/core/util.c
sh scripts/checksrc >"$tmp/c.log" 2>&1 || { cat "$tmp/c.log"; fail "a comment or string counted"; }
cp "$tmp/saved" src/core/util.c
# badly formatted changed lines, committed on a branch and left uncommitted
printf '%s\n' 'int lk_fmt_probe(int a,int b){return a+b;}' >>src/core/status.c
sh scripts/checksrc >"$tmp/f.log" 2>&1 && { cat "$tmp/f.log"; fail "unformatted change not caught"; }
grep -q "clang-format: changed lines" "$tmp/f.log" || { cat "$tmp/f.log"; fail "wrong format message"; }
git checkout -q -b topic && git -c user.name=t -c user.email=t@example.invalid commit -qam probe
sh scripts/checksrc >"$tmp/f2.log" 2>&1 && { cat "$tmp/f2.log"; fail "unformatted commit on a branch not caught"; }
clang-format -i --style=file src/core/status.c
sh scripts/checksrc >"$tmp/f3.log" 2>&1 || { cat "$tmp/f3.log"; fail "formatted change still fails"; }
echo "checksrc test: the tree passes; every planted violation is caught"
