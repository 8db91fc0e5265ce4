# bench/wait_for.sh — the one polling helper of the project's shell scripts,
# sourced by bench/lib.sh and tests/integration/lib.sh (both in the box); bash.

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 if
# it never did.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
