# tests/integration/lib.sh — helpers for integration tests, sourced by each.
#
# The tests run in a dom0: the box's (tests/xenbox/xenbox) or a real Xen
# host's. They need root, the Xen tools on PATH and the project built.
#   LVM_ROOT       the project tree (default: two levels above this file)
#   LVM_BUILD      its build directory (default: $LVM_ROOT/build)
#   LVM_CONSOLE_LOG_DIR  where xenconsoled logs guest consoles
#                        (default /var/log/xen/console; xenconsoled must
#                        run with --log=guest)
# A test prints what it checks, exits 0 on success and non-zero on failure
# after one "FAIL: reason" line.

LVM_ROOT=${LVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LVM_BUILD=${LVM_BUILD:-$LVM_ROOT/build}
LVM_CONSOLE_LOG_DIR=${LVM_CONSOLE_LOG_DIR:-/var/log/xen/console}
PATH=$LVM_BUILD/bin:/usr/lib/xen-4.17/bin:$PATH

fail() { echo "FAIL: $*"; exit 1; }
info() { echo "  $*"; }

# wait_for SECONDS CMD...
. "$(dirname "${BASH_SOURCE[0]}")/../../bench/wait_for.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../../bench/threads.sh"

# domain_exists NAME: the hypervisor still has a domain called NAME.
domain_exists() { xl domid "$1" >/dev/null 2>&1; }
domain_gone() { ! domain_exists "$1"; }

# domain_count: how many domains the hypervisor holds, dom0 included.
domain_count() { xl list | tail -n +2 | wc -l; }

# console_log NAME: the path of NAME's console log.
console_log() { echo "$LVM_CONSOLE_LOG_DIR/guest-$1.log"; }

# console_has NAME TEXT: NAME's console log has a line containing TEXT.
console_has() { grep -qF "$2" "$(console_log "$1")" 2>/dev/null; }

# now_us: microseconds since the epoch (bash's clock, no fork).
now_us() { _t=${EPOCHREALTIME/./}; echo "$_t"; }

# ---- lvm and lvmd ----
# Each lvm test runs its own lvmd, with its state (registry, console logs,
# socket, log) in LVMD_STATE, and stops it when it exits.
LVMD_STATE=${LVMD_STATE:-/run/lvm-test/$(basename "$0" .sh)}
LVMD_PID=

# lvmd_start [ARG...]: start lvmd as a daemon on a fresh LVMD_STATE (unless
# LVMD_KEEP_STATE=1), export LVM_SOCKET, and arrange lvmd_cleanup at exit.
lvmd_start() {
	[ "${LVMD_KEEP_STATE:-0}" = 1 ] || rm -rf "$LVMD_STATE"
	mkdir -p "$(dirname "$LVMD_STATE")"
	lvmd -d -S "$LVMD_STATE" "$@" ||
		fail "lvmd did not start: $(tail -n 3 "$LVMD_STATE/lvmd.log" 2>/dev/null)"
	export LVM_SOCKET=$LVMD_STATE/lvmd.sock
	LVMD_PID=$(cat "$LVMD_STATE/lvmd.pid")
	trap lvmd_cleanup EXIT
}

lvmd_alive() { [ -n "$LVMD_PID" ] && kill -0 "$LVMD_PID" 2>/dev/null; }
lvmd_dead() { ! lvmd_alive; }

# lvmd_stop: stop lvmd (its guests keep running) and wait until it is gone.
lvmd_stop() {
	lvmd_alive || return 0
	kill "$LVMD_PID"
	wait_for 10 lvmd_dead || fail "lvmd $LVMD_PID did not stop"
	LVMD_PID=
}

# lvmd_cleanup: destroy the guests lvmd manages, stop it, show its log if
# the test failed. Keeps the test's exit status.
lvmd_cleanup() {
	local rc=$? g
	if lvmd_alive; then
		for g in $(lvm_names); do lvm destroy "$g" >/dev/null 2>&1; done
		lvmd_stop
	fi
	if [ $rc -ne 0 ] && [ -f "$LVMD_STATE/lvmd.log" ]; then
		echo "  lvmd.log (last 20 lines):"
		tail -n 20 "$LVMD_STATE/lvmd.log" | sed 's/^/    /'
	fi
	exit $rc
}

# json_field KEY: the values of "KEY" in the JSON on stdin (json-c's pretty
# output: one member per line), one per line.
json_field() { sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p"; }

# records [empty]: the DOMIDs of the registry's records (its non-empty
# DOMID.json), sorted; with "empty", of its empty ones instead: a pool
# shell's record file, made ahead and written by the create that takes it.
records() {
	local f
	for f in "$LVMD_STATE"/registry/[0-9]*.json; do
		[ -e "$f" ] || continue
		if [ "${1-}" = empty ]; then [ ! -s "$f" ] || continue
		else [ -s "$f" ] || continue; fi
		f=${f##*/}
		echo "${f%.json}"
	done | sort -n
}

# lvm_names: the names of the guests lvmd manages.
lvm_names() { lvm list --json 2>/dev/null | json_field name; }

# hv_domain_count: the hypervisor's domains, dom0 included, but lvmd's code
# holders (one per image whose guests share their code, kept until lvmd
# stops: toolstack/engine/code.h; handles 6c766d00-6364-…) (needs lvmd,
# not xenstored).
hv_domain_count() { lvm list --all --json | json_field uuid | grep -vc '^6c766d00-6364-'; }

# lvm_state NAME: running, paused, shutdown, … or nothing if NAME is unknown.
lvm_state() { lvm info --json "$1" 2>/dev/null | json_field state; }
lvm_domid() { lvm info --json "$1" 2>/dev/null | json_field domid; }
lvm_gone() { ! lvm info "$1" >/dev/null 2>&1; }

# The leak tests (lvm-leaks*.sh): 50 guests one after another, lvmd's
# growth measured between the 10th and the 50th.
# leaks_start IMAGE: check the guest image, start lvmd, note how many
# domains there are (LEAKS_BEFORE).
leaks_start() {
	[ -f "$1" ] || fail "no guest image $1"
	lvmd_start
	LEAKS_BEFORE=$(hv_domain_count)
}
# leaks_mark: lvmd's resident memory (kB) and open files now, as
# LEAKS_RSS and LEAKS_FDS.
leaks_mark() {
	LEAKS_RSS=$(awk '/^VmRSS:/ { print $2 }' "/proc/$LVMD_PID/status")
	LEAKS_FDS=$(ls "/proc/$LVMD_PID/fd" | wc -l)
}
# leaks_check RSS FDS: after the last guest, the domains are those before
# (within 10 s), lvmd grew less than 64 KiB since it had RSS kB and holds
# FDS open files still.
leaks_check() {
	leaks_mark
	info "VmRSS $1 -> $LEAKS_RSS kB, fds $2 -> $LEAKS_FDS"
	wait_for 10 eval "[ \"\$(hv_domain_count)\" = $LEAKS_BEFORE ]" ||
		fail "$LEAKS_BEFORE domains before, $(hv_domain_count) after"
	[ $((LEAKS_RSS - $1)) -lt 64 ] || fail "lvmd grew from $1 kB to $LEAKS_RSS kB"
	[ "$LEAKS_FDS" = "$2" ] || fail "lvmd had $2 fds after 10 guests, $LEAKS_FDS after 50"
}

# pool_col SHAPE N: column N of SHAPE's row in `lvm pool` (3 target,
# 4 ready, 5 preparing, 6 hits, 7 misses, 8 image); SHAPE "(other)": 7 only.
pool_col() { lvm pool | awk -v s="$1" -v n="$2" '$1 == s { print $n }'; }
# is_daytime_line LINE: LINE is what a daytime guest sends on TCP port 13.
is_daytime_line() {
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC' <<<"$1"
}

# record_never_ran DOMID: DOMID's registry record (a guest created
# --paused) edited as if lvmd had stopped between the record of a guest
# created running and its unpause.
record_never_ran() {
	sed -i 's/"created_paused":true/"created_paused":false/' "$LVMD_STATE/registry/$1.json"
}

# pool_ready_is SHAPE N: SHAPE's pool holds N ready shells, none in the making.
pool_ready_is() { [ "$(pool_col "$1" 4)" = "$2" ] && [ "$(pool_col "$1" 5)" = 0 ]; }

# lvm_console_log NAME: the path of NAME's console log.
lvm_console_log() { echo "$LVMD_STATE/console/$1.log"; }
lvm_console_has() { grep -qF "$2" "$(lvm_console_log "$1")" 2>/dev/null; }

# hv_has_domid ID: the hypervisor still has domain ID.
hv_has_domid() { lvm list --all --json | json_field domid | grep -qx "$1"; }

# one_line_error OUT_FILE ERR_FILE STATUS: the status is non-zero and
# stderr is exactly one line starting "lvm: "; prints it.
one_line_error() {
	local n
	[ "$3" -ne 0 ] || fail "exit status 0; stdout: $(cat "$1")"
	n=$(wc -l <"$2")
	[ "$n" -eq 1 ] || fail "$n lines on stderr: $(cat "$2")"
	grep -q '^lvm: ' "$2" || fail "stderr does not start with 'lvm: ': $(cat "$2")"
	cat "$2"
}
hv_gone_domid() { ! hv_has_domid "$1"; }

# ---- the benchmark harness ----
# bench_lvmd: an lvmd of a benchmark run (its state in /tmp/lvm-bench.*)
# is running.
bench_lvmd() {
	local p
	for p in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' <"$p" 2>/dev/null | grep -q 'lvm[d] -d -S /tmp/lvm-bench' && return 0
	done
	return 1
}

# bench_interrupt SYSTEM UP: run bench/run's smoke profile of SYSTEM, stop
# it (TERM) once the test UP succeeds, and check that it left no guest,
# lvmd or temporary file. Sets BENCH_PID while the run goes on.
bench_interrupt() {
	local sys=$1 up=$2 rc t0=$SECONDS out before tmps
	out=$(mktemp -d)
	before=$(domain_count)
	tmps=$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)
	bash "$LVM_ROOT/bench/run" --smoke --systems "$sys" --out "$out" >"$out/run.log" 2>&1 &
	BENCH_PID=$!
	BENCH_OUT=$out BENCH_BEFORE=$before
	wait_for 120 "$up" || fail "bench/run never kept a $sys guest up: $(tail -n 3 "$out/run.log")"
	# Stopped (STOP) while the log is read, so that it cannot reach its
	# teardown between the look and the TERM; the TERM is acted on once
	# it runs again (CONT).
	kill -STOP "$BENCH_PID"
	if grep -qaE 'tearing down|bench: done' "$out/run.log"; then
		kill -CONT "$BENCH_PID"
		fail "bench/run was already tearing down when $up first held: $(grep -aE 'tearing down|bench: done' "$out/run.log" | head -n 1)"
	fi
	kill -TERM "$BENCH_PID"
	kill -CONT "$BENCH_PID"
	# It stops once the command it runs now has returned.
	wait_for 90 eval '! kill -0 $BENCH_PID' || fail "bench/run did not stop"
	wait "$BENCH_PID"
	rc=$?
	BENCH_PID=
	info "$sys: bench/run stopped (status $rc): $(grep -a interrupted "$out/run.log")"
	[ $rc -ne 0 ] || fail "an interrupted run exited 0; its log ends: $(tail -n 15 "$out/run.log")"
	wait_for 30 eval '[ "$(domain_count)" -eq "$before" ]' ||
		fail "guests left behind: $(xl list | tail -n +2 | awk '{ print $1 }' | tr '\n' ' ')"
	! bench_lvmd || fail "lvmd left running"
	[ "$(ls -d /tmp/lvm-bench.* 2>/dev/null | wc -l)" -eq "$tmps" ] || fail "temporary files left behind"
	rm -rf "$out"
	info "$sys: no guest, no lvmd, no temporary file left ($((SECONDS - t0)) s)"
}
