#!/bin/bash
# bench/cmdtrace.sh [N] — where one `lvm` command's time goes, from the
# dom0 kernel's own trace (ftrace): N rounds (default 6), each of
#   create   `lvm create noop.xen --json` from a pool built ahead for noop
#   list     `lvm list`
#   spawn    a static no-op (lvm-bench-trivial)
# timed as bench/cmdpath.sh times them (lvm-bench-cmd, lvm-bench-spawn),
# with the scheduler's switches and wake-ups, the programs' system calls
# and their user page faults recorded. Prints, for each kind, the medians
# over rounds 2..N of the moment, in ms from the fork, each point was
# reached:
#   exec     the program's exec done      socket  its first socket()
#   sent     its request's send()         read    its first read after it
#   output   its first stat of stdout     exit    its exit
#   reaped   the timer's wait returned (the whole command)
# and its user page faults, from the fork (the timer's child included).
# Tracing makes every step slower: compare the kinds within one run, not
# the times with cmdpath.sh's. With LVM_OUT (xenbox --out), the raw trace
# is left there as trace.txt. In the box:
#   tests/xenbox/xenbox -o DIR run bench/cmdtrace.sh 6
set -u -o pipefail
. "$(dirname "$0")/dom0.sh"
N=${1:-6}
STATE=/run/lvm-bench-cmdtrace
T=/sys/kernel/tracing
die() { echo "bench-cmdtrace: $*" >&2; exit 1; }

[[ $N =~ ^[1-9][0-9]*$ ]] && [ "$N" -ge 2 ] || die "N must be 2 or more, not '$N'"
img=$BUILD/guests/noop.xen
[ -f "$img" ] || die "no guest image $img"
[ -d "$T/events" ] || mount -t tracefs nodev "$T" 2>/dev/null ||
	die "no tracefs at $T"
[ -w "$T/trace_marker" ] || die "cannot trace (root, and a kernel with ftrace)"

rm -rf "$STATE"
mkdir -p "$STATE"
lvmd -d -S "$STATE/d" -c /dev/null -P 4:1:1:"$img" || die "lvmd did not start"
export LVM_SOCKET=$STATE/d/lvmd.sock
stop() {
	echo 0 >"$T/tracing_on"
	echo >"$T/set_event"
	kill "$(cat "$STATE/d/lvmd.pid")" 2>/dev/null
}
trap stop EXIT
ready() { lvm pool | awk '$1 == "4x1" && $4 >= 1 && $5 == 0 { f = 1 } END { exit !f }'; }
wait_ready() {
	local i
	for i in $(seq 1 400); do ready && return 0; sleep 0.02; done
	die "pool not refilled: $(lvm pool)"
}
wait_ready
lvm create "$img" --name warm >/dev/null && lvm destroy warm >/dev/null || die "warm-up create"

echo 0 >"$T/tracing_on"
echo 16384 >"$T/buffer_size_kb"
echo >"$T/trace"
echo mono >"$T/trace_clock"
echo >"$T/set_event"
for e in sched/sched_switch sched/sched_wakeup sched/sched_process_fork \
	sched/sched_process_exec sched/sched_process_exit raw_syscalls/sys_enter \
	raw_syscalls/sys_exit exceptions/page_fault_user; do
	[ -d "$T/events/$e" ] || die "no trace event $e"
	echo "${e/\//:}" >>"$T/set_event"
done
for e in raw_syscalls/sys_enter raw_syscalls/sys_exit exceptions/page_fault_user; do
	echo 'comm ~ "lvm*"' >"$T/events/$e/filter"
done
# traced KIND CMD...: CMD with tracing on, after a marker naming KIND.
traced() {
	local kind=$1
	shift
	echo 1 >"$T/tracing_on"
	echo "cmdtrace $kind" >"$T/trace_marker"
	"$@" >/dev/null 2>"$STATE/err" || { echo 0 >"$T/tracing_on"; die "$kind: $(cat "$STATE/err")"; }
	echo 0 >"$T/tracing_on"
}
for i in $(seq 1 "$N"); do
	lvm pool set 4x1 1 "$img" >/dev/null || die "pool set"
	wait_ready
	sleep 0.2
	traced create lvm-bench-cmd -- lvm create "$img" --name "c$i" --json
	lvm destroy "c$i" >/dev/null || die "destroy c$i"
	sleep 0.2
	traced list lvm-bench-cmd -- lvm list
	traced spawn lvm-bench-spawn -n 1 -w 0 -m fork "$BUILD/bin/lvm-bench-trivial"
