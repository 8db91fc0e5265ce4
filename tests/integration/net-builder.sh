#!/bin/bash
# Our own PV builder (toolstack/engine/pvbuild.c), through lvmd, at the
# least memory each guest needs:
#   - noop in 1 MiB runs (ready mark), and Xen counts 1 MiB for it;
#   - hello in 1 MiB prints its line and powers off;
#   - httpd, the largest image we build (about 1 MiB), in 2 MiB (its
#     manifest's floor) with a vif, answers HTTP;
#   - a pool built ahead for noop at 1 MiB gives a running guest;
#   - fat (a 1 MiB floor, 2 MiB of .bss) in 1 MiB: the build fails with
#     one line, and leaves no domain, record, TAP or pool shell.
# In the network's box (it needs lvmd's bridge); about 25 s in a
# loaded box.
. "$(dirname "$0")/lib.sh"

G=$LVM_BUILD/guests
for f in noop hello httpd fat; do
	[ -f "$G/$f.xen" ] || fail "no guest image $G/$f.xen (make)"
done
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
lvmd_start -c /dev/null
before=$(hv_domain_count)

out=$(lvm create "$G/noop.xen" --memory 1 --name b-noop --timing 2>&1) ||
	fail "noop in 1 MiB: $out"
grep -qE '^  ready +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "noop not ready: $out"
info "noop in 1 MiB: $(grep -E '^  (build|ready)' <<<"$out" | tr -s ' ' | tr '\n' ' ')"
d=$(lvm info b-noop | sed -n 's/^domid: *//p')
[ -n "$d" ] || fail "no domid: $(lvm info b-noop)"
mem=$(xl list | awk -v d="$d" '$2 == d { print $3 }')
[ "$mem" = 1 ] || fail "xl list shows $mem MiB for noop d$d: $(xl list)"
info "xl list: noop d$d has $mem MiB"

out=$(lvm create "$G/hello.xen" --memory 1 --name b-hello 2>&1) ||
	fail "hello in 1 MiB: $out"
wait_for 20 lvm_console_has b-hello "Hello from an lvm guest" ||
	fail "hello's line not on its console: $(cat "$(lvm_console_log b-hello)" 2>&1)"
info "hello in 1 MiB: $(grep -m 1 Hello "$(lvm_console_log b-hello)")"

out=$(lvm create "$G/httpd.xen" --memory 2 --name b-web --vif '' 2>&1) ||
	fail "httpd in 2 MiB: $out"
WEB=$(lvm info b-web | grep -oE '198\.(18|19)\.[0-9]+\.[0-9]+' | grep -v '^198\.18\.0\.1$' | head -n 1)
[ -n "$WEB" ] || fail "lvm info b-web shows no address: $(lvm info b-web)"
wait_for 30 ping -c 1 -W 1 "$WEB" >/dev/null ||
	fail "httpd ($WEB) does not answer ping: $(cat "$(lvm_console_log b-web)")"
body=$(curl -s --max-time 10 "http://$WEB/") || fail "curl http://$WEB/ failed"
[ -n "$body" ] || fail "httpd in 2 MiB: empty page"
info "httpd in 2 MiB with a vif: a page of ${#body} bytes"

out=$(lvm pool set 1x1 1 "$G/noop.xen" 2>&1) || fail "pool set: $out"
wait_for 30 pool_ready_is 1x1 1 || fail "no shell built ahead: $(lvm pool)"
out=$(lvm create "$G/noop.xen" --memory 1 --name b-warm --timing 2>&1) ||
	fail "noop from the pool: $out"
grep -q '^  pool  *hit' <<<"$out" || fail "not from the pool: $out"
grep -qE '^  ready +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "warm noop not ready: $out"
info "noop from a pool built ahead at 1 MiB: ready"
lvm pool set 1x1 0 >/dev/null 2>&1 || fail "pool set 1x1 0"

n=$(hv_domain_count)
t=$(taps)
r=$(records | wc -l)
out=$(lvm create "$G/fat.xen" --memory 1 --name b-fat 2>&1) &&
	fail "fat in 1 MiB was built: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
grep -q "does not fit in 1024 KiB" <<<"$out" || fail "wrong line: $out"
info "fat in 1 MiB: $out"
[ "$(hv_domain_count)" = "$n" ] || fail "a failed build left a domain"
[ "$(taps)" = "$t" ] || fail "a failed build left a TAP"
[ "$(records | wc -l)" = "$r" ] || fail "a failed build left a record"
lvm info b-fat >/dev/null 2>&1 && fail "lvm knows b-fat"

for g in b-noop b-web b-warm; do lvm destroy "$g" || fail "destroy $g"; done
lvm destroy b-hello >/dev/null 2>&1
count_is() { [ "$(hv_domain_count)" = "$1" ]; }
wait_for 10 count_is "$before" || fail "domains left: $(lvm list --all)"
