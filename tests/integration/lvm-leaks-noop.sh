#!/bin/bash
# 50 running noop guests, each created and shut down through its sysctl
# device, leave no domain behind and do not grow lvmd (VmRSS after the
# 50th within 64 KiB of that after the 10th; same number of open files).
. "$(dirname "$0")/lib.sh"

leaks_start "$LVM_BUILD/guests/noop.xen"
for i in $(seq 1 50); do
	out=$(lvm create "$LVM_BUILD/guests/noop.xen" --name "n$i" 2>&1) ||
		fail "create #$i: $out"
	timeout 30 lvm shutdown "n$i" || fail "shutdown #$i"
	[ "$i" = 10 ] && leaks_mark && rss10=$LEAKS_RSS fds10=$LEAKS_FDS
done
leaks_check "$rss10" "$fds10"
