# The Raspberry Pi installer, staged into a temporary root: the unit, the rules and
# the folders land with the right modes, and systemd accepts the unit.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh firmware-free-app/install.sh --root "$tmp" --no-apt --no-build --no-systemctl >/dev/null
test -f "$tmp/etc/systemd/system/lobkiosk.service"
test -f "$tmp/etc/udev/rules.d/99-lobkiosk.rules"
test "$(stat -c %a "$tmp/var/lib/lobkiosk")" = 700
grep -q '^ExecStart=/usr/local/bin/lobkiosk --config /etc/lobkiosk/kiosk.ini' "$tmp/etc/systemd/system/lobkiosk.service"
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
    out=$(systemd-analyze verify "$tmp/etc/systemd/system/lobkiosk.service" 2>&1 || true)
    if echo "$out" | grep -qiE 'unknown (section|key)|invalid|failed to parse'; then
        echo "$out"; exit 1
    fi
fi
echo "firmware install staged ok"