done
stop
trap - EXIT
[ -n "${LVM_OUT-}" ] && cp "$T/trace" "$LVM_OUT/trace.txt"

# The phases of each traced program, from the trace's lines:
#   COMM-PID [CPU] FLAGS TIME: EVENT: ARGS
awk -v n="$N" '
function t_of(s) { sub(/:$/, "", s); return s + 0 }
$0 ~ /tracing_mark_write: cmdtrace / { kind = $NF; round[kind]++; next }
$5 == "sched_process_fork:" {
	c = $0; sub(/.*child_pid=/, "", c); sub(/ .*/, "", c)
	if (kind != "") { fork_t[c] = t_of($4); kind_of[c] = kind; round_of[c] = round[kind] }
	next
}
{
	p = $1; sub(/.*-/, "", p)
}
$5 == "sched_process_exec:" && (p in fork_t) {
	f = $6; sub(/^filename=/, "", f); sub(/.*\//, "", f)
	if (f == "lvm" || f == "lvm-bench-trivial") { prog[p] = 1; ph[p, "exec"] = t_of($4) }
	next
}
$5 == "sched_process_exit:" && (p in prog) { ph[p, "exit"] = t_of($4); next }
$5 == "page_fault_user:" && (p in fork_t) { pf[p]++; next }
$5 == "sys_enter:" && (p in prog) {
	nr = $7 + 0; t = t_of($4)
	if (nr == 41 && !((p, "socket") in ph)) ph[p, "socket"] = t
	if ((nr == 44 || nr == 46 || nr == 1) && ((p, "socket") in ph) && !((p, "sent") in ph)) ph[p, "sent"] = t
	if (nr == 0 && ((p, "sent") in ph) && !((p, "read") in ph)) ph[p, "read"] = t
	if ((nr == 5 || nr == 262) && ((p, "read") in ph) && !((p, "output") in ph)) ph[p, "output"] = t
	next
}
$5 == "sys_exit:" && $6 == "NR" && $7 == 61 {
	r = $NF + 0
	if (r in prog) ph[r, "reaped"] = t_of($4)
}
END {
	split("exec socket sent read output exit reaped", names, " ")
	for (c in prog) {
		k = kind_of[c]
		if (round_of[c] < 2) continue
		m = ++cnt[k]
		for (j = 1; j <= 7; j++)
			if ((c, names[j]) in ph) val[k, names[j], m] = (ph[c, names[j]] - fork_t[c]) * 1000
			else val[k, names[j], m] = -1
		val[k, "pf", m] = pf[c]
	}
	printf "bench-cmdtrace: %d rounds; medians of rounds 2..%d, ms from the fork (traced: slower than untraced)\n", n, n
	printf "  %-7s %8s %8s %8s %8s %8s %8s %8s %8s %5s\n", "", "exec", "socket", "sent", "read", "output", "exit", "reaped", "pf", "n"
	split("create list spawn", kinds, " ")
	for (q = 1; q <= 3; q++) {
		k = kinds[q]
		line = sprintf("  %-7s", k)
		for (j = 1; j <= 8; j++) {
			nm = j <= 7 ? names[j] : "pf"
			line = line sprintf(" %8s", med(k, nm, cnt[k]))
		}
		print line sprintf(" %5d", cnt[k])
	}
}
# med(K, NAME, M): the median of the M values, "-" when none was seen.
function med(k, nm, m,   a, i, j, x, c) {
	c = 0
	for (i = 1; i <= m; i++) if (val[k, nm, i] >= 0) a[++c] = val[k, nm, i]
	if (!c) return "-"
	for (i = 2; i <= c; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
	x = c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	return nm == "pf" ? sprintf("%d", x) : sprintf("%.2f", x)
}
' "$T/trace"
