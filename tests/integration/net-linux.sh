#!/bin/bash
# A stock Linux guest (guests/linux, XenStore mode) with a vif, served by
# the dom0 kernel's netback with no hotplug script: lvm writes the vif's
# backend and frontend entries, lvmd puts vifD.0 on lvmbr0 and writes
# hotplug-status; the guest's init configures eth0 from lvm.ip=/lvm.gw=.
#   - created with --vif '': dom0 pings its address, and the guest pings
#     dom0 (linux.ping=, its result on the console);
#   - destroyed: no vifD.0, no bridge port, no XenStore backend or
#     frontend directory, nothing answers at its address;
#   - an xl config in xlexample.pvlinux's style, with a vif line, boots,
#     and its guest answers ping;
#   - without xen-netback loaded, a create with a vif is one error line.
. "$(dirname "$0")/lib.sh"

BR=lvmbr0 GW=198.18.0.1
kernel=$LVM_BUILD/guests/linux.vmlinuz
initrd=$LVM_BUILD/guests/linux-tiny.cpio.gz
[ -f "$kernel" ] && [ -f "$initrd" ] || fail "no stock Linux guest (make deps && make)"
[ -d /sys/module/xen_netback ] || fail "no xen-netback in this dom0"
ports() { ls "/sys/class/net/$BR/brif" | wc -l; }
lvmd_start -c /dev/null
before=$(hv_domain_count)

# guest_addr NAME: the address its init gave eth0 (from its console).
guest_addr() {
	sed -n 's/^linux-guest: eth0 \([0-9.]*\)\/.*/\1/p' "$(lvm_console_log "$1")" |
		tr -d '\r' | head -n 1
}

# plugged NAME: its vifD.0 on the bridge, its backend connected.
plugged() {
	local d=$1 be=/local/domain/0/backend/vif/$1/0
	[ -e "/sys/class/net/$BR/brif/vif$d.0" ] || return 1
	[ "$(xenstore-read "$be/hotplug-status" 2>/dev/null)" = connected ] || return 1
	[ "$(xenstore-read "$be/state" 2>/dev/null)" = 4 ]
}

no_dev() { [ ! -e "/sys/class/net/$1" ]; }

# gone_clean DOMID ADDR: its device, port, entries and address are gone.
gone_clean() {
	local d=$1 a=$2
	wait_for 20 no_dev "vif$d.0" ||
		fail "vif$d.0 left behind: $(ip -o link | grep "vif$d\.")"
	[ "$(ports)" = 0 ] || fail "bridge ports left: $(ls "/sys/class/net/$BR/brif")"
	xenstore-exists "/local/domain/0/backend/vif/$d" 2>/dev/null &&
		fail "backend entries of d$d left: $(xenstore-ls "/local/domain/0/backend/vif/$d")"
	xenstore-exists "/local/domain/$d" 2>/dev/null && fail "tree of d$d left behind"
	ping -c 1 -W 1 "$a" >/dev/null 2>&1 && fail "$a still answers ping"
	n=$(ip -o addr show dev "$BR" | grep -c ' inet ')
	[ "$n" = 1 ] || fail "bridge addresses: $(ip -o addr show dev "$BR")"
}

out=$(lvm create "$kernel" --ramdisk "$initrd" --name lin --memory 96 --vif '' \
	--cmdline "console=hvc0 quiet linux.ping=$GW linux.wait" 2>&1) ||
	fail "lvm create of a stock Linux guest with a vif: $out"
d=$(lvm_domid lin)
# why NAME: its console's end, and the errors its drivers left in XenStore.
why() {
	tail -c 1200 "$(lvm_console_log "$1")"
	xenstore-ls /local/domain/0/error 2>/dev/null | tail -n 5
	xenstore-ls "/local/domain/0/backend/vif/$(lvm_domid "$1")" 2>/dev/null | tail -n 30
}

wait_for 60 lvm_console_has lin "linux-guest: eth0 " ||
	fail "eth0 not configured: $(why lin)"
lvm_console_has lin "linux-guest: eth0 not configured" &&
	fail "eth0 not configured: $(why lin)"
ADDR=$(guest_addr lin)
info "console: $(grep -F 'linux-guest: eth0' "$(lvm_console_log lin)" | tr -d '\r')"
case $ADDR in 198.1[89].*) ;; *) fail "address '$ADDR' outside 198.18.0.0/15" ;; esac
wait_for 30 plugged "$d" ||
	fail "vif$d.0 not plugged: brif=$(ls "/sys/class/net/$BR/brif") $(xenstore-ls "/local/domain/0/backend/vif/$d" 2>&1)"
