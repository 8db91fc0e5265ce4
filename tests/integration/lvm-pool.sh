#!/bin/bash
# lvmd's shell pools (lvmd -P, lvm pool, lvm pool set):
#   - a warm pool shows ready == target;
#   - a create of the pool's shape takes a shell (a hit, a claim phase in
#     --timing), another shape goes cold (a miss of "other");
#   - 8 concurrent creates drain it faster than it refills: all succeed
#     with unique names and domain ids, hits + misses count all 8;
#   - lvm pool set changes a target, makes a new pool, drains one;
#   - a bad config file line: lvmd refuses to start with one line;
#   - no domain is left over: the start's count plus the shells.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"

# A bad line in the config file: one error, no lvmd.
mkdir -p /run/lvm-test
conf=/tmp/lvm-pool-test.conf
printf '# pools\npool 4 1 2\npool 4 x\n' >"$conf"
if lvmd -f -S /run/lvm-test/lvm-pool-badconf -c "$conf" >/tmp/lvm-pool.out 2>&1; then
	fail "lvmd started with a bad config line"
fi
[ "$(wc -l </tmp/lvm-pool.out)" = 1 ] || fail "not one line: $(cat /tmp/lvm-pool.out)"
grep -q "$conf:3: bad pool" /tmp/lvm-pool.out || fail "unclear error: $(cat /tmp/lvm-pool.out)"
info "bad config: $(cat /tmp/lvm-pool.out)"
printf 'pool 16 1 1   # one big one\n' >"$conf"

# The domains before: counted by an lvmd without pools.
lvmd_start -c /dev/null
start=$(hv_domain_count)
lvmd_stop
lvmd_start -P 4:1:4 -c "$conf"
wait_for 20 pool_ready_is 4x1 4 || fail "pool 4x1 not warm: $(lvm pool)"
wait_for 20 pool_ready_is 16x1 1 || fail "pool 16x1 (config file) not warm: $(lvm pool)"
lvm pool | sed 's/^/    /'
lvm pool --json | grep -qE '"other_misses": ?0' || fail "pool --json: $(lvm pool --json)"
shells=$(hv_domain_count)
[ "$shells" -eq $((start + 5)) ] || fail "$shells domains with 5 shells ($start + 5 expected)"

out=$(lvm create "$img" --name p1 --timing) || fail "create p1: $out"
printf '%s\n' "$out" | sed 's/^/    /'
grep -q '^  pool  *hit' <<<"$out" || fail "p1 did not hit the pool"
grep -qE '^  claim +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "no claim phase"
grep -qE '^  ready +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "p1 not ready"
[ "$(pool_col 4x1 6)" = 1 ] || fail "hits: $(lvm pool)"
lvm create "$img" --name p1j --json --timing | grep -qE '"pool_hit": ?true' ||
	fail "no pool_hit in --json"
[ "$(lvm_state p1)" = running ] || fail "p1 is $(lvm_state p1)"

# Our library OS's images from the pool of the shape, whose shells had
# the hypercall page and vCPU 0's context made ahead: hello prints (its
# hypercalls go through the page Xen wrote ahead, kept as its image was
# copied); fat (2 MiB of .bss) does not fit below the tables made ahead,
# so vCPU 0 is reset, the tables unpinned, and it is built in the usual
# order: it runs too.
wait_for 20 pool_ready_is 4x1 4 || fail "pool 4x1 not refilled: $(lvm pool)"
out=$(lvm create "$LVM_BUILD/guests/hello.xen" --name ph --memory 4 --timing) || fail "create ph: $out"
grep -q '^  pool  *hit' <<<"$out" || fail "ph did not hit the pool: $out"
wait_for 20 lvm_console_has ph "Hello from an lvm guest" ||
	fail "hello from the pool: no line: $(cat "$(lvm_console_log ph)" 2>&1)"
wait_for 20 eval '! lvm info ph >/dev/null 2>&1' || fail "hello from the pool did not power off"
out=$(lvm create "$LVM_BUILD/guests/fat.xen" --name pf --memory 4 --timing) || fail "create pf: $out"
grep -q '^  pool  *hit' <<<"$out" || fail "pf did not hit the pool: $out"
wait_for 20 lvm_console_has pf "fat: up" ||
	fail "fat from the pool: no line: $(cat "$(lvm_console_log pf)" 2>&1)"
