# bench/drivers/process.sh — the process baselines: a static binary that
# does nothing (lvm-bench-trivial), started and reaped with fork+exec+wait
# and with posix_spawn+wait (lvm-bench-spawn), and with fork+exec+wait
# from a new copy of the binary before each sample (fork-exec-fresh,
# timed by lvm-bench-cmd): its code in pages never run before, as a
# guest's image always is. In the box QEMU translates code the first time
# it runs from a page, which a process started again from the page cache
# does not pay and every new guest does (docs/benchmarks.md); on hardware
# the copy costs nothing. Clock: "exited".
# The driver interface is described in bench/drivers/README.md.

process_check() {
	[ -x "$BENCH_BIN/lvm-bench-spawn" ] && [ -x "$BENCH_BIN/lvm-bench-trivial" ] &&
		[ -x "$BENCH_BIN/lvm-bench-cmd" ] && return 0
	echo "lvm-bench-spawn, lvm-bench-trivial or lvm-bench-cmd not built (run make)"
	return 1
}

process_modes() { echo fork-exec posix-spawn fork-exec-fresh; }

process_cost() { echo 0.04; }

# process_copy: a new copy of lvm-bench-trivial at $BENCH_TMP/trivial (the
# old one removed first: new pages).
process_copy() {
	rm -f "$BENCH_TMP/trivial" && cp "$BENCH_BIN/lvm-bench-trivial" "$BENCH_TMP/trivial"
}

process_start() {
	local mode=$1 n=$2 warm=$3 m=fork i
	if [ "$mode" = fork-exec-fresh ]; then
		for ((i = 0; i < warm; i++)); do
			process_copy && "$BENCH_TMP/trivial" || return 1
		done
		for ((i = 0; i < n; i++)); do
			process_copy || return 1
			bench_cmd process "$mode" "$i" -c exited -- "$BENCH_TMP/trivial" || return 1
			bench_tick
		done
		return 0
	fi
	[ "$mode" = posix-spawn ] && m=spawn
	# shellcheck disable=SC2046
	"$BENCH_BIN/lvm-bench-spawn" -m $m -n "$n" -w "$warm" \
		$(bench_tags process "$mode") "$BENCH_BIN/lvm-bench-trivial" || return 1
	bench_tick "$n"
}

process_cleanup() { rm -f "$BENCH_TMP/trivial"; }
