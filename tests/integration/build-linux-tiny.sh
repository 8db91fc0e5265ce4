#!/bin/bash
# lvm build --linux --kernel: guests/lsvm as build-linux.sh boots it, but
# with the tailored kernel of make tiny-kernel (Debian's linux-source,
# allnoconfig + unikernel/tiny-kernel.config: netfront and the rest built
# in), so no kernel module in the initramfs:
#   - this dom0's Xen boots the tailored kernel as a PV guest, lvm-init
#     runs ls and powers the VM off with its exit status;
#   - /etc/lvm/modules is there and empty, and lvm-init loaded nothing;
#   - boot to init (lvm-init's line: the guest's CLOCK_BOOTTIME) is shown.
# The kernel is not built by make or make test: without
# build/guests/tiny/lsvm.cfg the test skips (exit 77, TAP "# SKIP").
. "$(dirname "$0")/lib.sh"

cfg=$LVM_BUILD/guests/tiny/lsvm.cfg
if [ ! -f "$cfg" ]; then
	echo "no $cfg: make tiny-kernel builds the tailored kernel (not part of make test)"
	exit 77
fi
box_cfg=$(mktemp /tmp/lsvm-tiny.XXXXXX)
trap 'rm -f "$box_cfg"' EXIT
sed -e "s|^kernel = \".*/|kernel = \"$LVM_BUILD/guests/tiny/|" \
	-e "s|^ramdisk = \".*/|ramdisk = \"$LVM_BUILD/guests/tiny/|" \
	-e "s|^name = .*|name = \"lsvm-tiny\"|" "$cfg" >"$box_cfg"
info "kernel $(stat -c %s "$LVM_BUILD/guests/tiny/lsvm.vmlinuz") bytes, initramfs $(stat -c %s "$LVM_BUILD/guests/tiny/lsvm.cpio.xz") bytes"
lvmd_start
before=$(hv_domain_count)

out=$(lvm create "$box_cfg" 2>&1) || fail "lvm create $cfg: $out"
info "$out"
wait_for 60 lvm_console_has lsvm-tiny "lvm-init: /bin/ls exited with status" ||
	fail "no exit line from lvm-init: $(tail -c 800 "$(lvm_console_log lsvm-tiny)" 2>/dev/null)"
log=$(lvm_console_log lsvm-tiny)
grep -aqF "lvm-init: /bin/ls exited with status 0" "$log" ||
	fail "ls did not succeed: $(grep -a 'lvm-init' "$log")"
for f in argv env modules; do
	tr -d '\r' <"$log" | grep -aqE " $f\$" || fail "the listing of /etc/lvm lacks $f: $(tail -c 600 "$log")"
done
[ "$(tr -d '\r' <"$log" | awk '$NF == "modules" { print $5 }')" = 0 ] ||
	fail "/etc/lvm/modules is not empty: $(tr -d '\r' <"$log" | grep -a ' modules$')"
grep -a "lvm-init: cannot" "$log" && fail "lvm-init reported an error"
info "boot to init: $(tr -d '\r' <"$log" | grep -a 'lvm-init: up ' | sed 's/.*lvm-init: //')"
wait_for 30 lvm_gone lsvm-tiny || fail "lsvm-tiny did not power off: $(lvm info lsvm-tiny 2>&1)"
[ "$(hv_domain_count)" = "$before" ] || fail "domains left: $(xl list)"
info "the tailored kernel booted, ran ls, powered off; no module carried; no domain left"
echo "build-linux-tiny: ok"
