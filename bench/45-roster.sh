#!/bin/sh
# "Forgot the pass": the roster search per typed prefix at a school's size (5,000
# students) and at a big school group's (20,000), next to the LIKE scan it replaced,
# in the same run. The search must stay a few microseconds, flat in the roster size.
set -eu
B=${LK_BUILD:-build}/bench/roster
for n in 5000 20000; do
    "$B" "$n" "${LK_BENCH_SEARCHES:-2000}"
done
