#!/bin/bash
# XenStore compatibility mode: a stock Debian Linux PV kernel (a bzImage,
# no noxs note) with a tiny busybox initramfs, created by lvm:
#   - chosen automatically (no noxs note), and by --xenstore;
#   - the guest boots and prints on its console (served by lvmd);
#   - `xl list` shows it by name (its XenStore tree is there);
#   - `lvm shutdown` asks it through control/shutdown; it powers off, is
#     reaped, and its XenStore tree is gone;
#   - no domain is left behind.
. "$(dirname "$0")/lib.sh"

kernel=$LVM_BUILD/guests/linux.vmlinuz
initrd=$LVM_BUILD/guests/linux-tiny.cpio.gz
[ -f "$kernel" ] && [ -f "$initrd" ] || fail "no stock Linux guest (make deps && make)"
lvmd_start
before=$(hv_domain_count)

out=$(lvm create "$kernel" --ramdisk "$initrd" --name lin --memory 96 \
	--cmdline "console=hvc0 quiet linux.wait" --timing) ||
	fail "lvm create of a stock Linux kernel: $out"
printf '%s\n' "$out" | sed 's/^/    /'
wait_for 60 lvm_console_has lin "linux-guest: waiting" ||
	fail "the Linux guest printed nothing: $(tail -c 600 "$(lvm_console_log lin)" 2>/dev/null)"
info "console: $(grep -F 'linux-guest: up' "$(lvm_console_log lin)" | tr -d '\r')"
lvm info lin | grep -q '^devices: .*xenstore' || fail "info: $(lvm info lin)"
domid=$(lvm_domid lin)
xl list | awk '{ print $1 }' | grep -qx lin || fail "xl list does not show lin: $(xl list)"
info "xl list shows lin (domain $domid)"
[ "$(xenstore-read /local/domain/$domid/name)" = lin ] || fail "no name in XenStore"

t0=$(now_us)
lvm shutdown -t 30 lin || fail "lvm shutdown lin"
info "shutdown through XenStore took $((($(now_us) - t0) / 1000)) ms"
lvm_gone lin || fail "lin still managed after shutdown"
hv_gone_domid "$domid" || fail "domain $domid still exists"
xenstore-exists /local/domain/$domid 2>/dev/null && fail "XenStore tree of $domid left behind"

# --xenstore on a noxs image: it gets a XenStore tree too.
lvm create "$LVM_BUILD/guests/noop.xen" --name nx --xenstore >/dev/null ||
	fail "create --xenstore of noop"
domid=$(lvm_domid nx)
[ "$(xenstore-read /local/domain/$domid/name)" = nx ] || fail "no tree for nx"
lvm destroy nx || fail "destroy nx"
xenstore-exists /local/domain/$domid 2>/dev/null && fail "tree of nx left behind"

after=$(hv_domain_count)
[ "$after" = "$before" ] || fail "$before domains before, $after after"
info "domains before and after: $before"
