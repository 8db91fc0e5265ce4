# bench/lib.sh — what bench/run gives the drivers (bench/drivers/*.sh):
# the run's names and places, sample tagging, progress, notes.
# Sourced by bench/run; bash. The dom0 scripts bench/http.sh and
# bench/net.sh source it too, for wait_for and bench_reply (they call
# nothing that needs bench/run's variables).
#
# Set by bench/run before any driver function is called:
#   BENCH_ID           this run's tag: every guest, container and bundle a
#                      driver makes is named "$BENCH_ID-..." so cleanup can
#                      find them (and nothing else)
#   BENCH_OUT          the results directory; BENCH_LOG its log/ (drivers'
#                      stderr goes to $BENCH_LOG/SYSTEM.log)
#   BENCH_TMP          scratch space, removed when the run ends
#   BENCH_BIN          the project's build/bin (lvm-bench-* tools, lvm)
#   BENCH_IMAGE        the guest image started in the start-time series
#   BENCH_READY_TEXT   the console text that says it runs
#   BENCH_CONSOLE_DIR  where xenconsoled logs guest consoles (may be empty:
#                      then there is no "running" clock from consoles)
#   BENCH_ROOTFS       a busybox root file system for containers
#   EXPERIMENT, RUNNING  the tags of the samples being taken now ("start"
#                      or "fill"; the number of guests staying up)

# bench_tags SYSTEM MODE: the tag options of the lvm-bench-* tools for a
# sample of SYSTEM in MODE, now.
bench_tags() {
	echo "--experiment $EXPERIMENT --system $1 --mode $2 --running $RUNNING"
}

# bench_cmd SYSTEM MODE ITERATION [lvm-bench-cmd options] -- CMD...: time
# CMD with lvm-bench-cmd, tagged; its rows go to stdout.
bench_cmd() {
	local sys=$1 mode=$2 it=$3
	shift 3
	# shellcheck disable=SC2046
	"$BENCH_BIN/lvm-bench-cmd" -i "$it" $(bench_tags "$sys" "$mode") "$@"
}

# bench_tick [N]: N more samples (default 1) of the current series done.
bench_tick() {
	[ "${BENCH_NO_TICK:-0}" = 1 ] || BENCH_DONE=$((BENCH_DONE + ${1:-1}))
	bench_progress
}

# bench_note TEXT: one line for the report's notes (and the console).
bench_note() {
	echo "$*" >>"$BENCH_OUT/notes.txt"
	printf 'bench: note: %s\n' "$*" >&3
}

# bench_na SYSTEM MODE REASON: this series cannot run here.
bench_na() {
	printf '%s,%s,%s\n' "$1" "$2" "${3//,/;}" >>"$BENCH_OUT/na.csv"
	printf 'bench: %s %s: N/A (%s)\n' "$1" "$2" "$3" >&3
}

# bench_meta KEY VALUE: one fact about the machine or the run, for the
# report.
bench_meta() {
	printf '%s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ')" >>"$BENCH_OUT/meta.txt"
}

# bench_now: seconds since the run began.
bench_now() { echo $((SECONDS - BENCH_T0)); }

# bench_mmss SECONDS: as M:SS.
bench_mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

# bench_progress [force]: one progress line on the console, at most every
# few seconds: elapsed time, an estimate of the time left, the series and
# how far it is.
bench_progress() {
	local now left done_est
	now=$(bench_now)
	[ "${1-}" = force ] || [ $((now - BENCH_LAST_PROGRESS)) -ge 5 ] || return 0
	BENCH_LAST_PROGRESS=$now
	left=$BENCH_PLAN_LEFT
	# The current series: its rate so far, or its estimate.
	local spent=$((now - BENCH_PHASE_T0))
	if [ "$BENCH_DONE" -gt 0 ] && [ "$BENCH_TOTAL" -gt 0 ]; then
		done_est=$((spent * BENCH_TOTAL / BENCH_DONE - spent))
	else
		done_est=$((BENCH_PHASE_EST - spent))
	fi
	[ $done_est -ge 0 ] || done_est=0
	[ $((done_est + spent)) -le "$BENCH_PHASE_CAP" ] || done_est=$((BENCH_PHASE_CAP - spent))
	[ $done_est -ge 0 ] || done_est=0
	left=$((left + done_est))
	printf 'bench: [%s elapsed, ~%s left] %s: %d/%d\n' "$(bench_mmss "$now")" \
		"$(bench_mmss "$left")" "$BENCH_PHASE" "$BENCH_DONE" "$BENCH_TOTAL" >&3
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds, for at
# most SECONDS.
. "$(dirname "${BASH_SOURCE[0]}")/wait_for.sh"
# thread_policy PID NAME: a thread's scheduling policy by its name.
. "$(dirname "${BASH_SOURCE[0]}")/threads.sh"

# bench_reply PREFIX OPTIONS... [-- CMD...]: one sample of lvm-bench-reply
# -c OPTIONS (the connect retried at once from the start until the first
# byte of the reply: a TCP server's first reply, HTTP's or daytime's); its
# row appended column by column to PREFIX.reply (reply_ms), PREFIX.cmd
# (command_ms: CMD's exit, or with -L the create call's return),
# PREFIX.tries and PREFIX.conn (connected_ms). 1, nothing recorded, when
# lvm-bench-reply failed (its reason in its -o file or on stderr).
bench_reply() {
	local p=$1 out reply cmd tries conn
	shift
	out=$(lvm-bench-reply -c "$@") || return 1
	IFS=, read -r reply cmd tries conn <<<"${out##*$'\n'}"
	echo "$reply" >>"$p.reply"
	echo "$cmd" >>"$p.cmd"
	echo "$tries" >>"$p.tries"
	echo "$conn" >>"$p.conn"
}

# bench_mem: "HYP DOM0": the hypervisor's free memory and dom0's available
# memory, in MiB ("- -" for what cannot be read).
bench_mem() {
	local hyp dom0
	hyp=$(xl info 2>/dev/null | awk -F': *' '/^free_memory/ { print $2 }')
	dom0=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null)
	echo "${hyp:--} ${dom0:--}"
}
