#!/bin/bash
# Errors as values, end to end:
#   - a pool whose refill the engine refuses (its image is not an image,
#     then is missing) shows the reason in `lvm pool` (a line under its
#     row) and in `lvm pool --json` ("error"); lvmd logs it once when it
#     starts and once when it changes, not at every retry (one a second);
#     once the file is a good image the pool fills and the error is gone;
#   - an engine failure reaches the `lvm create` caller as exactly one
#     line on stderr, non-zero, with the engine's own reason: an ELF the
#     image loader refuses, and one the domain builder refuses (its
#     XEN_VERSION note says xen-9.9); nothing is left behind.
. "$(dirname "$0")/lib.sh"

noop=$LVM_BUILD/guests/noop.xen
hello=$LVM_BUILD/guests/hello.xen
[ -f "$noop" ] && [ -f "$hello" ] || fail "no guest images"
img=/tmp/lvm-errors-pool.xen
junk=/tmp/lvm-errors-junk.xen
bad=/tmp/lvm-errors-xen99.xen
rm -f "$img" "$junk" "$bad"
printf 'not a kernel\n' >"$img"

# refills: how many times lvmd logged a failed refill of pool 4x1.
refills() { grep -c 'pool 4 MiB x 1 vCPUs: refill failed' "$LVMD_STATE/lvmd.log"; }
# pool_error: pool 4x1's "error" in lvm pool --json (json_field stops at
# a comma; a reason may have one).
pool_error() { lvm pool --json | sed -n 's/^ *"error": *"\(.*\)",\{0,1\}$/\1/p'; }
pool_error_is() { [ "$(pool_error)" = "$1" ]; }

lvmd_start -c /dev/null
start=$(hv_domain_count)
lvmd_stop
# lvmd takes a pool image given at start as it is (no check): the refill
# thread meets the bad file.
lvmd_start -c /dev/null -P "4:1:2:$img"

want="image $img: not an x86_64 ELF with Xen notes, nor a bzImage: Exec format error"
wait_for 20 pool_error_is "$want" || fail "no refill error in lvm pool --json: $(lvm pool --json)"
lvm pool | grep -qF "refill failed: $want" || fail "no refill error in lvm pool: $(lvm pool)"
lvm pool | sed 's/^/    /'
# The thread retries every second; the log has the reason once.
sleep 4
[ "$(pool_col 4x1 4)" = 0 ] || fail "a shell from a bad image: $(lvm pool)"
[ "$(refills)" = 1 ] || fail "logged $(refills) times, want once: $(grep 'refill failed' "$LVMD_STATE/lvmd.log")"
info "refill error shown, logged once in 4 s"

# Another reason: shown, and logged once more.
rm -f "$img"
want="image $img: cannot open: No such file or directory"
wait_for 20 pool_error_is "$want" || fail "the error did not change: $(lvm pool --json)"
sleep 3
[ "$(refills)" = 2 ] || fail "logged $(refills) times, want twice: $(grep 'refill failed' "$LVMD_STATE/lvmd.log")"
info "a new reason: shown, logged once more"

# A good image at that path: the pool fills, the error is gone.
cp "$noop" "$img"
wait_for 30 pool_ready_is 4x1 2 || fail "no refill from a good image: $(lvm pool)"
[ -z "$(pool_error)" ] || fail "error still shown: $(lvm pool --json)"
! lvm pool | grep -q 'refill failed' || fail "error still in the table: $(lvm pool)"
info "good image: pool full, no error"
lvm pool set 4x1 0 || fail "cannot drain the pool"

# create_fails WHAT NAME IMAGE TEXT: `lvm create IMAGE` fails in exactly one
# line holding TEXT, and the guest is not there.
create_fails() {
	local out=/tmp/lvm-errors.out err=/tmp/lvm-errors.err rc line
	lvm create "$3" --name "$2" >"$out" 2>"$err"
	rc=$?
	line=$(one_line_error "$out" "$err" $rc) || fail "$1: ${line#FAIL: }"
	grep -qF "$4" <<<"$line" || fail "$1: not the engine's reason: $line"
	lvm_gone "$2" || fail "$1: $2 was left behind"
	info "$1: $line"
	rm -f "$out" "$err"
}

# The image loader refuses an ELF without Xen notes.
printf '\177ELF but nothing else' >"$junk"
create_fails "loader" junk "$junk" \
	"image $junk: not an x86_64 ELF with Xen notes, nor a bzImage: Exec format error"
# The domain builder refuses an image built for another Xen.
LC_ALL=C sed 's/xen-3\.0/xen-9.9/g' "$hello" >"$bad"
cmp -s "$hello" "$bad" && fail "could not patch $hello"
create_fails "builder" xen99 "$bad" \
	"$bad: image rejected: its XEN_VERSION note is not xen-3.0 (built for another Xen interface)"

# Nothing left behind: the domains of before, exactly.
wait_for 20 eval "[ \"\$(hv_domain_count)\" = $start ]" ||
	fail "domains: $(hv_domain_count), want $start"
rm -f "$img" "$junk" "$bad"
