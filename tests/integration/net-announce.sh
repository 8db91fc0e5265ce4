#!/bin/bash
# A noxs guest answers first and announces itself after: when its vif
# connects, the frames dom0 kept for it while it booted (a client's SYN)
# are answered before the guest's gratuitous ARP, and the guest does not
# ask for its gateway, whose MAC the gateway's hello already gave it
# (guests/lwip/vifnet.c). Each of two daytime guests (created paused,
# one from a pool built ahead, one cold) gets one connect from dom0
# before it runs;
# lvm_sniff reads what the guest sends through its TAP: the SYN-ACK of
# that connect comes before any ARP request of the guest's, a gratuitous
# ARP follows (sender and target the guest's address), and no ARP request
# for the gateway at all. The guest from the pool finds its vif connected
# ahead (its console says so), the cold one offers its own. Each
# destroyed, no TAP left.
# limit: 300
. "$(dirname "$0")/lib.sh"

BR=lvmbr0
img=$LVM_BUILD/guests/daytime.xen
sniff=$LVM_BUILD/tests/tools/lvm_sniff
[ -f "$img" ] || fail "no guest image $img"
[ -x "$sniff" ] || fail "no $sniff"
[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
command -v lvm-bench-reply >/dev/null || fail "no lvm-bench-reply in $LVM_BUILD/bin"
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]'; }
no_taps() { [ "$(taps)" = 0 ]; }
lvmd_start -c /dev/null -P "4:1:1:$img"
wait_for 30 pool_ready_is 4x1 1 || fail "pool not full: $(lvm pool)"
gw=$(ip -4 -o addr show dev "$BR" | awk '{ split($4, a, "/"); print a[1]; exit }')
[ -n "$gw" ] || fail "no address on $BR"
d=$(mktemp -d)
trap 'rc=$?; rm -rf "$d"; (exit $rc); lvmd_cleanup' EXIT

# one NAME ADDR HOW: NAME at ADDR, created paused from the pool (HOW
# "pool") or cold; its TAP read while one connect from dom0 is made, the
# guest unpaused, and the line comes.
one() {
	local name=$1 a=$2 how=$3 D tap pid spid first_synack first_req log
	lvm create "$img" --name "$name" --vif "ip=$a" --paused --json >"$d/$name.json" ||
		fail "create $name: $(cat "$d/$name.json")"
	if [ "$how" = pool ]; then
		grep -qE '"pool_hit": ?true' "$d/$name.json" || fail "$name: not from the pool: $(cat "$d/$name.json")"
	else
		grep -qE '"pool_hit": ?false' "$d/$name.json" || fail "$name: not cold: $(cat "$d/$name.json")"
	fi
	D=$(lvm_domid "$name")
	tap=lvm$D.0
	[ -e "/sys/class/net/$tap" ] || fail "$name (d$D) has no TAP $tap"
	"$sniff" "$tap" 4 >"$d/$name.frames" 2>&1 &
	spid=$!
	sleep 0.3
	lvm-bench-reply -a "$a" -p 13 -t 3500 -w 60000 -c >"$d/$name.reply" 2>&1 &
	pid=$!
	sleep 0.3
	lvm unpause "$name" || fail "unpause $name"
	wait "$pid" || fail "$name: no line: $(cat "$d/$name.reply")"
	wait "$spid" || fail "lvm_sniff on $tap: $(cat "$d/$name.frames")"
	sed 's/^/  frame: /' "$d/$name.frames"
	# From the pool built ahead its vif was connected ahead (its rings
	# set up in the shell, docs/noxs.md): the guest offered nothing.
	log=$(lvm info "$name" | sed -n 's/^console log: *//p')
	if [ "$how" = pool ]; then
		wait_for 5 grep -q 'netfront: vif0 connected ahead by dom0' "$log" ||
			fail "$name: vif0 not connected ahead: $(tail -n 5 "$log" 2>&1)"
	else
		! grep -q 'connected ahead' "$log" || fail "$name: a cold guest's vif connected ahead"
	fi
	first_synack=$(grep -n '^tcp SA 13 ' "$d/$name.frames" | head -n 1 | cut -d: -f1)
	first_req=$(grep -n '^arp request ' "$d/$name.frames" | head -n 1 | cut -d: -f1)
	[ -n "$first_synack" ] || fail "$name: no SYN-ACK from port 13 on $tap"
	[ -n "$first_req" ] || fail "$name: no ARP request (its gratuitous ARP) on $tap"
	[ "$first_synack" -lt "$first_req" ] ||
		fail "$name: its ARP request (frame $first_req) went before its SYN-ACK (frame $first_synack)"
	grep -q "^arp request $a $a\$" "$d/$name.frames" || fail "$name: no gratuitous ARP for $a"
	! grep -q "^arp request $a $gw\$" "$d/$name.frames" ||
		fail "$name: asked for the gateway $gw, whose MAC the hello gave it"
	info "$name ($a): SYN-ACK at frame $first_synack, its gratuitous ARP at frame $first_req, no request for $gw"
	lvm destroy "$name" >/dev/null || fail "destroy $name"
}
one an1 198.18.10.21 pool
lvm pool set 4x1 0 >/dev/null || fail "pool set 4x1 0"
one an2 198.18.10.22 cold
wait_for 10 no_taps || fail "TAPs left: $(ip -o link | grep ': lvm[0-9]')"
info "two guests answered a kept SYN before announcing themselves; no TAP left"
