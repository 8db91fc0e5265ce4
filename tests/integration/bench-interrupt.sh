#!/bin/bash
# An interrupted benchmark run removes every guest, lvmd and temporary file
# it made: bench/run is stopped (TERM) while it keeps guests up for
# scaling, once with xl's guests, once with lvm's (its own lvmd).
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
pid=
trap 'rm -rf "$out"; [ -n "$pid" ] && kill "$pid" 2>/dev/null' EXIT
before=$(domain_count)
tmps=$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)
# bench_lvmd: an lvmd of a benchmark run (its state in /tmp/lvm-bench.*)
# is running.
bench_lvmd() {
	local p
	for p in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' <"$p" 2>/dev/null | grep -q 'lvm[d] -d -S /tmp/lvm-bench' && return 0
	done
	return 1
}

# interrupt SYSTEM UP: run the smoke profile of SYSTEM, stop it once UP
# (a test) says a guest stays up, check that nothing is left.
interrupt() {
	local sys=$1 up=$2 rc t0=$SECONDS
	bash "$LVM_ROOT/bench/run" --smoke --systems "$sys" --out "$out" >"$out/run.log" 2>&1 &
	pid=$!
	wait_for 120 "$up" || fail "bench/run never kept a $sys guest up: $(tail -n 3 "$out/run.log")"
	kill -TERM "$pid"
	wait_for 60 eval '! kill -0 $pid' || fail "bench/run did not stop"
	wait "$pid"
	rc=$?
	pid=
	info "$sys: bench/run stopped (status $rc): $(grep -a interrupted "$out/run.log")"
	[ $rc -ne 0 ] || fail "an interrupted run exited 0"
	wait_for 30 eval '[ "$(domain_count)" -eq "$before" ]' ||
		fail "guests left behind: $(xl list | tail -n +2 | awk '{ print $1 }' | tr '\n' ' ')"
	! bench_lvmd || fail "lvmd left running"
	[ "$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)" -eq "$tmps" ] || fail "temporary files left behind"
	info "$sys: no guest, no lvmd, no temporary file left ($((SECONDS - t0)) s)"
}

xl_up_guests() { xl list | awk '$1 ~ /^lvb[0-9]+-up/' | grep -q .; }
interrupt xl xl_up_guests
if [ -x "$LVM_BUILD/bin/lvm" ]; then
	# lvm's guests that stay up are noxs guests, unnamed in XenStore: the
	# driver's log says when the first is up.
	lvm_up_guests() { grep -q '^fill,lvm,' "$out/raw.csv" 2>/dev/null; }
	interrupt lvm lvm_up_guests
fi
