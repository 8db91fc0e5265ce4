#!/bin/bash
# lvm build --linux: the minimal Linux VM of guests/lsvm (the box's kernel,
# an initramfs with only /bin/ls's closure, a data file, xen-netfront and
# lvm's init), built on the host by make, booted by lvm create from the
# config lvm build wrote:
#   - lvm's init loads the module, runs ls with the manifest's arguments
#     and environment, prints its exit status and powers the VM off;
#   - the listing shows what the generator put in /etc/lvm;
#   - the guest is gone afterwards: nothing left behind.
. "$(dirname "$0")/lib.sh"

cfg=$LVM_BUILD/guests/lsvm.cfg
[ -f "$cfg" ] || fail "no $cfg (make deps && make)"
# The config names its files by the host's paths; here the build tree is
# $LVM_BUILD.
box_cfg=$(mktemp /tmp/lsvm.XXXXXX)
trap 'rm -f "$box_cfg"' EXIT
sed -e "s|^kernel = \".*/|kernel = \"$LVM_BUILD/guests/|" \
	-e "s|^ramdisk = \".*/|ramdisk = \"$LVM_BUILD/guests/|" "$cfg" >"$box_cfg"
lvmd_start
before=$(hv_domain_count)

out=$(lvm create "$box_cfg" 2>&1) || fail "lvm create $cfg: $out"
info "$out"
wait_for 60 lvm_console_has lsvm "lvm-init: /bin/ls exited with status" ||
	fail "no exit line from lvm-init: $(tail -c 800 "$(lvm_console_log lsvm)" 2>/dev/null)"
log=$(lvm_console_log lsvm)
grep -aqF "lvm-init: /bin/ls exited with status 0" "$log" ||
	fail "ls did not succeed: $(grep -a 'lvm-init' "$log")"
for f in argv env modules; do
	tr -d '\r' <"$log" | grep -aqE " $f\$" || fail "the listing of /etc/lvm lacks $f: $(tail -c 600 "$log")"
done
grep -a "lvm-init: cannot" "$log" && fail "lvm-init reported an error"
info "the VM ran ls: $(tr -d '\r' <"$log" | grep -a ' modules$')"
info "boot to init: $(tr -d '\r' <"$log" | grep -a 'lvm-init: up ' | sed 's/.*lvm-init: //')"
wait_for 30 lvm_gone lsvm || fail "lsvm did not power off: $(lvm info lsvm 2>&1)"
[ "$(hv_domain_count)" = "$before" ] || fail "domains left: $(xl list)"
info "powered off with its program; no domain left"
echo "build-linux: ok"
