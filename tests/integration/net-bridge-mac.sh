#!/bin/bash
# lvmd's bridge keeps its MAC while ports come and go (issue 11). A Linux
# bridge whose address was never set takes its lowest port's; every TAP (a random
# kernel MAC) added or removed may change it, while a guest keeps the MAC
# it learnt by ARP at link up (lwIP: 5 minutes) and, with lvmd's permanent
# neighbour entries, dom0 never ARPs it again. (With lvmd before the fix
# the box showed the changes, 2 to 7 in the 12 cycles below, but the
# guests still answered: the checks that fail then are the MAC's.)
#   - a port whose MAC is below every other (00:00:5e:00:53:01, a TAP
#     made here) is on the bridge while a daytime guest "old" boots and
#     answers on TCP 13; the port then leaves: "old" still answers;
#   - 12 cycles of a create from a pool built ahead for daytime, its
#     first reply, its destroy (the pool's refill making a TAP each time),
#     alternately by the command and through liblvm (lvm-bench-reply -L,
#     the connects at once), over 3 addresses used again and again: each
#     guest answers within 15 s; "old" still answers;
#   - the bridge's MAC never changed, and is marked set
#     (addr_assign_type 3).
# limit: 600
. "$(dirname "$0")/lib.sh"

BR=lvmbr0
src=$LVM_BUILD/guests/daytime.xen
[ -f "$src" ] || fail "no guest image $src"
command -v lvm-bench-reply >/dev/null || fail "no lvm-bench-reply in $LVM_BUILD/bin"
img=/tmp/net-bridge-mac-daytime.xen
cp "$src" "$img"
LOW=lvmtestlow
cleanup_low() { ip link show "$LOW" >/dev/null 2>&1 && { brctl delif "$BR" "$LOW"; tunctl -d "$LOW"; } >/dev/null 2>&1; }
full() { pool_ready_is 4x1 2; }
mac() { cat "/sys/class/net/$BR/address"; }
# answers ADDR: daytime's line read from ADDR within 10 s.
answers() { lvm-bench-reply -a "$1" -p 13 -t 10000 -w 20 >/dev/null 2>&1; }
# why NAME: what the guest and its vif show, for a failure.
why() {
	echo "  bridge MAC $(mac) (at the start $M0); MACs seen: $SEEN"
	lvm info "$1" 2>&1 | grep -iE 'vif|rx|tx|state' | sed 's/^/  info: /'
	tail -n 4 "$(lvm_console_log "$1")" 2>/dev/null | sed 's/^/  console: /'
}

cleanup_low
lvmd_start -c /dev/null -P "4:1:2:$img"
trap 'rc=$?; cleanup_low; (exit $rc); lvmd_cleanup' EXIT
wait_for 30 full || fail "pool not full: $(lvm pool)"
M0=$(mac) SEEN=$M0
# seen: note the bridge's MAC if it changed.
seen() { local m; m=$(mac); [ "$m" = "${SEEN##* }" ] || SEEN="$SEEN $m"; }

# A port with the lowest MAC on the bridge while old boots.
tunctl -t "$LOW" >/dev/null || fail "tunctl -t $LOW"
ip link set dev "$LOW" address 00:00:5e:00:53:01 || fail "cannot set $LOW's MAC"
brctl addif "$BR" "$LOW" || fail "cannot put $LOW on $BR"
seen
lvm create "$img" --name old --vif ip=198.18.5.100 >/dev/null || fail "create old"
answers 198.18.5.100 || { why old; fail "old does not answer"; }
cleanup_low
seen
answers 198.18.5.100 || { why old; fail "old no longer answers once $LOW (00:00:5e:00:53:01) left $BR"; }
info "a port with MAC 00:00:5e:00:53:01 on $BR while old booted, then gone: old answers (bridge MACs: $SEEN)"

for i in $(seq 1 12); do
	wait_for 30 full || fail "cycle $i: pool not full: $(lvm pool)"
	a=198.18.5.$((i % 3 + 1))
	if [ $((i % 2)) = 1 ]; then
		how=command
		out=$(lvm-bench-reply -a "$a" -p 13 -t 15000 -w 20 -- \
			lvm create "$img" --name "c$i" --vif "ip=$a" 2>&1)
	else
		how=library
		out=$(lvm-bench-reply -a "$a" -p 13 -t 15000 -w 20 -L "$img" \
			-N "c$i" 2>&1)
	fi
	rc=$?
	seen
	[ $rc = 0 ] || { why "c$i"; fail "cycle $i ($how, $a): no reply: $out"; }
	lvm destroy "c$i" || fail "destroy c$i"
done
wait_for 30 full || fail "pool not full after the cycles: $(lvm pool)"
seen
answers 198.18.5.100 || { why old; fail "old, up since before 12 cycles of TAPs coming and going, no longer answers"; }
info "12 cycles (command and library, 3 addresses reused): every guest answered, old answers"
[ "$SEEN" = "$M0" ] || fail "the bridge's MAC changed: $SEEN"
[ "$(cat "/sys/class/net/$BR/addr_assign_type")" = 3 ] ||
	fail "the bridge's MAC is not marked set: addr_assign_type $(cat "/sys/class/net/$BR/addr_assign_type")"
lvm destroy old || fail "destroy old"
info "the bridge kept its MAC $M0, marked set (addr_assign_type 3)"
