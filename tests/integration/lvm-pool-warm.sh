#!/bin/bash
# Pools built ahead for an image (lvmd -P MEM:VCPUS:N:IMAGE, lvm pool set
# SHAPE N IMAGE):
#   - the pool shows its image and fills with shells built for it;
#   - a create of that image hits, and the guest gets the request's own
#     name (device page) and command line (start info): hello prints both;
#     noop reaches READY;
#   - a create of another image of that shape misses and still works, and
#     so does one with a ramdisk;
#   - the file changing (touch) retires the shells built from it: the next
#     create misses, the pool refills, the one after hits;
#   - a pool image that is not a noxs image is refused in one line;
#   - after lvm pool set ... 0 and destroying the guests, the hypervisor
#     holds exactly the domains it held before, and lvmd exactly the
#     foreign mappings (privcmd entries of its maps) an lvmd with no pool
#     holds: a guest from a shell built ahead took that shell's mappings
#     (console ring and device page, start info) and dropped them.
. "$(dirname "$0")/lib.sh"

noop=$LVM_BUILD/guests/noop.xen
hello_src=$LVM_BUILD/guests/hello.xen
[ -f "$noop" ] && [ -f "$hello_src" ] || fail "no guest images"
# A copy of hello of our own, so that touching it changes nothing else.
hello=/tmp/lvm-pool-warm-hello.xen
cp "$hello_src" "$hello"

hit_of() { lvm create "$@" --json --timing | json_field pool_hit; }
maps() { grep -c privcmd "/proc/$LVMD_PID/maps"; }

lvmd_start -c /dev/null
start=$(hv_domain_count)
maps0=$(maps)
lvmd_stop
lvmd_start -c /dev/null -P "4:1:2:$hello"
wait_for 20 pool_ready_is 4x1 2 || fail "pool 4x1 not warm: $(lvm pool)"
[ "$(pool_col 4x1 8)" = "$hello" ] || fail "pool image: $(lvm pool)"
lvm pool | sed 's/^/    /'

# A hit: the guest says the name and command line of this request.
[ "$(hit_of "$hello" --name warm-a --cmdline "mode=warm n=1")" = true ] ||
	fail "warm-a did not hit: $(lvm pool)"
wait_for 20 lvm_console_has warm-a "hello: name 'warm-a', cmdline 'mode=warm n=1'" ||
	fail "warm-a: not its name or command line: $(cat "$(lvm_console_log warm-a)")"
wait_for 20 pool_ready_is 4x1 2 || fail "no refill: $(lvm pool)"
[ "$(hit_of "$hello" --name warm-b)" = true ] || fail "warm-b did not hit"
wait_for 20 lvm_console_has warm-b "hello: name 'warm-b', cmdline ''" ||
	fail "warm-b: $(cat "$(lvm_console_log warm-b)")"
info "hits: warm-a and warm-b said their own name and command line"

# Another image of the shape, and a ramdisk: misses, both work.
[ "$(hit_of "$noop" --name other-1)" = false ] || fail "noop hit hello's pool"
[ "$(lvm_state other-1)" = running ] || fail "other-1 is $(lvm_state other-1)"
[ "$(hit_of "$hello" --name rd-1 --ramdisk "$noop")" = false ] ||
	fail "a ramdisk create hit a pool built ahead"
misses=$(pool_col 4x1 7)
[ "$misses" = 2 ] || fail "misses $misses, want 2: $(lvm pool)"

# The file changes: the shells built from the old one are retired.
wait_for 20 pool_ready_is 4x1 2 || fail "pool not full: $(lvm pool)"
touch "$hello"
[ "$(hit_of "$hello" --name after-touch)" = false ] ||
	fail "a shell built from the old file was used"
wait_for 20 pool_ready_is 4x1 2 || fail "no refill after the change: $(lvm pool)"
[ "$(hit_of "$hello" --name after-refill)" = true ] ||
	fail "no hit after the refill: $(lvm pool)"
wait_for 20 lvm_console_has after-refill "hello: name 'after-refill'" ||
	fail "after-refill: $(cat "$(lvm_console_log after-refill)")"
info "a changed file retired the pool; refilled from the new one"

# noop from a pool built for it reaches READY.
lvm pool set 4x1 1 "$noop" || fail "pool set with noop"
wait_for 20 pool_ready_is 4x1 1 || fail "noop pool: $(lvm pool)"
out=$(lvm create "$noop" --name warm-noop --timing) || fail "warm-noop: $out"
grep -q '^  pool  *hit' <<<"$out" || fail "warm-noop did not hit: $out"
grep -qE '^  ready +[0-9]+\.[0-9]+ ms' <<<"$out" || fail "warm-noop not ready: $out"

# Not a noxs image: one line, non-zero, the pool unchanged.
if err=$(lvm pool set 4x1 3 "$0" 2>&1); then
	fail "a non-image was accepted as a pool image"
fi
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "not one line: $err"
[ "$(pool_col 4x1 3)" = 1 ] || fail "target changed: $(lvm pool)"
info "refused: $err"

# Drained, guests gone: what was there before, exactly.
lvm pool set 4x1 0 || fail "drain"
wait_for 20 pool_ready_is 4x1 0 || fail "not drained: $(lvm pool)"
for g in $(lvm_names); do lvm destroy "$g" || fail "destroy $g"; done
wait_for 20 eval "[ \"\$(hv_domain_count)\" -eq $start ]" ||
	fail "$(hv_domain_count) domains, $start before"
[ "$(maps)" = "$maps0" ] ||
	fail "lvmd holds $(maps) foreign mappings, $maps0 with no pool: $(grep privcmd "/proc/$LVMD_PID/maps")"
info "foreign mappings of lvmd: $(maps), as with no pool"
rm -f "$hello"
echo "PASS"
