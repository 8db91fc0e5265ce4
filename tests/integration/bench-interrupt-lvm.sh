#!/bin/bash
# An interrupted benchmark run of lvm removes every guest, its lvmd and
# every temporary file: bench/run is stopped (TERM) once the run's lvmd
# holds domains (its pool's shells, the guests of its first series),
# early in its start series, so that the run cannot have ended by itself
# however fast or slow the host is.
. "$(dirname "$0")/lib.sh"

[ -x "$LVM_BUILD/bin/lvm" ] || { info "lvm not built: nothing to test"; exit 0; }
BENCH_PID=
trap '[ -n "$BENCH_PID" ] && kill "$BENCH_PID" 2>/dev/null' EXIT
before=$(domain_count)
lvm_domains() { bench_lvmd && [ "$(domain_count)" -gt "$before" ]; }
bench_interrupt lvm lvm_domains
