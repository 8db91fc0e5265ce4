#!/bin/bash
# Crash safety of the shell pools: lvmd killed with SIGKILL while its
# refill thread prepares shells leaves shells (and maybe one half made)
# behind; the next lvmd destroys every domain with the shell prefix,
# adopts its guests as before, and fills its own pool. Afterwards the
# hypervisor holds exactly dom0 + the registry's guests + the new shells.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"

lvmd_start -P 4:1:2
wait_for 20 pool_ready_is 4x1 2 || fail "pool not warm: $(lvm pool)"
lvm create "$img" --name g1 >/dev/null || fail "create g1"
lvm create "$img" --name g2 --memory 8 >/dev/null || fail "create g2"
# A big target, and the kill while it is being filled.
lvm pool set 4x1 1000 || fail "pool set 4x1 1000"
sleep 0.05
row=$(lvm pool | awk '$1 == "4x1"')
info "at the kill: $row"
ready=$(awk '{ print $4 }' <<<"$row")
[ "$ready" -lt 1000 ] || fail "the pool was full before the kill; no refill to interrupt"
kill -9 "$LVMD_PID"
wait_for 10 lvmd_dead || fail "lvmd survived SIGKILL"

LVMD_KEEP_STATE=1 lvmd_start -P 4:1:3
wait_for 20 pool_ready_is 4x1 3 || fail "new pool not warm: $(lvm pool)"
grep -qE "destroyed [0-9]+ shells of a previous lvmd" "$LVMD_STATE/lvmd.log" ||
	fail "no stale shells destroyed"
info "$(grep -E 'destroyed [0-9]+ shells' "$LVMD_STATE/lvmd.log" | tail -1 | sed 's/^.*lvmd: //')"
[ "$(lvm_state g1)" = running ] || fail "g1 not adopted: $(lvm_state g1)"
[ "$(lvm_state g2)" = running ] || fail "g2 not adopted: $(lvm_state g2)"
# dom0 + g1 + g2 + 3 shells; the old shells may take a moment to die
want=6
wait_for 20 eval "[ \"\$(hv_domain_count)\" = $want ]" ||
	fail "$want domains expected, $(hv_domain_count): $(lvm list --all)"
unmanaged=$(lvm list --all | awk '$1 == "-"' | wc -l)
[ "$unmanaged" = 3 ] || fail "$unmanaged unmanaged domains, 3 shells expected: $(lvm list --all)"
# The registry: g1's and g2's records, and the new shells' empty record
# files; the killed lvmd's shells' empty ones removed, none set aside.
want="$(lvm_domid g1) $(lvm_domid g2)"
want=$(tr ' ' '\n' <<<"$want" | sort -n | tr '\n' ' ')
[ "$(records | tr '\n' ' ')" = "$want" ] ||
	fail "records $(records | tr '\n' ' '), $want expected: $(ls -l "$LVMD_STATE/registry")"
shells=$(lvm list --all | awk '$1 == "-" { print $2 }' | sort -n | tr '\n' ' ')
[ "$(records empty | tr '\n' ' ')" = "$shells" ] ||
	fail "empty records $(records empty | tr '\n' ' '), the shells' ($shells) expected"
ls "$LVMD_STATE/registry" | grep -q corrupt && fail "records set aside: $(ls "$LVMD_STATE/registry")"
grep -q "a pool shell's record, never written; removed" "$LVMD_STATE/lvmd.log" ||
	fail "no shell's record file of the killed lvmd removed"
info "registry: records $want, the shells' empty ones $shells"
lvm destroy g1 && lvm destroy g2 || fail "destroy"
echo "PASS"
