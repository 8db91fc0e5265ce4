#!/bin/bash
# A noxs guest knows dom0's MAC from its connect on: lvmd's data path
# hands it the gateway's ARP reply (the hello) ahead of any other frame,
# so its first answer to dom0 waits for no ARP round trip. Made strict
# here: dom0 answers no ARP request on lvmd's bridge (arp_ignore 8, put
# back at the end), and dom0's own entry for the guest is the permanent
# one lvmd sets (checked before the connect), so that dom0 never asks the
# guest either. The hello is then the only way a guest can learn where
# dom0 is: three daytime guests (one paused at create, one straight from
# a pool built ahead, one cold) each send their line to dom0 within 5 s
# of one connect; each destroyed, no TAP left.
# limit: 300
. "$(dirname "$0")/lib.sh"

BR=lvmbr0
img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
command -v lvm-bench-reply >/dev/null || fail "no lvm-bench-reply in $LVM_BUILD/bin"
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]'; }
no_taps() { [ "$(taps)" = 0 ]; }
SYS=/proc/sys/net/ipv4/conf/$BR/arp_ignore
OLD=
restore() { [ -n "$OLD" ] && echo "$OLD" >"$SYS"; }
lvmd_start -c /dev/null -P "4:1:1:$img"
trap 'rc=$?; restore; (exit $rc); lvmd_cleanup' EXIT
wait_for 30 pool_ready_is 4x1 1 || fail "pool not full: $(lvm pool)"
[ -e "$SYS" ] || fail "no bridge $BR once the pool is full"
OLD=$(cat "$SYS")
echo 8 >"$SYS" || fail "cannot set $SYS"
# permanent ADDR: dom0's entry for ADDR on the bridge is lvmd's.
permanent() { ip neigh show dev "$BR" to "$1" | grep -q PERMANENT; }
# why NAME: the guest's console and counters, for a failure.
why() {
	ip neigh show dev "$BR" | sed 's/^/  neigh: /'
	lvm info "$1" 2>&1 | grep -iE 'vif|rx|tx|state' | sed 's/^/  info: /'
	tail -n 4 "$(lvm_console_log "$1")" 2>/dev/null | sed 's/^/  console: /'
}
# one NAME ADDR [OPT...]: create NAME at ADDR (paused when asked), wait
# for dom0's permanent entry, let it run, one connect: its line in 5 s.
one() {
	local name=$1 a=$2 out
	shift 2
	lvm create "$img" --name "$name" --vif "ip=$a" "$@" >/dev/null || fail "create $name"
	wait_for 10 permanent "$a" || { why "$name"; fail "$name: no permanent neighbour entry for $a"; }
	[ "$(lvm_state "$name")" != paused ] || lvm unpause "$name" || fail "unpause $name"
	out=$(lvm-bench-reply -a "$a" -p 13 -t 5000 -w 60000 -c 2>&1) ||
		{ why "$name"; fail "$name ($a): no line with dom0 answering no ARP: $out"; }
	info "$name ($a): its line with dom0 answering no ARP: $(tail -n 1 <<<"$out")"
	lvm destroy "$name" >/dev/null || fail "destroy $name"
}
one gh1 198.18.10.1 --paused
one gh2 198.18.10.2
wait_for 30 pool_ready_is 4x1 1 || fail "pool not refilled: $(lvm pool)"
lvm pool set 4x1 0 >/dev/null || fail "pool set 4x1 0"
one gh3 198.18.10.3
wait_for 10 no_taps || fail "TAPs left: $(ip -o link | grep ': lvm[0-9]')"
info "three guests learnt dom0's MAC from the hello alone; no TAP left"
