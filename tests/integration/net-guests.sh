#!/bin/bash
# The networked guests (daytime, httpd), created with no vif given: their
# manifest (lvm build's application note) needs one, so lvm create makes
# it; each connects and listens, stays up without using CPU while nobody
# talks to it (its event loop sleeps: no timer, no event), obeys lvm
# shutdown, and leaves no domain.
. "$(dirname "$0")/lib.sh"

lvmd_start
before=$(hv_domain_count)
# cpu_s DOMID: the domain's CPU time in seconds (xl list's Time column).
cpu_s() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }

for g in daytime httpd; do
	img=$LVM_BUILD/guests/$g.xen
	[ -f "$img" ] || fail "no guest image $img"
	lvm create "$img" --name "$g" >/dev/null || fail "create $g"
	wait_for 30 lvm_console_has "$g" "$g: listening on TCP port" ||
		fail "$g is not listening: $(cat "$(lvm_console_log "$g")")"
	lvm_console_has "$g" "vifnet: vif0 connected" ||
		fail "$g's vif0 did not connect: $(cat "$(lvm_console_log "$g")")"
	domid=$(lvm_domid "$g")
	t0=$(cpu_s "$domid")
	sleep 3
	t1=$(cpu_s "$domid")
	[ "$(lvm_state "$g")" = running ] || fail "$g is $(lvm_state "$g"), not running"
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.2) }' ||
		fail "$g used $t0 -> $t1 s of CPU in 3 s while idle"
	info "$g: up, its vif made from its manifest, idle ($t0 -> $t1 s of CPU in 3 s)"
	timeout 30 lvm shutdown "$g" || fail "lvm shutdown $g failed"
	lvm_gone "$g" || fail "$g still listed after shutdown"
	wait_for 10 hv_gone_domid "$domid" || fail "$g (d$domid) still exists"
	grep -q "$g (d$domid): powered off as asked" "$LVMD_STATE/lvmd.log" ||
		fail "no 'powered off as asked' for $g in lvmd.log"
	sed 's/^/    /' "$(lvm_console_log "$g")"
done
after=$(hv_domain_count)
[ "$after" -eq "$before" ] || fail "$((after - before)) domain(s) left behind"
