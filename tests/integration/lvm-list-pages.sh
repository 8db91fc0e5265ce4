#!/bin/bash
# lvm list across several replies: lvmd answers a list in pages of at most
# 48 KiB of guests (a protocol message is at most 64 KiB), and liblvm asks
# for the next page until there is none. 30 guests with 3000-character
# command lines take three pages; every one of them is listed, once, in
# domain order.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
long=$(printf 'x%.0s' $(seq 1 3000))
for i in $(seq 1 30); do
	lvm create "$img" --name "g$i" --paused --cmdline "$long" >/dev/null ||
		fail "create g$i"
done
names=$(lvm list | awk 'NR > 1 { print $1 }')
[ "$(wc -l <<<"$names")" = 30 ] || fail "lvm list shows $(wc -l <<<"$names") guests, not 30"
[ "$(sort -u <<<"$names" | wc -l)" = 30 ] || fail "lvm list repeats guests"
ids=$(lvm list | awk 'NR > 1 { print $2 }')
[ "$ids" = "$(sort -n <<<"$ids")" ] || fail "lvm list is not in domain order"
[ "$(lvm list --json | json_field cmdline | wc -l)" = 30 ] || fail "--json lacks guests"
info "30 guests of about 3.2 KiB each listed in domain order"
