#!/bin/bash
# 100 create/destroy cycles of a daytime guest with a vif (the same
# address and MAC each time, so that dom0's ARP entry stays right), every
# 5th running and answering ping before it is destroyed, the others
# paused, leave nothing behind: no
# TAP, bridge port or bridge address, no foreign mapping in lvmd
# (privcmd entries of its maps), no open file of lvmd and no dom0 event
# channel (xen-dyn-event lines of /proc/interrupts) more after the 100th
# than after the 10th.
# limit: 900
. "$(dirname "$0")/lib.sh"

N=100 BR=lvmbr0 A=198.18.2.1
img=$LVM_BUILD/guests/daytime.xen
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
no_taps() { [ "$(taps)" = 0 ]; }
# mark: what a guest could leave, as one line.
mark() {
	echo "taps $(taps)" \
		"ports $(ls "/sys/class/net/$BR/brif" | wc -l)" \
		"addrs $(ip -o addr show dev "$BR" | grep -c ' inet ')" \
		"maps $(grep -c privcmd "/proc/$LVMD_PID/maps")" \
		"fds $(ls "/proc/$LVMD_PID/fd" | wc -l)" \
		"evtchns $(grep -c xen-dyn-event /proc/interrupts)"
}
leaks_start "$img"
t0=$(now_us)
for i in $(seq 1 $N); do
	# Every 5th guest runs and is waited for until it answers (its vif
	# connected, rings and region mapped); the others are made paused
	# (port, record, TAP, data path entry, never connected) and destroyed
	# at once, so that 100 cycles fit the runner's time limit.
	if [ $((i % 5)) = 0 ] || [ "$i" = 1 ]; then paused=; else paused=--paused; fi
	out=$(lvm create "$img" --name "nl$i" $paused --vif "ip=$A,mac=00:16:3e:00:02:01" 2>&1) ||
		fail "create #$i: $out"
	if [ -z "$paused" ]; then
		wait_for 20 ping -c 1 -W 1 "$A" >/dev/null ||
			fail "#$i does not answer ping: $(tail -n 3 "$(lvm_console_log "nl$i")")"
	fi
	lvm destroy "nl$i" || fail "destroy #$i"
	wait_for 10 no_taps || fail "#$i: TAP left: $(ip -o link | grep ': lvm[0-9]*\.[0-9]')"
	[ $((i % 20)) = 0 ] && info "#$i after $((($(now_us) - t0) / 1000000)) s"
	if [ "$i" = 10 ]; then
		m10=$(mark)
		leaks_mark
		rss10=$LEAKS_RSS fds10=$LEAKS_FDS
	fi
done
m100=$(mark)
info "$N cycles in $((($(now_us) - t0) / 1000000)) s"
info "after 10: $m10"
info "after $N: $m100"
[ "$m100" = "$m10" ] || fail "something left: after 10 '$m10', after $N '$m100'"
case $m100 in "taps 0 ports 0 addrs 1 "*) ;; *) fail "not clean: $m100" ;; esac
leaks_check "$rss10" "$fds10"
