#!/bin/bash
# A shutdown is judged on what the hypervisor says, not on how late lvmd
# came round. `lvm shutdown -t 3` of a guest that obeys 2 s late (the
# storm guest with `late`), in time; once lvmd has written the request,
# and before the guest obeys, lvmd is stopped (SIGSTOP) until the guest has
# powered off and the 3 s deadline is past. When lvmd goes on (SIGCONT), its first turn finds the
# deadline expired, but the guest did power off as asked: the shutdown
# succeeds, and lvmd does not say it "did not shut down in time" (what a
# loaded box once made it say of 13 guests at once in lvm-chaos).
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/storm.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
trap 'rc=$?; kill -CONT "$LVMD_PID" 2>/dev/null; (exit $rc); lvmd_cleanup' EXIT
out=$(lvm create "$img" --name late --memory 4 --cmdline late) ||
	fail "lvm create: $out"
d=$(lvm_domid late)
[ -n "$d" ] || fail "no domid for late"
# xl's state column for domain d ("--ps--": s is shut down).
xl_state() { xl list "$d" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
is_shut() { [[ $(xl_state) == *s* ]]; }
requested() { grep -q "late (d$d): shutdown requested" "$LVMD_STATE/lvmd.log"; }

lvm shutdown -t 3 late >"$LVMD_STATE.sd" 2>&1 &
sd=$!
wait_for 10 requested || fail "lvmd did not log the shutdown request"
kill -STOP "$LVMD_PID"
t0=$(now_us)
# Stopped in time if the guest has not obeyed yet: lvmd cannot have seen
# it power off.
! is_shut || fail "the guest obeyed before lvmd could be stopped (a box too slow for this test)"
wait_for 10 is_shut || fail "the guest did not power off: xl says '$(xl_state)'"
info "lvmd stopped, then d$d powered off ($(xl_state)) $((($(now_us) - t0) / 1000)) ms later"
sleep 3.5
kill -CONT "$LVMD_PID"
wait "$sd"
rc=$?
out=$(cat "$LVMD_STATE.sd")
rm -f "$LVMD_STATE.sd"
[ $rc = 0 ] || fail "lvm shutdown -t 3 late: exit $rc: $out"
wait_for 10 lvm_gone late || fail "late is still listed: $(lvm list)"
! grep -q "late (d$d): did not shut down in time" "$LVMD_STATE/lvmd.log" ||
	fail "lvmd.log says late did not shut down in time"
info "after lvmd's late turn: $(grep "late (d$d)" "$LVMD_STATE/lvmd.log" | tail -n 1 | cut -c1-120)"
echo "PASS"
