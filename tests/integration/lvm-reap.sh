#!/bin/bash
# Reaping while xenstored holds VIRQ_DOM_EXC (the main box runs it):
#   - lvmd's log says it has no VIRQ;
#   - hello (prints a line, powers off) is reaped through its own sysctl
#     event (state CLOSING, then the event; lvmd looks at its domain
#     alone) and the log says so, 5 times running (the time from its
#     unpause to its reaping is shown: in the box, 0.4-1.0 s of it is
#     hello's own boot and the polling of `lvm info`);
#   - a noop destroyed behind lvmd's back (xl destroy: no word from the
#     guest) is still found gone by the sweep.
. "$(dirname "$0")/lib.sh"

hello=${LVM_REAP_HELLO:-$LVM_BUILD/guests/hello.xen}
noop=$LVM_BUILD/guests/noop.xen
[ -f "$hello" ] && [ -f "$noop" ] || fail "no guest images under $LVM_BUILD/guests"
lvmd_start
log=$LVMD_STATE/lvmd.log
grep -q "VIRQ_DOM_EXC is held by another dom0 process" "$log" ||
	fail "lvmd has the VIRQ: $(cat "$log")"

# Each hello: created paused, unpaused, timed until lvmd has dropped it.
for i in 1 2 3 4 5; do
	out=$(lvm create "$hello" --name "h$i" --paused) || fail "lvm create h$i: $out"
	t0=$(now_us)
	lvm unpause "h$i" || fail "lvm unpause h$i"
	wait_for 10 lvm_gone "h$i" || fail "h$i not reaped: $(lvm info "h$i" 2>&1)"
	ms=$((($(now_us) - t0) / 1000))
	info "h$i reaped ${ms} ms after its unpause"
	grep -q "h$i (d[0-9]*): stopped, seen through its own sysctl event" "$log" ||
		fail "h$i was not reaped through its sysctl event: $(grep "h$i" "$log")"
done

# A noop killed without a word: the sweep finds it.
out=$(lvm create "$noop" --name quiet) || fail "lvm create quiet: $out"
d=$(lvm_domid quiet)
xl destroy "$d" || fail "xl destroy $d"
t0=$(now_us)
wait_for 10 lvm_gone quiet || fail "quiet (d$d) not reaped: $(lvm info quiet 2>&1)"
info "quiet (d$d) reaped $((($(now_us) - t0) / 1000)) ms after xl destroy"
grep -q "quiet (d$d): the domain is gone" "$log" || fail "no gone line for quiet: $(grep quiet "$log")"
echo "ok"
