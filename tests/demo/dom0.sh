#!/bin/bash
# tests/demo/dom0.sh — the main job, run in a dom0 (the box's or a real
# Xen host's): boot guests, show their console output and how long each
# creation took.
. "$(dirname "$0")/../integration/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img: run make"
echo "== $(xl info | awk -F': ' '/^xen_version/ { print "Xen " $2 }'), dom0 $(uname -r)"
cfg=$(mktemp)
for i in 1 2 3; do
	name=demo-hello-$i
	cat >"$cfg" <<EOT
name = "$name"
kernel = "$img"
memory = 4
on_poweroff = "destroy"
EOT
	t0=$(now_us)
	xl create -q "$cfg" || fail "xl create $name failed"
	t1=$(now_us)
	wait_for 30 console_has "$name" "hello:" || fail "$name printed nothing"
	t2=$(now_us)
	wait_for 30 domain_gone "$name" || fail "$name did not go away"
	printf '%-14s xl create %5d ms, console line after %5d ms: %s\n' "$name" \
		$(((t1 - t0) / 1000)) $(((t2 - t0) / 1000)) \
		"$(grep -F hello: "$(console_log "$name")" | tr -d '\r')"
done
rm -f "$cfg"
