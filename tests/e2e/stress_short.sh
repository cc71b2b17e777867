#!/bin/sh
# The short version of `make stress` (scripts/stress): the whole kiosk headless with
# scans, reflections and sync to a real LRS, killed with SIGKILL at random moments 8
# times and restarted; nothing confirmed on screen may be lost, nothing missing or
# doubled in the LRS, integrity_check always "ok".
# no-sanitizer
set -eu
command -v sqlite3 >/dev/null 2>&1 || { echo "note: no sqlite3 CLI; stress_short skipped"; exit 0; }
sh "$LK_ROOT/scripts/stress" 8 2
