#!/bin/bash
# Boots guests/hello with the stock toolstack (`xl create`), checks that its
# line reaches the console and that the domain is gone afterwards.
. "$(dirname "$0")/lib.sh"

name=hello-xl-$$
img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
cfg=$(mktemp)
trap 'rm -f "$cfg"; xl destroy "$name" >/dev/null 2>&1' EXIT
cat >"$cfg" <<EOT
name = "$name"
kernel = "$img"
memory = 4
vcpus = 1
on_poweroff = "destroy"
on_crash = "preserve"
EOT
xl create -q "$cfg" || fail "xl create failed"
info "created $name"
wait_for 30 console_has "$name" "hello: Hello from an lvm guest" ||
	fail "hello's line never reached its console ($(console_log "$name"): $(cat "$(console_log "$name")" 2>/dev/null | tr -d '\r' | head -c 300))"
info "console: $(grep -F hello: "$(console_log "$name")" | tr -d '\r')"
wait_for 30 domain_gone "$name" ||
	fail "domain $name still exists after poweroff: $(xl list "$name" 2>&1 | tail -n 1)"
info "domain gone"