info "vif$d.0 on $BR, backend connected (state 4)"
lvm info lin | grep -q "^vif0: *vif$d\.0 on $BR " ||
	fail "lvm info does not name the netback's vif$d.0: $(lvm info lin | grep '^vif')"
[ "$(xenstore-read "/local/domain/$d/device/vif/0/state")" = 4 ] ||
	fail "frontend state $(xenstore-read "/local/domain/$d/device/vif/0/state")"
wait_for 30 ping -c 1 -W 1 "$ADDR" >/dev/null ||
	fail "the guest ($ADDR) does not answer ping: $(tail -c 800 "$(lvm_console_log lin)")"
info "dom0 -> guest: $(ping -c 3 -W 2 "$ADDR" | tail -n 1)"
wait_for 60 lvm_console_has lin "linux-guest: ping $GW " ||
	fail "the guest printed no ping result: $(tail -c 800 "$(lvm_console_log lin)")"
lvm_console_has lin "linux-guest: ping $GW ok" ||
	fail "the guest cannot ping dom0: $(grep -F 'linux-guest: ping' "$(lvm_console_log lin)")"
info "guest -> dom0: $(grep -F "linux-guest: ping $GW" "$(lvm_console_log lin)" | tr -d '\r')"
lvm destroy lin || fail "destroy lin"
gone_clean "$d" "$ADDR"
info "destroyed: no vif$d.0, bridge port, XenStore entries or address left"

# xlexample.pvlinux's shape, with its vif line (a MAC, lvmd's bridge).
cfg=/tmp/net-linux.cfg
cat >"$cfg" <<EOT
name = "pvlinux"
kernel = "$kernel"
ramdisk = "$initrd"
extra = "console=hvc0 quiet linux.wait"
memory = 96
vcpus = 1
vif = [ 'mac=00:16:3e:00:00:01,bridge=$BR' ]
EOT
out=$(lvm create "$cfg" 2>&1) || fail "lvm create $cfg: $out"
d=$(lvm_domid pvlinux)
wait_for 60 lvm_console_has pvlinux "linux-guest: eth0 " ||
	fail "pvlinux: eth0 not configured: $(why pvlinux)"
ADDR=$(guest_addr pvlinux)
[ "$(xenstore-read "/local/domain/0/backend/vif/$d/0/mac")" = 00:16:3e:00:00:01 ] ||
	fail "pvlinux: backend mac $(xenstore-read "/local/domain/0/backend/vif/$d/0/mac")"
wait_for 30 ping -c 1 -W 1 "$ADDR" >/dev/null ||
	fail "pvlinux ($ADDR) does not answer ping: $(tail -c 800 "$(lvm_console_log pvlinux)")"
grep "^$ADDR " /proc/net/arp | grep -qi ' 00:16:3e:00:00:01 ' ||
	fail "pvlinux answers from another MAC: $(grep "^$ADDR " /proc/net/arp)"
info "config with a vif line: pvlinux at $ADDR (00:16:3e:00:00:01) answers ping"
lvm destroy pvlinux || fail "destroy pvlinux"
gone_clean "$d" "$ADDR"

# Without the kernel's netback: one error line, no domain (the module
# loaded again at once, also if this fails).
if rmmod xen_netback 2>/dev/null; then
	trap 'insmod /lib/modules/box/xen-netback.ko 2>/dev/null; lvmd_cleanup' EXIT
	lvm create "$kernel" --ramdisk "$initrd" --name nonb --memory 96 --vif '' \
		>/tmp/net-linux.out 2>/tmp/net-linux.err
	rc=$?
	insmod /lib/modules/box/xen-netback.ko || fail "cannot load xen-netback again"
	trap lvmd_cleanup EXIT
	line=$(one_line_error /tmp/net-linux.out /tmp/net-linux.err $rc) ||
		fail "without xen-netback: ${line#FAIL: }"
	grep -qF "xen-netback is not loaded" <<<"$line" ||
		fail "without xen-netback, not the reason: $line"
	lvm_gone nonb || fail "without xen-netback: guest nonb left behind"
	info "without xen-netback: $line"
else
	info "xen-netback could not be unloaded here: its refusal NOT checked"
fi

after=$(hv_domain_count)
[ "$after" = "$before" ] || fail "$before domains before, $after after"
info "domains before and after: $before"
