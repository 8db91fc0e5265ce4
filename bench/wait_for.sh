# bench/wait_for.sh — the one polling helper of the project's shell scripts,
# sourced by bench/lib.sh and tests/integration/lib.sh (both in the box); bash.

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds, for at
# most SECONDS of the clock (not a count of tries: a CMD that takes
# seconds itself does not stretch the wait); 1 if it never did. CMD runs at
# least once; no try begins more than 0.1 s after the deadline.
wait_for() {
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.1
	done
}
