# The Raspberry Pi installer, staged into a temporary root: the unit, the rules and
# the folders land with the right modes, and systemd accepts the units. The unit
# is a watchdog-fed Type=notify service that starts without the network and only
# once kiosk.ini exists; the stick is mounted by udev at the fixed mount point
# (no automount); SysRq and spare consoles are off; the package list holds what
# the build and the kiosk need and none of the test tools.
set -eu
fail() { echo "firmware_install: $1"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh firmware-free-app/install.sh --root "$tmp" --no-apt --no-build --no-systemctl >/dev/null
test -f "$tmp/etc/systemd/system/lobkiosk.service"
test -f "$tmp/etc/udev/rules.d/99-lobkiosk.rules"
test "$(stat -c %a "$tmp/var/lib/lobkiosk")" = 700
U="$tmp/etc/systemd/system/lobkiosk.service"
grep -q '^ExecStart=/usr/local/bin/lobkiosk --config /etc/lobkiosk/kiosk.ini' "$U"
grep -q '^Type=notify$' "$U" || fail "not Type=notify"
grep -q '^WatchdogSec=[1-9]' "$U" || fail "no WatchdogSec"
grep -q '^ConditionPathExists=/etc/lobkiosk/kiosk.ini$' "$U" || fail "no ConditionPathExists on kiosk.ini"
grep -E '^(After|Wants|Requires)=.*network-online' "$U" && fail "waits for network-online.target"
grep -q '^ProtectSystem=strict' "$U" || fail "ProtectSystem=strict is gone"
MOUNT=$(sed -n 's/^#define LK_USB_MOUNT "\(.*\)".*/\1/p' include/lobkiosk/defaults.h)
[ -n "$MOUNT" ] || fail "no LK_USB_MOUNT in defaults.h"
grep -q "^ReadWritePaths=.*$MOUNT" "$U" || fail "the export mount $MOUNT is not writable for the kiosk"
test -d "$tmp$MOUNT" || fail "no $MOUNT folder"
M="$tmp/etc/systemd/system/lobkiosk-usb@.service"
test -f "$M" || fail "no stick mount unit"
grep -q " $MOUNT'\$" "$M" || fail "the stick is not mounted at $MOUNT"
grep -q 'lobkiosk-usb@%k.service' "$tmp/etc/udev/rules.d/99-lobkiosk.rules" || fail "udev does not start the stick mount"
# An automount on the export folder hangs ProtectSystem's namespace set-up
# without a stick: nothing here (nor the README) may set one up.
grep -rnE 'lobkiosk .*x-systemd\.automount' "$tmp/etc" firmware-free-app/README.md && fail "an automount on the export folder"
grep -q '^kernel.sysrq = 0' "$tmp/etc/sysctl.d/90-lobkiosk.conf" || fail "SysRq stays on"
grep -q '^NAutoVTs=0' "$tmp/etc/systemd/logind.conf.d/lobkiosk.conf" || fail "spare consoles get a login"
# Packages: the -dev package of every pkg-config module the Makefile builds
# with, and no test or demo tool.
sh firmware-free-app/install.sh --print-packages > "$tmp/pkgs"
for bad in clang nodejs npm xvfb imagemagick xdotool zbar-tools zxing-cpp-tools libcmocka-dev poppler-utils sox; do
    grep -qx "$bad" "$tmp/pkgs" && fail "install.sh installs $bad on the Pi"
done
if command -v dpkg >/dev/null 2>&1; then
    mods=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' Makefile | sed -n 's/^PKGS *:= *//p')
    [ -n "$mods" ] || fail "no PKGS in the Makefile"
    for m in $mods; do
        pc="$(pkg-config --variable=pcfiledir "$m" 2>/dev/null || true)/$m.pc"
        pkg=$(dpkg -S "$pc" 2>/dev/null | sed 's/:.*//' | head -1)
        [ -n "$pkg" ] || continue
        grep -qx "$pkg" "$tmp/pkgs" || fail "install.sh misses $pkg (pkg-config $m)"
    done
fi
grep -q '^demo = false' "$tmp/etc/lobkiosk/kiosk.ini.example"
grep -q '^data_dir = /var/lib/lobkiosk' "$tmp/etc/lobkiosk/kiosk.ini.example"
if grep -q '@[A-Z_]*@' "$tmp/etc/lobkiosk/kiosk.ini.example"; then
    # only the issuer placeholders remain for the school to fill in
    remaining=$(grep -o '@[A-Z_]*@' "$tmp/etc/lobkiosk/kiosk.ini.example" | sort -u | tr '\n' ' ')
    case "$remaining" in
        *KIOSK_ID*|*DEMO*|*CAMERA_SOURCE*|*PIN_HASH*) echo "unfilled: $remaining"; exit 1 ;;
    esac
fi
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify reports unknown users on a build machine; only syntax errors fail here
    cp "$M" "$tmp/lobkiosk-usb@sda1.service" # a template is verified as an instance
    out=$(systemd-analyze verify "$tmp/etc/systemd/system/lobkiosk.service" \
        "$tmp/lobkiosk-usb@sda1.service" 2>&1 || true)
    if echo "$out" | grep -qiE 'unknown (section|key)|invalid|failed to parse'; then
        echo "$out"; exit 1
    fi
fi
echo "firmware install staged ok"
