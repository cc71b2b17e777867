# Instructions per 640x480 camera frame (callgrind, so the figure does not depend on
# this machine's load) and read rate, the kiosk's decoder (video mode) against plain
# ZBar (zbar_scan_image, full frame, QR only) on the same frames, one row per case:
# an idle scene, a scene moving past the camera, and a pass held in a hand with
# modules of 2, 3, 4 and 6 pixels and filling the frame. Every frame differs (its own
# sensor noise; the hand wanders, turns, tilts, blurs now and then: bench/frames.c).
# Then grey out of I420 (source = command, rpicam-vid), YUYV and MJPEG (source = v4l2)
# and the share of one core at 15 fps on a Pi Zero 2 W and a Pi 4, at the
# instructions per cycle assumed below.
set -u
FRAMES=${BENCH_CAMERA_FRAMES:-40}
FPS=15
# Assumed sustained instructions per cycle on this kind of code (byte loops, table
# lookups, branches): Cortex-A53 (in-order, dual issue) 0.8; Cortex-A72 (out of
# order, 3-wide) 1.5. Instructions are counted on this machine's ISA (x86-64); an
# AArch64 build runs a similar count (both sides have SIMD for the JPEG and memcpy).
ZERO_HZ=1000000000 ZERO_IPC=0.8
PI4_HZ=1500000000 PI4_IPC=1.5
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 0; }
BIN="$LK_BUILD/bench/frames"
[ -x "$BIN" ] || { echo "no $BIN: skipped"; exit 0; }
T=$(mktemp -d /tmp/lk-bench-frames.XXXXXX)
trap 'rm -rf "$T"' EXIT
ir() { # file function: inclusive instructions of the function, per frame
    v=$(callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
        awk -v f=":$2" 'index($0, f) { gsub(",", "", $1); print $1; exit }')
    echo $(( ${v:-0} / FRAMES ))
}
CASES="idle moving m2 m3 m4 m6 fill"
printf '%-38s %12s %12s %6s %6s %8s %8s %s\n' "case ($FRAMES frames each)" "ZBar instr" \
    "ours instr" "ratio" "goal" "ZBar read" "ours read" "verdict"
misses=0
for c in $CASES; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measure \
        --callgrind-out-file="$T/cg.$c" "$BIN" "$c" "$FRAMES" >"$T/out.$c" 2>"$T/err.$c" ||
        { cat "$T/out.$c" "$T/err.$c"; echo "frames $c failed"; exit 1; }
    z=$(ir "$T/cg.$c" bench_decode_zbar)
    o=$(ir "$T/cg.$c" bench_decode_lobkiosk)
    zr=$(sed -n 's/.*read: ours [0-9]*, zbar \([0-9]*\);.*/\1/p' "$T/out.$c")
    orr=$(sed -n 's/.*read: ours \([0-9]*\),.*/\1/p' "$T/out.$c")
    case $c in
    idle) label="idle scene (room, sensor noise)"; goal=0.33 ;;
    moving) label="scene moving past, 7 px a frame"; goal=0.33 ;;
    fill) label="hand-held pass filling the frame"; goal=1.00 ;;
    *) label="hand-held pass, ${c#m} px modules"; goal=1.00 ;;
    esac
    eval "dec_$c=$o zbar_$c=$z"
    v=$(awk -v o="$o" -v z="$z" -v g="$goal" -v zr="$zr" -v orr="$orr" \
        'BEGIN { r = o / z; printf "%.2fx %s", r, (r <= g && orr >= zr) ? "ok" : "MISSED" }')
    case $v in *MISSED) misses=$((misses + 1)) ;; esac
    printf '%-38s %12d %12d %6s %5.2fx %8s %8s %s\n' "$label" "$z" "$o" "${v% *}" "$goal" \
        "$zr/$FRAMES" "$orr/$FRAMES" "${v#* }"
done
echo "(instructions per frame of each decoder; ratio = ours / plain ZBar; goal: at most the"
echo " goal ratio and at least as many frames read with the exact payload (ours counts a frame"
echo " it skips because that scene was read already, as the kiosk keeps the answer); $misses"
echo " of $(echo $CASES | wc -w) rows miss their goal)"
echo
conv_i420=$(ir "$T/cg.idle" bench_conv_i420)
conv_yuyv=$(ir "$T/cg.idle" bench_conv_yuyv)
conv_mjpeg=$(ir "$T/cg.idle" bench_conv_mjpeg)
printf '%-28s %12d\n' "grey from I420" "$conv_i420" "grey from YUYV" "$conv_yuyv" \
    "grey from MJPEG" "$conv_mjpeg"
echo
share() { # instructions per frame, Hz, IPC -> percent of one core
    awk -v i="$1" -v hz="$2" -v ipc="$3" -v fps="$FPS" 'BEGIN { printf "%7.1f%%", 100 * i * fps / (hz * ipc) }'
}
printf '%-34s' "share of one core at $FPS fps"
for c in $CASES; do printf ' %8s' "$c"; done
echo
for hw in ZERO PI4; do
    eval hz=\$${hw}_HZ ipc=\$${hw}_IPC
    for dec in ours zbar; do
        [ $hw = ZERO ] && lab="Zero 2 W" || lab="Pi 4"
        lab="$lab, I420 + $([ $dec = ours ] && echo "our decoder" || echo "plain ZBar")"
        printf '%-34s' "$lab"
        for c in $CASES; do
            [ $dec = ours ] && eval d=\$dec_$c || eval d=\$zbar_$c
            printf ' %8s' "$(share $((conv_i420 + d)) "$hz" "$ipc")"
        done
        echo
    done
done
echo "(callgrind instruction counts on $(uname -m); share = instructions x $FPS / (clock x"
echo " IPC), assuming IPC $ZERO_IPC on the Pi Zero 2 W's Cortex-A53 at 1 GHz and $PI4_IPC on the"
echo " Pi 4's Cortex-A72 at 1.5 GHz; not measured on a Pi. YUYV or MJPEG instead of I420 add"
echo " the difference of their rows above. The command source also copies each frame through"
echo " a pipe: 460800 bytes read(), not counted here; nor is rpicam-vid's own work)"
