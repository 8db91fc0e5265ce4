#!/bin/bash
# 50 running noop guests, each created and shut down through its sysctl
# device, leave no domain behind and do not grow lvmd (VmRSS after the
# 50th within 64 KiB of that after the 10th; same number of open files).
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
before=$(hv_domain_count)
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$LVMD_PID/status"; }
fds() { ls "/proc/$LVMD_PID/fd" | wc -l; }
for i in $(seq 1 50); do
	out=$(lvm create "$img" --name "n$i" 2>&1) || fail "create #$i: $out"
	timeout 30 lvm shutdown "n$i" || fail "shutdown #$i"
	[ "$i" = 10 ] && rss10=$(rss) fds10=$(fds)
done
rss50=$(rss) fds50=$(fds)
info "VmRSS $rss10 -> $rss50 kB, fds $fds10 -> $fds50"
wait_for 10 bash -c "[ \"\$(lvm list --all --json | grep -c domid)\" = $before ]" ||
	fail "$before domains before, $(hv_domain_count) after"
[ $((rss50 - rss10)) -lt 64 ] || fail "lvmd grew from $rss10 kB to $rss50 kB"
[ "$fds50" = "$fds10" ] || fail "fds: $fds10 -> $fds50"
