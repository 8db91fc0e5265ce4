#!/bin/bash
# The noxs part of the lvm lifecycle, with the noop guest (marks itself
# ready, then waits for a sysctl request):
#   - lvm create --timing reports the ready mark; list and info show it;
#   - lvm shutdown asks through the sysctl device; the guest powers off
#     and is reaped; its domain is gone;
#   - lvm destroy of a running guest;
#   - pause and unpause of a running guest;
#   - lvm reboot: the guest comes back under the same name, new domain.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
before=$(hv_domain_count)
state_is() { [ "$(lvm_state "$1")" = "$2" ]; }

out=$(lvm create "$img" --name n1 --timing) || fail "create n1: $out"
printf '%s\n' "$out" | sed 's/^/    /'
grep -qE '^  ready +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "no ready time in --timing"
lvm info n1 | grep -qE '^ready: +[0-9]+\.[0-9]+ ms' || fail "no ready time in info: $(lvm info n1)"
row=$(lvm list | awk '$1 == "n1"')
[[ $(awk '{ print $7 }' <<<"$row") =~ ^[0-9]+\.[0-9]+$ ]] || fail "no ready time in list: $row"
state_is n1 running || fail "n1 is $(lvm_state n1)"

lvm pause n1 || fail "pause n1"
state_is n1 paused || fail "n1 not paused"
lvm unpause n1 || fail "unpause n1"
state_is n1 running || fail "n1 not running again"

domid=$(lvm_domid n1)
start=$(now_us)
timeout 30 lvm shutdown n1 || fail "lvm shutdown n1 failed"
info "shutdown took $((($(now_us) - start) / 1000)) ms"
lvm_gone n1 || fail "n1 still listed after shutdown"
wait_for 10 hv_gone_domid "$domid" || fail "d$domid still exists"
grep -q "n1 (d$domid): powered off as asked" "$LVMD_STATE/lvmd.log" ||
	fail "no 'powered off as asked' in lvmd.log"

lvm create "$img" --name n2 >/dev/null || fail "create n2"
domid=$(lvm_domid n2)
lvm destroy n2 || fail "destroy running n2"
wait_for 10 hv_gone_domid "$domid" || fail "running n2 (d$domid) not destroyed"

lvm create "$img" --name n3 >/dev/null || fail "create n3"
old=$(lvm_domid n3)
out=$(timeout 30 lvm reboot n3) || fail "reboot n3: $out"
new=$(lvm_domid n3)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "n3 not rebuilt: d$old -> d$new"
state_is n3 running || fail "rebooted n3 is $(lvm_state n3)"
info "$out (was d$old)"
timeout 30 lvm shutdown n3 || fail "shutdown n3"

wait_for 10 eval "[ \"\$(hv_domain_count)\" = $before ]" ||
	fail "$before domains before, $(hv_domain_count) after"
