# Decode rate on the photo set: lobkiosk decode, zbarimg --raw and ZXingReader
# side by side (exact text, QR only), then ms per 640x480 frame against plain ZBar.
set -u
PHOTOS=tests/data/qr-photos
[ -d "$PHOTOS" ] || { echo "no $PHOTOS: skipped"; exit 0; }
count() { # $1 = tool name; prints "ok wrong missing"
    ok=0; wrong=0; none=0
    for png in "$PHOTOS"/qrcode-*/*.png; do
        exp=$(cat "${png%.png}.txt")
        case $1 in
        lobkiosk) out=$("$LOBKIOSK" decode "$png" 2>/dev/null) ;;
        zbarimg) out=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$png" 2>/dev/null) ;;
        zxing) # raw bytes; Shift-JIS read as CP932 like ZXing's own text output
            out=$(ZXingReader -format QRCode -bytes "$png" 2>/dev/null)
            [ "$out" = "$exp" ] || out=$(ZXingReader -format QRCode -bytes "$png" 2>/dev/null |
                iconv -f CP932 -t UTF-8 2>/dev/null || echo "$out") ;;
        esac
        if [ -z "$out" ]; then none=$((none + 1))
        elif [ "$out" = "$exp" ]; then ok=$((ok + 1))
        else wrong=$((wrong + 1)); fi
    done
    printf '%-14s %3d decoded, %2d wrong, %2d not found\n' "$1" "$ok" "$wrong" "$none"
    eval "${1}_ok=$ok ${1}_wrong=$wrong"
}
zxing_ok=; lobkiosk_ok=0; lobkiosk_wrong=0
total=$(ls "$PHOTOS"/qrcode-*/*.png | wc -l)
echo "decode rate on $total photos (exact text):"
count lobkiosk
command -v zbarimg >/dev/null && count zbarimg || echo "zbarimg: not installed"
command -v ZXingReader >/dev/null && count zxing || echo "ZXingReader: not installed"
# goal: at least ZXingReader's count, never a wrong text
if [ -z "$zxing_ok" ]; then verdict="no ZXingReader to compare"
elif [ "$lobkiosk_ok" -ge "$zxing_ok" ] && [ "$lobkiosk_wrong" -eq 0 ]; then verdict=ok
else verdict=MISSED; fi
echo "goal: decoded >= ZXingReader's ($zxing_ok), 0 wrong: $verdict"
echo
"$LK_BUILD/bench/decode"
