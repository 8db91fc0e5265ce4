#!/bin/bash
# The vifs' data path gives way to everything else in dom0 while dom0 has
# CPU to spare, and takes its share back when it is starved (issue 11,
# the isolation of the planes; toolstack/lvmd/netyield.h):
#   - lvmd's data path thread (named lvmd-netpath) is SCHED_IDLE, and
#     `lvm top` says so;
#   - with a busy loop on every CPU of dom0, a daytime guest still answers
#     over TCP, the thread is back in the normal class, and lvmd.log and
#     `lvm top` say why, once;
#   - once the loops stop and traffic comes, it is SCHED_IDLE again;
#   - `data_path_yield no` in lvmd.conf keeps it in the normal class from
#     the start; a bad value is refused in one line and no lvmd runs.
# limit: 300
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
DT=198.18.0.13
HOGS=

# policy: the data path thread's scheduling policy (5 SCHED_IDLE, 0 the
# normal class); nothing without that thread.
policy() { thread_policy "$(cat "$LVMD_STATE/lvmd.pid")" lvmd-netpath; }
is_policy() { [ "$(policy)" = "$1" ]; }
daytime() { nc -w 10 "$DT" 13 </dev/null; }
# top_says LINE: lvm top's frame has the data path's LINE.
top_says() {
	local f
	f=$(lvm top -b -n 1) || fail "lvm top: $f"
	grep -qxF "data path: $1" <<<"$f" ||
		fail "lvm top does not say 'data path: $1': $(grep -i 'data path' <<<"$f")"
}

lvmd_start -c /dev/null
# (after lvmd_start, which sets its own)
trap 'rc=$?; [ -n "$HOGS" ] && kill $HOGS 2>/dev/null; (exit $rc); lvmd_cleanup' EXIT
wait_for 10 is_policy 5 ||
	fail "the data path thread's policy is '$(policy)', not SCHED_IDLE (5), with dom0 idle"
top_says "yielding (SCHED_IDLE), starved into the normal class 0 time(s)"
lvm top --json -n 1 | grep -q '"data_path":"yielding","data_path_starved":0' ||
	fail "lvm top --json: $(lvm top --json -n 1 | grep -o '"data_path[^,]*,[^,]*')"
out=$(lvm create "$img" --name dt --vif "ip=$DT" 2>&1) || fail "create daytime: $out"
wait_for 30 ping -c 1 -W 1 "$DT" >/dev/null ||
	fail "daytime ($DT) does not answer ping: $(tail -n 3 "$(lvm_console_log dt)")"
line=$(daytime)
is_daytime_line "$line" || fail "daytime's line over TCP, dom0 idle: '$line'"
is_policy 5 || fail "the data path left SCHED_IDLE with dom0 idle: policy $(policy)"
info "dom0 idle: SCHED_IDLE, daytime says '$line'"

# A busy loop on each of dom0's CPUs, in the normal class.
for i in $(seq 1 "$(nproc)"); do
	bash -c 'while :; do :; done' &
	HOGS="$HOGS $!"
done
t0=$(now_us)
line=$(daytime)
is_daytime_line "$line" ||
	fail "daytime's line over TCP with dom0's $(nproc) CPUs busy: '$line' (policy $(policy))"
info "$(nproc) busy loops: daytime answered in $((($(now_us) - t0) / 1000)) ms"
wait_for 10 is_policy 0 ||
	fail "the data path is still SCHED_IDLE (policy $(policy)) with every CPU busy"
n=$(grep -c 'netpath: starved by other work' "$LVMD_STATE/lvmd.log")
[ "$n" = 1 ] || fail "$n lines of starvation in lvmd.log, not 1: $(grep netpath "$LVMD_STATE/lvmd.log")"
info "normal class: $(grep 'netpath: starved' "$LVMD_STATE/lvmd.log" | sed 's/^.*netpath/netpath/')"
top_says "normal scheduling class, starved into the normal class 1 time(s)"
kill $HOGS
wait $HOGS 2>/dev/null
HOGS=
# It checks on its own turns only: traffic brings them.
wait_for 20 eval 'ping -c 1 -W 1 "$DT" >/dev/null; is_policy 5' ||
	fail "the data path did not go back to SCHED_IDLE once dom0 was idle (policy $(policy))"
line=$(daytime)
is_daytime_line "$line" || fail "daytime's line over TCP after the loops: '$line'"
top_says "yielding (SCHED_IDLE), starved into the normal class 1 time(s)"
info "loops stopped: SCHED_IDLE again"
lvm destroy dt >/dev/null || fail "destroy dt"
lvmd_stop

# Turned off in lvmd.conf.
conf=/tmp/net-yield.conf
echo 'data_path_yield no' >"$conf"
lvmd_start -c "$conf"
wait_for 10 eval '[ -n "$(policy)" ]' || fail "no lvmd-netpath thread"
is_policy 0 || fail "data_path_yield no: policy $(policy), not the normal class (0)"
top_says "normal scheduling class, starved into the normal class 0 time(s)"
info "data_path_yield no: the normal class"
lvmd_stop

# A bad value: one line, and no lvmd.
echo 'data_path_yield maybe' >"$conf"
rm -rf "$LVMD_STATE"
if err=$(lvmd -d -S "$LVMD_STATE" -c "$conf" 2>&1); then
	fail "lvmd took data_path_yield maybe"
fi
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "not one line: $err"
printf '%s\n' "$err" | grep -q "bad data_path_yield 'maybe': want yes or no" ||
	fail "the line: $err"
[ ! -e "$LVMD_STATE/lvmd.pid" ] || ! kill -0 "$(cat "$LVMD_STATE/lvmd.pid")" 2>/dev/null ||
	fail "an lvmd runs after the bad setting"
info "bad value: $err"
