#!/bin/bash
# 50 (NET_MANY_N) networked daytime guests up at once (4 MiB each, from a pool built
# ahead with the daytime image), each answering over TCP port 13 at its
# own address; destroyed, they leave no TAP, bridge port or domain of
# theirs (the pool's ready shells keep their own TAPs).
# limit: 900
. "$(dirname "$0")/lib.sh"

N=${NET_MANY_N:-50} BR=lvmbr0
img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
# guest_taps: the TAPs of the guests lvmd manages (the pool's ready shells
# hold TAPs of their own: daytime needs a vif).
guest_taps() {
	local d n=0
	for d in $(lvm list --json | json_field domid); do
		ip -o link | grep -q ": lvm$d\.[0-9]" && n=$((n + 1))
	done
	echo $n
}
conf=/tmp/net-many.conf
printf 'pool 4 1 8 %s\n' "$img" >"$conf"
lvmd_start -c "$conf"
wait_for 60 pool_ready_is 4x1 8 || fail "pool not warm: $(lvm pool)"
before=$(hv_domain_count)
t0=$(now_us)
for i in $(seq 1 $N); do
	out=$(lvm create "$img" --name "n$i" --vif "ip=198.18.1.$i" 2>&1) ||
		fail "create n$i: $out"
done
[ "$(guest_taps)" = $N ] || fail "$(guest_taps) TAPs for $N guests"
info "$N guests created in $((($(now_us) - t0) / 1000000)) s; pool: $(lvm pool | awk 'NR > 1 { print $1, "hits", $6, "misses", $7 }' | tr '\n' ' ')"
# daytime_ok ADDR: ADDR's daytime line read over TCP (in DT_LINE).
daytime_ok() {
	DT_LINE=$(nc -w 5 "$1" 13 </dev/null 2>/dev/null)
	echo "$DT_LINE" | grep -q ' UTC'
}
# daytime_within SECONDS ADDR: daytime_ok, tried until SECONDS passed.
daytime_within() {
	local end=$(($(now_us) + $1 * 1000000))
	until daytime_ok "$2"; do
		RETRIES=$((RETRIES + 1))
		[ "$(now_us)" -lt $end ] || return 1
		sleep 0.5
	done
}
t0=$(now_us) RETRIES=0
for i in $(seq 1 $N); do
	a=198.18.1.$i
	wait_for 30 ping -c 1 -W 1 "$a" >/dev/null ||
		fail "n$i ($a) does not answer ping: $(tail -n 3 "$(lvm_console_log "n$i")")"
	daytime_within 30 "$a" ||
		fail "n$i ($a) gives no daytime line over TCP in 30 s: '$DT_LINE'"
done
info "all $N answered in $((($(now_us) - t0) / 1000000)) s, $RETRIES connections retried (the last: $DT_LINE)"
for i in $(seq 1 $N); do lvm destroy "n$i" || fail "destroy n$i"; done
wait_for 60 pool_ready_is 4x1 8 || fail "pool not warm again: $(lvm pool)"
# What is left on the bridge: the 8 ready shells' TAPs, nothing else.
wait_for 20 eval '[ "$(taps)" = 8 ]' || fail "$(taps) TAPs left, want the 8 shells'"
[ "$(ls "/sys/class/net/$BR/brif" | wc -l)" = 8 ] || fail "bridge ports left: $(ls "/sys/class/net/$BR/brif")"
n=$(hv_domain_count)
[ "$n" = "$before" ] || fail "$before domains before, $n after"
