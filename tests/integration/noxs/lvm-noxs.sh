#!/bin/bash
# lvm without XenStore: in a dom0 where neither xenstored nor xenconsoled
# runs (xenbox --no-xenstore), lvmd gets VIRQ_DOM_EXC for itself, creates
# guests, serves their consoles, reaps them and lists the hypervisor's
# domains.
. "$(dirname "$0")/../lib.sh"

[ "${LVM_NO_XENSTORE:-0}" = 1 ] || fail "not in a box without XenStore (xenbox --no-xenstore)"
pidof xenstored >/dev/null && fail "xenstored runs"
pidof xenconsoled >/dev/null && fail "xenconsoled runs"
img=$LVM_BUILD/guests/hello.xen
line="hello: Hello from an lvm guest"
lvmd_start
grep -q "VIRQ_DOM_EXC is held" "$LVMD_STATE/lvmd.log" &&
	fail "lvmd could not bind VIRQ_DOM_EXC: $(cat "$LVMD_STATE/lvmd.log")"
info "lvmd holds VIRQ_DOM_EXC"
before=$(hv_domain_count)
[ "$before" -ge 1 ] || fail "lvm list --all shows no domain"

out=$(lvm create "$img" --name h1 --timing) || fail "create: $out"
printf '%s\n' "$out" | sed 's/^/    /'
wait_for 30 lvm_gone h1 || fail "h1 not reaped"
lvm_console_has h1 "$line" || fail "h1's line not in its log"
info "h1 ran, wrote its line, was reaped on VIRQ_DOM_EXC"

cat >"$LVMD_STATE/h2.cfg" <<EOT
name = "h2"
kernel = "$img"
on_poweroff = "preserve"
EOT
lvm create "$LVMD_STATE/h2.cfg" >/dev/null || fail "create h2"
out=$(timeout 20 lvm console h2 </dev/null) || fail "lvm console h2 failed"
grep -qF "$line" <<<"$out" || fail "lvm console h2: $out"
lvm list --all | sed 's/^/    /'
lvm destroy h2 || fail "destroy h2"

lvm create "$img" --name n1 --noxs --paused >/dev/null || fail "create n1 --noxs"
lvm info n1 | grep -q "^devices: *noxs device page" || fail "n1 has no device page: $(lvm info n1)"
lvm destroy n1 || fail "destroy n1"
info "n1: noxs device page"

# An image without the noxs note needs XenStore mode: refused at once, in
# one line, with nothing left behind.
lvm create "$LVM_BUILD/guests/hello-plain.xen" --name p1 >"$LVMD_STATE/o" 2>"$LVMD_STATE/e"
one_line_error "$LVMD_STATE/o" "$LVMD_STATE/e" $? | sed 's/^/  /'
grep -q "xenstored is not reachable" "$LVMD_STATE/e" || fail "unexpected: $(cat "$LVMD_STATE/e")"
wait_for 10 eval "[ \"\$(hv_domain_count)\" = $before ]" ||
	fail "$before domains before, $(hv_domain_count) after"
