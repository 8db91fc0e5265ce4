# bench/drivers/process.sh — the process baselines: a static binary that
# does nothing (lvm-bench-trivial), started and reaped with fork+exec+wait
# and with posix_spawn+wait (lvm-bench-spawn). Clock: "exited".
# The driver interface is described in bench/drivers/README.md.

process_check() {
	[ -x "$BENCH_BIN/lvm-bench-spawn" ] && [ -x "$BENCH_BIN/lvm-bench-trivial" ] && return 0
	echo "lvm-bench-spawn or lvm-bench-trivial not built (run make)"
	return 1
}

process_modes() { echo fork-exec posix-spawn; }

process_cost() { echo 0.02; }

process_start() {
	local mode=$1 n=$2 warm=$3 m=fork
	[ "$mode" = posix-spawn ] && m=spawn
	# shellcheck disable=SC2046
	"$BENCH_BIN/lvm-bench-spawn" -m $m -n "$n" -w "$warm" \
		$(bench_tags process "$mode") "$BENCH_BIN/lvm-bench-trivial" || return 1
	bench_tick "$n"
}
