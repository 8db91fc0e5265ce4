#!/bin/bash
# Pool shells with their vif ready (issue 11): a pool built ahead for
# daytime (whose manifest needs a vif) holds, per ready shell, the vif's
# TAP lvmD.0 already on lvmbr0.
#   - 2 ready shells: 2 TAPs, 2 bridge ports;
#   - a create with a vif hits and its guest's TAP is the one made ahead
#     (the same ifindex); the guest answers ping; the pool refills with
#     its TAP;
#   - the guest's address has a permanent neighbour entry on the bridge
#     at its MAC while it runs (no ARP before dom0's first frame), gone
#     after its destroy;
#   - other settings still work, each a hit: a given MAC and lvmd's
#     bridge named (the TAP made ahead used), another MTU (the TAP made
#     ahead kept, its MTU changed in place: the same ifindex);
#     lvmd serves one bridge, so no vif can ask for another;
#   - the image changing retires the shells, and their TAPs go;
#   - 10 create/destroy cycles from the pool leave no TAP, bridge port,
#     address or lvmd file beyond the ready shells';
#   - the pool drained (lvm pool set 4x1 0): its shells' TAPs go;
#   - lvmd stopped (SIGTERM): it stops its data path thread and closes its
#     netlink socket (its log says so), and leaves no TAP.
# limit: 600
. "$(dirname "$0")/lib.sh"

BR=lvmbr0
src=$LVM_BUILD/guests/daytime.xen
[ -f "$src" ] || fail "no guest image $src"
# A copy of our own, so that touching it changes nothing else.
img=/tmp/net-pool-daytime.xen
cp "$src" "$img"
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
ports() { ls "/sys/class/net/$BR/brif" | wc -l; }
ifindex() { cat "/sys/class/net/$1/ifindex" 2>/dev/null; }
# ready_ifindexes: the ifindex of every lvmD.N there is now, one a line.
ready_ifindexes() { for d in /sys/class/net/lvm[0-9]*.[0-9]; do [ -e "$d" ] && cat "$d/ifindex"; done; }
taps_are() { [ "$(taps)" = "$1" ]; }
full() { pool_ready_is 4x1 2; }
lvmd_start -c /dev/null -P "4:1:2:$img"
wait_for 30 full || fail "pool not full: $(lvm pool)"
wait_for 10 taps_are 2 || fail "$(taps) TAPs for 2 ready shells: $(ip -o link | grep ': lvm')"
[ "$(ports)" = 2 ] || fail "$(ports) ports on $BR for 2 ready shells"
info "2 ready shells, 2 TAPs on $BR: $(ls "/sys/class/net/$BR/brif" | tr '\n' ' ')"

# one NAME SPEC: a create of daytime with --vif SPEC that must hit; sets
# D (its domid) and MADE_AHEAD (yes: its TAP is one the pool made).
one() {
	local before hit
	wait_for 30 full || fail "pool not full before $1: $(lvm pool)"
	before=$(ready_ifindexes)
	hit=$(lvm create "$img" --name "$1" --vif "$2" --json | json_field pool_hit) ||
		fail "create $1 --vif '$2'"
	[ "$hit" = true ] || fail "$1 did not hit: $(lvm pool)"
	D=$(lvm_domid "$1")
	[ -n "$(ifindex "lvm$D.0")" ] || fail "$1 (d$D) has no TAP lvm$D.0"
	if grep -qx "$(ifindex "lvm$D.0")" <<<"$before"; then MADE_AHEAD=yes; else MADE_AHEAD=no; fi
}

# perm ADDR: dom0's neighbour entry for ADDR on the bridge is permanent.
perm() { ip neigh show "$1" dev "$BR" | grep -q PERMANENT; }
one p1 ip=198.18.3.1
[ "$MADE_AHEAD" = yes ] || fail "p1's TAP was made at create, not ahead"
perm 198.18.3.1 || fail "no permanent neighbour entry for p1 on $BR: $(ip neigh show 198.18.3.1)"
wait_for 20 ping -c 1 -W 1 198.18.3.1 >/dev/null || fail "p1 does not answer ping"
info "p1 (d$D): a hit, its TAP lvm$D.0 made ahead, answers ping"
wait_for 30 full || fail "no refill: $(lvm pool)"
wait_for 10 taps_are 3 || fail "$(taps) TAPs for 2 ready shells and p1"

one p2 ip=198.18.3.2,mac=00:16:3e:00:03:02
[ "$MADE_AHEAD" = yes ] || fail "p2 (a given MAC): its TAP was not the one made ahead"
wait_for 20 ping -c 1 -W 1 198.18.3.2 >/dev/null || fail "p2 does not answer ping"
ip neigh show 198.18.3.2 | grep -qi 00:16:3e:00:03:02 || fail "p2 not at its MAC: $(ip neigh show 198.18.3.2)"
info "p2 (given MAC): the TAP made ahead, answers ping from 00:16:3e:00:03:02"

