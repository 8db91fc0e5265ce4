#!/bin/bash
# Images built by lvm build carry their manifest in an application note,
# and lvm create honours it:
#   - the memory floor: less is refused in one line, nothing left; the
#     floor itself is accepted;
#   - a needed vif: daytime created with no vif gets one on the default
#     bridge and answers on it;
#   - a vif given to an application that needs none: a warning, the
#     guest still created;
#   - a needed vif that cannot be given (lvmd's bridge missing, creation
#     off): one error line, nothing left;
#   - lvm info shows the application's name, version and build id, also
#     after an lvmd restart (the record keeps them).
. "$(dirname "$0")/lib.sh"

G=$LVM_BUILD/guests
for f in floor8 daytime hello; do
	[ -f "$G/$f.xen" ] || fail "no $G/$f.xen (make)"
done
lvmd_start
before=$(hv_domain_count)

# The floor.
out=$(lvm create "$G/floor8.xen" 2>&1) && fail "4 MiB under floor8's floor of 8 was accepted: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
grep -q "needs at least 8 MiB, its manifest's floor; 4 MiB asked" <<<"$out" || fail "wrong line: $out"
[ "$(hv_domain_count)" = "$before" ] || fail "a refused create left a domain"
[ -z "$(ls "$LVMD_STATE/registry" 2>/dev/null)" ] || fail "a refused create left a record"
info "under the floor: $out"
lvm create "$G/floor8.xen" --memory 8 --name f8 >/dev/null || fail "floor8 at its floor"
lvm info f8 | grep -qE '^app: +floor8 2\.5 \(lvm build, build id [0-9a-f]{64}\)$' ||
	fail "lvm info f8 shows no app: $(lvm info f8)"
info "$(lvm info f8 | grep '^app:')"

# A needed vif, made.
lvm create "$G/daytime.xen" --name d1 >/dev/null || fail "daytime without a vif"
line=$(lvm info d1 | grep '^vif0:') || fail "daytime got no vif: $(lvm info d1)"
ip=$(sed -n 's/.*ip=\([0-9.]*\)\/.*/\1/p' <<<"$line")
[ -n "$ip" ] || fail "no address in: $line"
info "daytime got $line"
got=
for i in $(seq 1 100); do
	got=$(nc -w 2 "$ip" 13 2>/dev/null | head -n 1) && [ -n "$got" ] && break
	sleep 0.2
done
[ -n "$got" ] || fail "daytime at $ip did not answer"
info "it answers: $got"

# A vif given to an application that needs none.
err=$(lvm create "$G/hello.xen" --name h1 --vif '' 2>&1 >/dev/null) || fail "hello with a vif: $err"
grep -qx "lvm: warning: hello's manifest needs no vif: its 1 vif will not be used" <<<"$err" ||
	fail "no warning for an unused vif: '$err'"
info "unused vif: $err"

# The record keeps the application across a restart.
lvmd_stop
LVMD_KEEP_STATE=1 lvmd_start
lvm info f8 | grep -qE '^app: +floor8 2\.5' || fail "after a restart: $(lvm info f8)"
info "after an lvmd restart: $(lvm info f8 | grep '^app:')"
for g in f8 d1 h1; do lvm destroy "$g" >/dev/null 2>&1; done
wait_for 20 test "$(hv_domain_count)" = "$before" || fail "domains left: $(xl list)"

# A needed vif that cannot be given: the bridge missing, creation off.
lvmd_stop
lvmd_start -b lvmnobr9 -N
out=$(lvm create "$G/daytime.xen" --name d2 2>&1) && fail "daytime created with no bridge: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
grep -q lvmnobr9 <<<"$out" || fail "the line does not name the bridge: $out"
[ "$(hv_domain_count)" = "$before" ] || fail "a refused create left a domain"
ip -o link show lvmnobr9 >/dev/null 2>&1 && fail "the bridge was made although creation is off"
info "no bridge: $out"
echo "build-apps: ok"
