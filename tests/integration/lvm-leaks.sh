#!/bin/bash
# 50 guests created and destroyed one after another leave no domain behind,
# and lvmd does not grow: its resident memory and open files after the 50th
# are those after the 10th (within 64 KiB of memory).
. "$(dirname "$0")/lib.sh"

leaks_start "$LVM_BUILD/guests/hello.xen"
for i in $(seq 1 50); do
	out=$(lvm create "$LVM_BUILD/guests/hello.xen" --name "leak$i" --paused 2>&1) ||
		fail "create #$i: $out"
	lvm destroy "leak$i" || fail "destroy #$i"
	[ "$i" = 10 ] && leaks_mark && rss10=$LEAKS_RSS fds10=$LEAKS_FDS
done
[ -z "$(lvm_names)" ] || fail "guests left in lvmd: $(lvm_names)"
leaks_check "$rss10" "$fds10"
ls "$LVMD_STATE/registry" | grep -q . && fail "records left: $(ls "$LVMD_STATE/registry")"
info "no domain, record or memory left behind"