one p3 ip=198.18.3.3,mtu=1400
[ "$MADE_AHEAD" = yes ] || fail "p3 (MTU 1400): the TAP made ahead for MTU 1500 was made again, not changed"
[ "$(cat "/sys/class/net/lvm$D.0/mtu")" = 1400 ] || fail "p3's TAP MTU $(cat "/sys/class/net/lvm$D.0/mtu")"
wait_for 20 ping -c 1 -W 1 198.18.3.3 >/dev/null || fail "p3 does not answer ping"
info "p3 (MTU 1400): the TAP made ahead, its MTU changed to 1400, answers ping"

one p4 "bridge=$BR,ip=198.18.3.4"
[ "$MADE_AHEAD" = yes ] || fail "p4 (bridge=$BR named): its TAP was not the one made ahead"
[ -e "/sys/class/net/$BR/brif/lvm$D.0" ] || fail "p4's TAP is not on $BR"
wait_for 20 ping -c 1 -W 1 198.18.3.4 >/dev/null || fail "p4 does not answer ping"
info "p4 (bridge=$BR named): the TAP made ahead, answers ping"
for g in p1 p2 p3 p4; do lvm destroy "$g" || fail "destroy $g"; done
for a in 1 2 3 4; do
	[ -z "$(ip neigh show "198.18.3.$a" dev "$BR")" ] ||
		fail "198.18.3.$a's neighbour entry left after destroy: $(ip neigh show "198.18.3.$a")"
done
wait_for 30 full || fail "no refill: $(lvm pool)"
wait_for 10 taps_are 2 || fail "$(taps) TAPs left with 2 ready shells: $(ip -o link | grep ': lvm')"
[ "$(ports)" = 2 ] || fail "$(ports) ports on $BR with 2 ready shells"

# The image changes: the next create misses (goes cold) and retires the
# two shells built from the old file; their TAPs go, the refill makes two.
before=$(ready_ifindexes)
touch "$img"
[ "$(lvm create "$img" --name r1 --paused --json | json_field pool_hit)" = false ] ||
	fail "a shell of the old file was used"
wait_for 30 full || fail "no refill after the change: $(lvm pool)"
wait_for 10 taps_are 3 || fail "$(taps) TAPs for 2 ready shells and r1: retired shells' TAPs left?"
for i in $(ready_ifindexes); do
	grep -qx "$i" <<<"$before" && [ "$i" != "$(ifindex "lvm$(lvm_domid r1).0")" ] &&
		fail "a retired shell's TAP (ifindex $i) is still there"
done
lvm destroy r1 || fail "destroy r1"
info "the image touched: the retired shells' TAPs went, the refill made 2"

for i in $(seq 1 10); do
	wait_for 30 full || fail "cycle $i: pool not full: $(lvm pool)"
	[ "$(lvm create "$img" --name c$i --paused --json | json_field pool_hit)" = true ] ||
		fail "cycle $i did not hit"
	lvm destroy "c$i" || fail "destroy c$i"
	# lvmd's files once the first cycles made what it keeps (its image
	# loader, logs)
	if [ "$i" = 2 ]; then
		wait_for 30 full || fail "pool not full after cycle 2"
		wait_for 10 taps_are 2 || fail "$(taps) TAPs after 2 cycles"
		fds0=$(ls "/proc/$LVMD_PID/fd" | wc -l)
	fi
done
wait_for 30 full || fail "pool not full after the cycles"
wait_for 10 taps_are 2 || fail "$(taps) TAPs after 10 cycles with 2 ready shells"
[ "$(ports)" = 2 ] || fail "$(ports) bridge ports after 10 cycles"
[ "$(ip -o addr show dev "$BR" | grep -c ' inet ')" = 1 ] || fail "bridge addresses: $(ip -o addr show dev "$BR")"
fds=$(ls "/proc/$LVMD_PID/fd" | wc -l)
[ "$fds" = "$fds0" ] || fail "lvmd had $fds0 files open after 2 cycles, $fds after 10"
info "10 cycles: 2 TAPs, 2 ports, 1 bridge address, lvmd's files $fds0 -> $fds"

lvm pool set 4x1 0 || fail "lvm pool set 4x1 0"
wait_for 20 taps_are 0 || fail "the pool drained, $(taps) TAPs left: $(ip -o link | grep ': lvm')"
[ "$(ports)" = 0 ] || fail "the pool drained, $(ports) ports left"
info "the pool drained: no TAP, no port"

# lvmd stops, with a shell's vif made ahead (and a guest's vif served
# before).
lvm pool set 4x1 1 "$img" || fail "lvm pool set 4x1 1"
wait_for 30 pool_ready_is 4x1 1 || fail "pool not refilled: $(lvm pool)"
lvm create "$img" --name last --vif ip=198.18.3.9 >/dev/null || fail "create last"
wait_for 20 ping -c 1 -W 1 198.18.3.9 >/dev/null || fail "last does not answer ping"
lvm destroy last || fail "destroy last"
lvmd_stop
grep -q 'vif: the data path thread stopped, the netlink socket closed' "$LVMD_STATE/lvmd.log" ||
	fail "lvmd did not stop its data path: $(tail -n 5 "$LVMD_STATE/lvmd.log")"
wait_for 10 taps_are 0 || fail "lvmd stopped, $(taps) TAPs left"
info "lvmd stopped: data path thread and netlink socket closed, no TAP"
