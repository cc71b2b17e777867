# no-sanitizer
# The build says what is wrong and honours the builder's settings:
# - a missing pkg-config package stops make at once, by name, before any compile;
# - CPPFLAGS reach every compile and LDFLAGS the link (dpkg-buildflags hardening);
#   AR names the archiver;
# - the data path follows PREFIX through a generated header: `make install
#   PREFIX=/usr` after a build relinks a binary that looks in /usr/share/lobkiosk;
# - an installed binary finds its assets next to itself (../share/lobkiosk), so
#   `init --demo` works from any working directory, also after the tree moved.
set -eu
: "${LOBKIOSK:?}" "${LK_ROOT:?}" "${LK_BUILD:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "build_make: $*"; exit 1; }

# 1. a pkg-config that lacks zbar
mkdir -p "$tmp/fake"
cat > "$tmp/fake/pkg-config" <<'S'
#!/bin/sh
for a in "$@"; do
    if [ "$a" = zbar ]; then
        [ "$1" = --print-errors ] && echo "Package zbar was not found in the pkg-config search path." >&2
        exit 1
    fi
done
exec pkg-config "$@"
S
chmod +x "$tmp/fake/pkg-config"
if make -C "$LK_ROOT" --no-print-directory BUILD="$tmp/nozbar" PKG_CONFIG="$tmp/fake/pkg-config" all \
    >"$tmp/nozbar.log" 2>&1; then
    fail "make succeeded without zbar"
fi
grep -q "missing pkg-config package(s): zbar\." "$tmp/nozbar.log" || { cat "$tmp/nozbar.log"; fail "zbar not named"; }
! grep -q "  CC " "$tmp/nozbar.log" || fail "compiled before saying zbar is missing"
make -C "$LK_ROOT" --no-print-directory BUILD="$tmp/nopc" PKG_CONFIG="$tmp/none/pkg-config" all \
    >"$tmp/nopc.log" 2>&1 && fail "make succeeded without pkg-config"
grep -q "not found: install pkg-config" "$tmp/nopc.log" || { cat "$tmp/nopc.log"; fail "no pkg-config not said"; }

# 2. CPPFLAGS, LDFLAGS and AR reach the commands
make -C "$LK_ROOT" --no-print-directory -n -B BUILD="$tmp/flags" CPPFLAGS="-D_FORTIFY_SOURCE=2 -DLK_MARK_CPP" \
    LDFLAGS="-Wl,-z,relro -Wl,-z,now" AR=lk-mark-ar all >"$tmp/flags.log" 2>&1 || { cat "$tmp/flags.log"; fail "make -n"; }
cc_lines=$(grep -c -- ' -c src/' "$tmp/flags.log")
test "$cc_lines" -gt 20 || fail "only $cc_lines compile lines"
test "$(grep -- ' -c src/' "$tmp/flags.log" | grep -c -- '-DLK_MARK_CPP')" = "$cc_lines" || fail "CPPFLAGS missing on a compile"
grep -- "-o $tmp/flags/lobkiosk " "$tmp/flags.log" | grep -q -- '-Wl,-z,relro -Wl,-z,now' || fail "LDFLAGS missing on the link"
test "$(grep -c 'lk-mark-ar rcs' "$tmp/flags.log")" = 2 || fail "AR not used for both libraries"

# 3. PREFIX: a copy of the tested build, installed under /usr into a DESTDIR
mkdir -p "$tmp/b"
cp -a "$LK_BUILD/src" "$LK_BUILD/gen" "$LK_BUILD"/*.a "$LK_BUILD/lobkiosk" "$tmp/b/"
grep -q '"/usr/local/share/lobkiosk"' "$tmp/b/gen/lk_datadir.h" || fail "the test build is not PREFIX=/usr/local"
make -C "$LK_ROOT" --no-print-directory BUILD="$tmp/b" PREFIX=/usr DESTDIR="$tmp/root" install \
    >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "make install"; }
grep -q "GEN .*(/usr)" "$tmp/install.log" || { cat "$tmp/install.log"; fail "the data path header was not rewritten"; }
strings "$tmp/root/usr/bin/lobkiosk" | grep -qx "/usr/share/lobkiosk" || fail "installed binary does not look in /usr/share"
strings "$tmp/root/usr/bin/lobkiosk" | grep -qx "/usr/local/share/lobkiosk" && fail "installed binary still looks in /usr/local"
# the same PREFIX again: nothing to rebuild
make -C "$LK_ROOT" --no-print-directory BUILD="$tmp/b" PREFIX=/usr all >"$tmp/again.log" 2>&1
! grep -q "  CC \|  LD \|  GEN " "$tmp/again.log" || { cat "$tmp/again.log"; fail "rebuilt with an unchanged PREFIX"; }

# 4. the installed tree, moved elsewhere, run from another folder: assets next to it
mv "$tmp/root/usr" "$tmp/moved"
(cd / && "$tmp/moved/bin/lobkiosk" init --demo "$tmp/demo-installed" --windowed >/dev/null) ||
    fail "init --demo of the moved install"
test -f "$tmp/demo-installed/kiosk.ini" || fail "no kiosk.ini"
# and the build tree's binary from /tmp
(cd /tmp && "$LOBKIOSK" init --demo "$tmp/demo-build" --windowed >/dev/null) || fail "init --demo from /tmp"
"$LOBKIOSK" --config "$tmp/demo-build/kiosk.ini" check >"$tmp/check.log" 2>&1 || true
grep -q "loaded from $LK_ROOT/assets/i18n" "$tmp/check.log" || { cat "$tmp/check.log"; fail "build binary's texts not from the source tree"; }
echo "build_make: missing packages named, flags honoured, PREFIX followed, assets found next to the binary"
