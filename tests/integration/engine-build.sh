#!/bin/bash
# Builds guests with liblvm's engine alone (lvm-engine-try: prepare, finish,
# unpause; no libxl, no XenStore) and with the bare libxenguest baseline
# (lvm-bare-build), and checks that:
#   - hello (which carries a noxs note) gets its device page written,
#     readable from dom0 at the MFN the engine reports, runs, writes its
#     line on the console ring the builder set up, powers off, and is gone
#     once destroyed;
#   - hello-plain (hello without its noxs note, as stock tools see a
#     guest) does the same without a device page;
#   - 20 bare builds and 20 engine builds in a row succeed and leave no
#     domain behind. Their times are printed (not asserted). Each guest is
#     destroyed once timed: nothing reads these guests' consoles, so hello
#     would spin flushing its console and slow the next creations down.
. "$(dirname "$0")/lib.sh"

for img in hello hello-plain; do
	[ -f "$LVM_BUILD/guests/$img.xen" ] || fail "no guest image $img.xen"
done
before=$(domain_count)

# shown CMD...: run CMD, show its output indented, fail unless it exits 0;
# its output stays in $out for the checks.
shown() {
	local rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/  /'
	[ $rc -eq 0 ] || fail "$1 failed (status $rc): $*"
}
# expect PATTERN WHY: fail with WHY unless $out has a line matching PATTERN.
expect() { grep -q -- "$1" <<<"$out" || fail "$2"; }

shown lvm-engine-try -N engine-noxs --check-page --wait 30 --console \
	"$LVM_BUILD/guests/hello.xen"
expect "device page ok" "device page not checked"
expect "console: .*hello: Hello from an lvm guest" "hello's line is not on its console ring"
expect "(poweroff)" "hello did not power off"
expect "destroyed, gone" "hello not destroyed"

shown lvm-engine-try -N engine-hello --check-page --wait 30 --console \
	"$LVM_BUILD/guests/hello-plain.xen"
expect "no device page" "hello got a device page"
expect "console: .*hello: Hello from an lvm guest" "hello's line is not on its console ring"

# A domain the engine made shows in xl's list while it exists.
out=$(lvm-engine-try --keep "$LVM_BUILD/guests/hello.xen" 2>&1) ||
	fail "lvm-engine-try --keep failed: $out"
domid=$(sed -n 's/^d\([0-9]*\): prepare.*/\1/p' <<<"$out")
[ -n "$domid" ] || fail "no domid in: $out"
xl list | awk -v d="$domid" '$2 == d { found = 1 } END { exit !found }' ||
	fail "d$domid not in xl list: $(xl list)"
info "d$domid listed by xl"
lvm-engine-try --destroy "$domid" >/dev/null || fail "cannot destroy d$domid"
wait_for 10 bash -c "! xl list | awk -v d=$domid '\$2 == d { f = 1 } END { exit !f }'" ||
	fail "d$domid still listed after destroy"
info "d$domid gone from xl list"

shown lvm-bare-build -n 20 -v -D "$LVM_BUILD/guests/hello.xen"
expect "^bare-build: n=20 " "no bare-build summary"

out=$(lvm-engine-try -n 20 --destroy-each "$LVM_BUILD/guests/hello.xen" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E "^engine:|^d[0-9]+: prepare" | sed 's/^/  /'
[ $rc -eq 0 ] || fail "lvm-engine-try -n 20 failed (status $rc): $(tail -n 3 <<<"$out")"

wait_for 10 test "$(domain_count)" -eq "$before" ||
	fail "domains left behind: $(xl list)"
info "no domain left behind"
