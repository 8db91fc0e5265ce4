#!/bin/bash
# Vif settings only dom0 can refuse, each with one error line and nothing
# left (no domain, TAP, bridge or record): lvmd's bridge missing with
# bridge_create off (lvmd itself still starts and runs guests without a
# vif), a vif's own bridge missing, a "bridge" that is no bridge, and a
# TAP that cannot be made (its own reason in the one line).
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/daytime.xen
[ -f "$img" ] || fail "no guest image $img"
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
conf=/tmp/net-badvif-dom0.conf
printf 'bridge lvmnobr0\nbridge_create no\n' >"$conf"
lvmd_start -c "$conf"
before=$(hv_domain_count)
# refused SPEC WORDS: a create with --vif SPEC fails with one line holding
# WORDS, and leaves nothing.
refused() {
	local rc=0
	lvm create "$img" --name bad --vif "$1" >/tmp/nb.out 2>/tmp/nb.err || rc=$?
	info "--vif '$1': $(one_line_error /tmp/nb.out /tmp/nb.err $rc)"
	grep -qF "$2" /tmp/nb.err || fail "'$2' not in: $(cat /tmp/nb.err)"
	[ "$(hv_domain_count)" = "$before" ] || fail "a domain left by --vif '$1'"
	[ "$(taps)" = 0 ] || fail "a TAP left by --vif '$1': $(ip -o link)"
	lvm_gone bad || fail "guest 'bad' listed after --vif '$1'"
	[ -z "$(ls "$LVMD_STATE/registry")" ] || fail "a record left: $(ls "$LVMD_STATE/registry")"
}
refused '' 'bridge lvmnobr0 does not exist'
refused 'bridge=lvmnobr1' 'bridge lvmnobr1 does not exist'
[ ! -e /sys/class/net/lvmnobr0 ] && [ ! -e /sys/class/net/lvmnobr1 ] ||
	fail "a bridge was made with bridge_create off"
refused 'bridge=lo' 'not a bridge'
# daytime's manifest needs a vif: created with none given, it gets one
# from lvmd, which cannot make it here: refused the same way.
out=$(lvm create "$img" --name needs 2>&1) && fail "daytime created with no bridge: $out"
grep -qF 'bridge lvmnobr0 does not exist' <<<"$out" || fail "wrong line: $out"
[ "$(hv_domain_count)" = "$before" ] || fail "a domain left by daytime's needed vif"
info "a needed vif that cannot be made: $out"
# lvmd still serves guests without a vif.
noop=$LVM_BUILD/guests/noop.xen
out=$(lvm create "$noop" --name novif --paused 2>&1) || fail "create without vif: $out"
lvm info novif | grep -q '^vif' && fail "noop got a vif: $(lvm info novif)"
lvm destroy novif || fail "destroy novif"

# A TAP that cannot be made (/dev/net/tun replaced by /dev/null: its
# TUNSETIFF fails): the create's one error line gives that reason, not only
# "cannot serve its vifs", and nothing is left.
lvmd_stop
lvmd_start -c /dev/null
before=$(hv_domain_count)
mount --bind /dev/null /dev/net/tun || fail "cannot hide /dev/net/tun"
rc=0
lvm create "$img" --name notap --vif ip=198.18.4.1 >/tmp/nb.out 2>/tmp/nb.err || rc=$?
umount /dev/net/tun
info "no TAP: $(one_line_error /tmp/nb.out /tmp/nb.err $rc)"
grep -qF 'cannot make TAP' /tmp/nb.err || fail "not the TAP's reason: $(cat /tmp/nb.err)"
[ "$(hv_domain_count)" = "$before" ] || fail "a domain left by a TAP not made"
[ "$(taps)" = 0 ] || fail "a TAP left: $(ip -o link)"
lvm_gone notap || fail "guest 'notap' listed"
[ -z "$(ls "$LVMD_STATE/registry")" ] || fail "a record left: $(ls "$LVMD_STATE/registry")"
