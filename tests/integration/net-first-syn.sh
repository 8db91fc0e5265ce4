#!/bin/bash
# A client's first SYN, sent before its guest connected its vif, reaches
# the guest at connect (lvmd's data path delivers the newest frames the
# TAP queued meanwhile, docs/architecture.md): a daytime guest created
# paused; one connect from dom0 (lvm-bench-reply with a step of 60 s: no
# second try), left 1.3 s so that the kernel's first SYN retransmit (at
# 1 s) is queued too; then the guest unpaused. Its line must come before
# the kernel's next retransmit (3 s after the connect): when the queued
# SYNs were dropped at connect, only that one reached the guest. Three
# guests, each its own address; each destroyed, no TAP left.
# limit: 300
. "$(dirname "$0")/lib.sh"

taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
no_taps() { [ "$(taps)" = 0 ]; }
img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
lvmd_start -c /dev/null
out=/tmp/net-first-syn.out
for i in 1 2 3; do
	a=198.18.9.$i
	lvm create "$img" --name "fs$i" --vif "ip=$a" --paused >/dev/null ||
		fail "create fs$i paused"
	D=$(lvm_domid "fs$i")
	[ -e "/sys/class/net/lvm$D.0" ] || fail "fs$i (d$D) has no TAP lvm$D.0"
	lvm-bench-reply -a "$a" -p 13 -t 20000 -w 60000 -c >"$out" 2>&1 &
	pid=$!
	sleep 1.3
	lvm unpause "fs$i" || fail "unpause fs$i"
	wait "$pid" || fail "fs$i: no reply: $(cat "$out")"
	row=$(tail -n 1 "$out")
	IFS=, read -r reply_ms _ tries _ <<<"$row"
	[ "$tries" = 1 ] || fail "fs$i: $tries connects, not one: $row"
	awk -v r="$reply_ms" 'BEGIN { exit !(r < 2900) }' ||
		fail "fs$i: the line came $reply_ms ms after the connect, at a later SYN retransmit: the SYNs queued before the guest connected did not reach it"
	info "fs$i (d$D): connect at 0, unpaused at 1.3 s, its line at $reply_ms ms (one connect)"
	lvm destroy "fs$i" >/dev/null || fail "destroy fs$i"
done
wait_for 10 no_taps || fail "TAPs left: $(ip -o link | grep ': lvm')"
info "no TAP left"
