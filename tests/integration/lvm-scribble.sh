#!/bin/bash
# A hostile guest (scribble: writes garbage over its device page and
# console ring) is destroyed, with one line in lvmd's log, while lvmd and
# another guest keep working.
. "$(dirname "$0")/lib.sh"

for g in noop scribble; do
	[ -f "$LVM_BUILD/guests/$g.xen" ] || fail "no guest image $g.xen"
done
lvmd_start
lvm create "$LVM_BUILD/guests/noop.xen" --name good >/dev/null || fail "create good"
lvm create "$LVM_BUILD/guests/scribble.xen" --name bad >/dev/null || fail "create bad"
wait_for 30 lvm_gone bad || fail "scribble still runs: $(lvm info bad 2>&1)"
n=$(grep -c "bad (d[0-9]*): .*destroying it" "$LVMD_STATE/lvmd.log")
[ "$n" = 1 ] || fail "$n lines about the scribbler in lvmd.log: $(cat "$LVMD_STATE/lvmd.log")"
info "lvmd: $(grep "bad (d[0-9]*): .*destroying it" "$LVMD_STATE/lvmd.log")"
lvmd_alive || fail "lvmd died"
[ "$(lvm_state good)" = running ] || fail "the good guest is $(lvm_state good)"
lvm list >/dev/null || fail "lvm list fails after the scribbler"
timeout 30 lvm shutdown good || fail "the good guest does not shut down"
info "the good guest kept running and shut down cleanly"
