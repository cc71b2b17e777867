# Instructions per 640x480 camera frame (callgrind, so the figure does not depend on
# this machine's load): grey out of I420 (source = command, rpicam-vid), YUYV and
# MJPEG (source = v4l2), plus the kiosk's decoder (video mode), against plain ZBar
# on the same frames; an idle scene and a hand-held pass in view, every frame with
# its own sensor noise (bench/frames.c). From these, the share of one core at 15 fps
# on a Pi Zero 2 W and a Pi 4, at the instructions per cycle assumed below.
set -u
FRAMES=${BENCH_CAMERA_FRAMES:-30}
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
ir() { # file function: inclusive instructions of the function
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
        awk -v f=":$2" 'index($0, f) { gsub(",", "", $1); print $1; exit }'
}
for scene in idle pass; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measure \
        --callgrind-out-file="$T/cg.$scene" "$BIN" "$scene" "$FRAMES" >"$T/out.$scene" 2>"$T/err.$scene" ||
        { cat "$T/err.$scene"; echo "frames $scene failed"; exit 1; }
    echo "$scene: $(sed 's/^frames: //' "$T/out.$scene")"
done
echo
printf '%-28s %14s %14s\n' "instructions per frame" "idle scene" "pass in view"
row() { # label function...: per-frame sum of the functions' instructions in both scenes
    label=$1
    shift
    line=$(printf '%-28s' "$label")
    for scene in idle pass; do
        sum=0
        for f in "$@"; do
            v=$(ir "$T/cg.$scene" "$f")
            [ -n "$v" ] || v=0
            sum=$((sum + v))
        done
        per=$((sum / FRAMES))
        eval "v_${scene}_$(echo "$label" | tr -c 'a-zA-Z0-9\n' '_')=$per"
        line="$line $(printf '%14d' "$per")"
    done
    echo "$line"
}
row "grey from I420" bench_conv_i420
row "grey from YUYV" bench_conv_yuyv
row "grey from MJPEG" bench_conv_mjpeg
row "decoder (ours, video mode)" bench_decode_lobkiosk
row "plain ZBar" bench_decode_zbar
echo
printf '%-34s %12s %12s %12s %12s\n' "share of one core at $FPS fps" "Zero2W idle" "Zero2W pass" "Pi4 idle" "Pi4 pass"
share() { # instructions per frame, Hz, IPC -> percent of one core
    awk -v i="$1" -v hz="$2" -v ipc="$3" -v fps="$FPS" 'BEGIN { printf "%11.1f%%", 100 * i * fps / (hz * ipc) }'
}
for fmt in I420 YUYV MJPEG; do
    for dec in ours zbar; do
        lab="$fmt + $( [ $dec = ours ] && echo "our decoder" || echo "plain ZBar")"
        line=$(printf '%-34s' "$lab")
        for hw in ZERO PI4; do
            eval hz=\$${hw}_HZ ipc=\$${hw}_IPC
            for scene in idle pass; do
                eval c=\$v_${scene}_grey_from_$fmt
                if [ $dec = ours ]; then eval d=\$v_${scene}_decoder__ours__video_mode_; else eval d=\$v_${scene}_plain_ZBar; fi
                line="$line $(share $((c + d)) "$hz" "$ipc")"
            done
        done
        echo "$line"
    done
done
echo "(callgrind instruction counts on $(uname -m), $FRAMES frames per scene, each with its own"
echo " sensor noise; share = instructions x $FPS / (clock x IPC), assuming IPC $ZERO_IPC on the"
echo " Pi Zero 2 W's Cortex-A53 at 1 GHz and $PI4_IPC on the Pi 4's Cortex-A72 at 1.5 GHz; not"
echo " measured on a Pi. The command source also copies each frame through a pipe: 460800"
echo " bytes read(), not counted here; nor is rpicam-vid's own work)"
