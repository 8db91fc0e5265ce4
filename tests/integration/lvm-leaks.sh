#!/bin/bash
# 50 guests created and destroyed one after another leave no domain behind,
# and lvmd does not grow: its resident memory and open files after the 50th
# are those after the 10th (within 64 KiB of memory).
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
before=$(hv_domain_count)
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$LVMD_PID/status"; }
fds() { ls "/proc/$LVMD_PID/fd" | wc -l; }

for i in $(seq 1 50); do
	out=$(lvm create "$img" --name "leak$i" --paused 2>&1) ||
		fail "create #$i: $out"
	lvm destroy "leak$i" || fail "destroy #$i"
	if [ "$i" = 10 ]; then
		rss10=$(rss) fds10=$(fds)
		info "after 10: VmRSS $rss10 kB, $fds10 fds"
	fi
done
rss50=$(rss) fds50=$(fds)
info "after 50: VmRSS $rss50 kB, $fds50 fds"
[ -z "$(lvm_names)" ] || fail "guests left in lvmd: $(lvm_names)"
wait_for 10 bash -c "[ \"\$(lvm list --all --json | grep -c domid)\" = $before ]" ||
	fail "$before domains before, $(hv_domain_count) after"
[ $((rss50 - rss10)) -lt 64 ] || fail "lvmd grew from $rss10 kB to $rss50 kB"
[ "$fds50" = "$fds10" ] || fail "lvmd had $fds10 fds after 10 guests, $fds50 after 50"
ls "$LVMD_STATE/registry" | grep -q . && fail "records left: $(ls "$LVMD_STATE/registry")"
info "no domain, record or memory left behind"