info "hello and fat from the pool of the shape: both ran"

out=$(lvm create "$img" --name p2 --memory 8 --timing) || fail "create p2: $out"
grep -q '^  pool  *miss' <<<"$out" || fail "p2 (8x1) did not miss"
[ "$(pool_col '(other)' 7)" = 1 ] || fail "other misses: $(lvm pool)"
[ "$(lvm info --json p2 | json_field memory_mb)" = 8 ] || fail "p2 memory"

# Drain: 8 at once against a pool of 4.
wait_for 20 pool_ready_is 4x1 4 || fail "pool 4x1 not refilled: $(lvm pool)"
h0=$(pool_col 4x1 6); m0=$(pool_col 4x1 7)
pids=()
for i in 1 2 3 4 5 6 7 8; do
	lvm create "$img" --name c$i --cmdline "n=$i" >/tmp/lvm-pool-c$i.out 2>&1 &
	pids+=($!)
done
for i in 0 1 2 3 4 5 6 7; do
	wait "${pids[$i]}" || fail "concurrent create c$((i + 1)): $(cat /tmp/lvm-pool-c$((i + 1)).out)"
done
ids=$(for i in 1 2 3 4 5 6 7 8; do lvm_domid c$i; done | sort -u | wc -l)
[ "$ids" = 8 ] || fail "8 creates, $ids distinct domain ids"
h1=$(pool_col 4x1 6); m1=$(pool_col 4x1 7)
[ $((h1 - h0 + m1 - m0)) = 8 ] || fail "hits $h0->$h1 misses $m0->$m1 for 8 creates"
info "8 concurrent creates: $((h1 - h0)) hits, $((m1 - m0)) misses"
for i in 1 2 3 4 5 6 7 8; do
	[ "$(lvm_state c$i)" = running ] || fail "c$i is $(lvm_state c$i)"
done

# Targets at run time.
lvm pool set 4x1 2 || fail "pool set 4x1 2"
wait_for 20 pool_ready_is 4x1 2 || fail "4x1 not down to 2: $(lvm pool)"
lvm pool set 6x2 3 || fail "pool set 6x2 3"
wait_for 20 pool_ready_is 6x2 3 || fail "new pool 6x2 not warm: $(lvm pool)"
out=$(lvm create "$img" --name p3 --memory 6 --vcpus 2 --timing) || fail "create p3"
grep -q '^  pool  *hit' <<<"$out" || fail "p3 (6x2) did not hit"
[ "$(lvm info --json p3 | json_field vcpus)" = 2 ] || fail "p3 vcpus"
lvm pool set 6x2 0 || fail "drain 6x2"
lvm pool set 16x1 0 || fail "drain 16x1"
wait_for 20 pool_ready_is 6x2 0 || fail "6x2 not drained: $(lvm pool)"
wait_for 20 pool_ready_is 16x1 0 || fail "16x1 not drained: $(lvm pool)"
out=$(lvm pool set 4x0 1 2>&1) && fail "pool set 4x0 accepted"
[ "$(wc -l <<<"$out")" = 1 ] && [[ $out == lvm:* ]] || fail "not one line: $out"
out=$(lvm pool set 0x1 1 2>&1) && fail "pool set 0x1 (below the minimum, 1 MiB) accepted"
info "refused: $out"
lvm pool | sed 's/^/    /'

for g in $(lvm_names); do lvm destroy "$g" || fail "destroy $g"; done
# the start's domains + the 2 shells left in 4x1 (the others drained)
end=$((start + 2))
wait_for 10 eval "[ \"\$(hv_domain_count)\" = $end ]" ||
	fail "$end domains expected at the end, $(hv_domain_count): $(lvm list --all)"
# A stopping lvmd destroys its shells.
lvmd_stop
lvmd_start -c /dev/null
wait_for 10 eval "[ \"\$(hv_domain_count)\" = $start ]" ||
	fail "$start domains expected after lvmd stopped, $(hv_domain_count)"
echo "PASS"
