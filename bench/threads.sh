# bench/threads.sh — a thread's scheduling policy by its name, sourced by
# bench/lib.sh and tests/integration/lib.sh (both in the box); bash.

# thread_policy PID NAME: the scheduling policy of process PID's thread
# named NAME (/proc/PID/task/*/stat's 41st field: 0 the normal class, 5
# SCHED_IDLE); nothing, and 1, without such a thread.
thread_policy() {
	local t
	for t in /proc/"$1"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] || continue
		awk '{ print $41 }' "$t/stat"
		return
	done
	return 1
}
