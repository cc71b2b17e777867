#!/bin/sh
# Check-ins per second and latency of one check-in through the core, next to a bare
# SQLite INSERT+COMMIT loop with the same durability (synchronous=FULL), on disk.
set -eu
B=${LK_BUILD:-build}/bench/checkin
N=${LK_BENCH_CHECKINS:-10000}
# A folder on the disk the kiosk would use (not tmpfs: fsync must cost what it costs).
D=$(mktemp -d "${LK_BENCH_DIR:-/var/tmp}/lk-bench-checkin-XXXXXX")
trap 'rm -rf "$D"' EXIT
echo "filesystem: $(df -T "$D" | awk 'NR == 2 { print $2 }')"
"$B" "$N" "$D"
