#!/bin/bash
# An interrupted benchmark run removes every guest and temporary file it
# made: bench/run is stopped (TERM) while it keeps guests up for scaling.
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"; [ -n "$pid" ] && kill "$pid" 2>/dev/null' EXIT
before=$(domain_count)
tmps=$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)
bash "$LVM_ROOT/bench/run" --smoke --systems xl --out "$out" >"$out/run.log" 2>&1 &
pid=$!
bench_guests() { xl list | awk '$1 ~ /^lvb[0-9]+-up/' | grep -q .; }
wait_for 120 bench_guests || fail "bench/run never kept a guest up: $(tail -n 3 "$out/run.log")"
info "guests up: $(xl list | awk '$1 ~ /^lvb/ { print $1 }' | tr '\n' ' ')"
kill -TERM "$pid"
wait_for 60 eval '! kill -0 $pid' || fail "bench/run did not stop"
wait "$pid"
rc=$?
pid=
info "bench/run stopped (status $rc): $(grep -a interrupted "$out/run.log")"
[ $rc -ne 0 ] || fail "an interrupted run exited 0"
wait_for 30 eval '[ "$(domain_count)" -eq "$before" ]' ||
	fail "guests left behind: $(xl list | tail -n +2 | awk '{ print $1 }' | tr '\n' ' ')"
[ "$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)" -eq "$tmps" ] || fail "temporary files left behind"
info "no guest, no temporary file left"
