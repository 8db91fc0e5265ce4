#!/bin/bash
# A client's first SYN, sent before its guest connected its vif, reaches
# the guest at connect (lvmd's data path delivers the newest frames the
# TAP queued meanwhile, docs/architecture.md): a daytime guest created
# paused; one connect from dom0 (lvm-bench-reply with a step of 60 s: no
# second try), left 1.3 s so that the kernel's first SYN retransmit (at
# 1 s) is queued too; then the guest unpaused. Its line must come before
# the kernel's next retransmit (3 s after the connect): when the queued
# SYNs were dropped at connect, only that one reached the guest. A guest
# that reached its ready mark only after 2.7 s (a loaded host: it could
# not have answered before that retransmit either way) says nothing
# either way: it is tried again, at most 3 times. Three guests, each its
# own address; each destroyed, no TAP left. The TAP itself sends the
# guest nothing: it has no IPv6 address of its own.
# limit: 300
. "$(dirname "$0")/lib.sh"

taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
no_taps() { [ "$(taps)" = 0 ]; }
img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
lvmd_start -c /dev/null
out=/tmp/net-first-syn.out
# one I: one sample of guest fsI; 0 passed, 2 inconclusive (slow guest).
one() {
	local i=$1 a=198.18.9.$1 t0 t1 D pid row reply_ms tries ready_ns late
	lvm create "$img" --name "fs$i" --vif "ip=$a" --paused >/dev/null ||
		fail "create fs$i paused"
	t0=$(now_us)
	D=$(lvm_domid "fs$i")
	[ -e "/sys/class/net/lvm$D.0" ] || fail "fs$i (d$D) has no TAP lvm$D.0"
	[ "$(cat "/proc/sys/net/ipv6/conf/lvm$D.0/addr_gen_mode" 2>/dev/null || echo 1)" = 1 ] ||
		fail "fs$i: TAP lvm$D.0 makes IPv6 addresses of its own"
	t1=$(now_us)
	lvm-bench-reply -a "$a" -p 13 -t 20000 -w 60000 -c >"$out" 2>&1 &
	pid=$!
	sleep 1.3
	lvm unpause "fs$i" || fail "unpause fs$i"
	wait "$pid" || fail "fs$i: no reply: $(cat "$out")"
	row=$(tail -n 1 "$out")
	IFS=, read -r reply_ms _ tries _ <<<"$row"
	[ "$tries" = 1 ] || fail "fs$i: $tries connects, not one: $row"
	ready_ns=$(lvm info --json "fs$i" | json_field ready_ns)
	[ -n "$ready_ns" ] || fail "fs$i: no ready mark"
	# The ready mark, in ms after the connect (t1): lvmd counts it from
	# the create request, which came before t0, the create's return
	# (this errs toward late by the reply's way back to lvm).
	late=$(awk -v r="$ready_ns" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.1f", r / 1e6 - (b - a) / 1e3 }')
	lvm destroy "fs$i" >/dev/null || fail "destroy fs$i"
	if awk -v r="$reply_ms" 'BEGIN { exit !(r < 2900) }'; then
		info "fs$i (d$D): connect at 0, unpaused at 1.3 s, ready at $late ms, its line at $reply_ms ms (one connect)"
		return 0
	fi
	if awk -v l="$late" 'BEGIN { exit !(l > 2700) }'; then
		info "fs$i (d$D): ready only at $late ms after the connect, its line at $reply_ms ms: inconclusive (a loaded host), tried again"
		return 2
	fi
	fail "fs$i: the line came $reply_ms ms after the connect (the guest ready at $late ms), at a later SYN retransmit: the SYNs queued before the guest connected did not reach it"
}
for i in 1 2 3; do
	for try in 1 2 3; do
		one "$i" && break
		[ "$try" = 3 ] && fail "fs$i: 3 tries, each with the guest ready too late to tell"
	done
done
wait_for 10 no_taps || fail "TAPs left: $(ip -o link | grep ': lvm')"
info "no TAP left"
