#!/bin/sh
# Every screen at 800x480, 1024x600 and 1280x800, in Dutch and in English (script
# mode, headless). One walk through the kiosk reaches each screen: idle, welcome,
# the reflection's faces, chips, text and keyboard, its banner and its "Nog even?"
# warning, done, refusal, host (and "Bevestig iedereen" asked, its undo), already,
# the PIN pad, a wrong PIN, admin (and the USB export's failure), forgot the pass
# (found, nobody found), the clock, an internship day's check-in, "Wil je
# uitchecken?" and check-out, the admin's check-outs, one check-out and its time
# picker, and the PIN pad shut after five wrong PINs. The screens with an on-screen
# keyboard or the PIN pad, forgot the pass and the admin's check-outs are also drawn
# on a 7" screen turned, 480x800 (seven keys a row there). On each, every size and
# language is drawn, saved as a PNG and checked: no text outside its box, no
# character without a glyph, no target under 9 mm or closer than 2 mm to another, no
# text missing.
# LK_UI_SHOTS=DIR keeps the PNGs (DIR/SIZE-LANG/NN-name.png) to look at.
set -eu
: "${LOBKIOSK:?}"
ROOT=$(pwd)
T=$(mktemp -d /tmp/lk-ui-every.XXXXXX)
trap 'rm -rf "$T"' EXIT
SHOTS=${LK_UI_SHOTS:-$T/shots}
"$LOBKIOSK" init --demo "$T/demo" --windowed --size 800x480 >/dev/null
K="$T/demo/kiosk.ini"
sed -i "s|^;*assets_dir *=.*|assets_dir = $ROOT/assets|" "$K"
sed -i 's/^source *= *folder/source = none/' "$K"
# the warning halfway, after 6 s
sed -i 's/^reflection_timeout *=.*/reflection_timeout = 12/' "$K"
P="$T/demo/passes/passes.txt"
pay() { awk -v s="$1" '$3 == s { print $4 }' "$P"; }
SIZES="800x480 1024x600 1280x800"
for size in $SIZES 480x800; do for lang in nl en; do mkdir -p "$SHOTS/$size-$lang"; done; done
n=0
extra=0
# all NAME [SIZE...]: the screen now at every size (and these) and in both languages,
# then back
all() {
    n=$((n + 1))
    name=$1
    shift
    extra=$((extra + 2 * $#))
    for size in $SIZES "$@"; do
        for lang in nl en; do
            printf 'size %s\nlang %s\ncheck-overflow\nshot %s/%s-%s/%02d-%s.png\n' \
                "$size" "$lang" "$SHOTS" "$size" "$lang" "$n" "$name"
        done
    done
    printf 'size 800x480\nlang nl\n'
}
pin() { printf 'tap admin\ntap pin-1\ntap pin-2\ntap pin-3\ntap pin-4\ntap pin-ok\nexpect admin\n'; }
S="$T/s"
{
    echo "wait 50"
    echo "expect idle"; all idle
    echo "scan $(pay 1001)"; echo "expect welcome"; all welcome
    echo "tap next"; echo "expect reflection"; all reflection-faces
    echo "tap choice-4"; echo "tap choice-1"; echo "tap choice-3"; all reflection-chips
    echo "scan $(pay 1006)"; echo "expect reflection"; all reflection-banner
    echo "wait 4200"; echo "tap next"
    for s in 1 2 3 4; do echo "tap skip"; done
    echo "tap key-j"; echo "tap key-a"; all reflection-text 480x800
    echo "tap key-layer"; all reflection-keys 480x800
    echo "tap key-layer"
    echo "wait 6500"; echo "expect reflection"; all reflection-warning
    echo "tap stay"; echo "tap send"; echo "expect done"; all done
    echo "tap close"; echo "scan $(pay 1006)"; echo "expect refusal"; all refusal
    echo "tap ok"; echo "scan $(pay H01)"; echo "expect host"; all host
    echo "tap confirm-all"; echo "expect-text Ja, 1 bevestigen"; all host-confirm-ask
    echo "tap confirm-all"; echo "expect-text Ongedaan maken"; all host-undo
    echo "tap undo"
    echo "tap confirm-0"; echo "tap close"
    echo "scan $(pay 1001)"; echo "expect welcome"; all already
    echo "tap next"; echo "expect idle"
    echo "tap admin"; echo "expect pin"; echo "tap pin-1"; all pin 480x800
    printf 'tap pin-9\ntap pin-9\ntap pin-9\ntap pin-ok\nexpect pin\n'; all pin-wrong 480x800
    echo "tap pin-cancel"; pin; all admin
    echo "tap export"; echo "wait 3000"; echo "expect-text Geen USB-stick gevonden."
    all admin-export-failed
    echo "tap manual"; echo "expect manual"; all manual 480x800
    echo "tap key-a"; all manual-found 480x800
    echo "tap key-q"; echo "expect-text Niemand gevonden."; all manual-none 480x800
    echo "tap close"; echo "tap clock"; echo "expect clock"; all clock
    echo "tap clock-hour+"; all clock-changed
    echo "tap close"; echo "tap event-1"; echo "tap close"
    echo "scan $(pay 1002)"; echo "expect welcome"; all stage-checkin
    echo "tap next"; echo "expect idle"
    echo "scan $(pay H01)"; echo "tap close" # another pass between: not a repeat
    echo "scan $(pay 1002)"; echo "expect confirm_out"; all stage-confirm
    echo "tap checkout-yes"; echo "expect welcome"; all stage-checkout
    echo "scan $(pay 1003)"; echo "expect welcome"; echo "tap next"; echo "expect idle"
    pin; all admin-stage 480x800
    echo "tap checkouts"; echo "expect checkouts"; all checkouts 480x800
    echo "tap co-0"; echo "expect checkout_edit"; all checkout-edit 480x800
    echo "tap co-undo"; all checkout-undo-ask 480x800
    echo "tap co-time"; echo "expect checkout_time"; echo "tap co-min-"; all checkout-time 480x800
    echo "tap co-save"; all checkout-time-ask 480x800
    echo "tap co-save"; echo "expect checkouts"; all checkouts-notice 480x800
    echo "tap close"; echo "tap event-auto"; echo "tap close"; echo "expect idle"
    echo "tap admin"
    for i in 1 2 3 4 5; do printf 'tap pin-9\ntap pin-9\ntap pin-9\ntap pin-9\ntap pin-ok\n'; done
    echo "expect pin"; all pin-locked 480x800
    echo "quit"
} >"$S"
SDL_VIDEODRIVER=${LK_UI_VIDEO:-dummy} SDL_AUDIODRIVER=dummy LOBKIOSK_SIZE=800x480 \
    LOBKIOSK_SCRIPT="$S" LOBKIOSK_NO_THREADS=1 "$LOBKIOSK" --config "$K"
got=$(ls "$SHOTS"/*-*/*.png | wc -l)
want=$((n * 6 + extra))
[ "$got" = "$want" ] || { echo "ui_every_screen: expected $want screenshots, got $got"; exit 1; }
echo "ui_every_screen: $n screens x 3 sizes x 2 languages, keyboards, PIN pad and check-outs also at 480x800: $got screenshots, none overflows"
