#!/bin/bash
# An interrupted benchmark run removes every guest and temporary file it
# made: bench/run is stopped (TERM) while it keeps xl's guests up for
# scaling. (lvm's run: bench-interrupt-lvm.)
. "$(dirname "$0")/lib.sh"

BENCH_PID=
trap '[ -n "$BENCH_PID" ] && kill "$BENCH_PID" 2>/dev/null' EXIT
xl_up_guests() { xl list | awk '$1 ~ /^lvb[0-9]+-up/' | grep -q .; }
bench_interrupt xl xl_up_guests
