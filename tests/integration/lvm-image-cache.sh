#!/bin/bash
# lvmd's image cache past its byte cap with slots still empty (it used to
# spin forever there): guests of two 40 MiB images, and lvmd answers
# after each.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
d=$LVMD_STATE

# hello.xen with zeros after it up to 40 MiB: still the same ELF.
for i in 1 2; do
	cp "$img" "$d/big$i.xen" && truncate -s 40M "$d/big$i.xen" ||
		fail "cannot make big$i.xen"
	timeout 60 lvm create "$d/big$i.xen" --name big$i >/dev/null ||
		fail "create big$i"
	timeout 10 lvm list >/dev/null || fail "lvmd does not answer after big$i"
done
for i in 1 2; do
	lvm destroy big$i >/dev/null 2>&1   # gone already if it shut down
done
info "two 40 MiB images: lvmd answered after each"
