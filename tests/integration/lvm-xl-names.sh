#!/bin/bash
# Xen's own tools see lvm's noxs guests (the names backend, xsname.c):
#   - with xenstored running, a noxs guest's name reaches
#     /local/domain/<domid>/name after its create: `xl list` and
#     `xentop -b` show it by name;
#   - it goes with the guest: after lvm destroy, /local/domain/<domid> is
#     gone and xl list no longer names it;
#   - the code holder of its image is named lvm-code-noop.xen, and its
#     name goes with it when lvmd stops (it destroys its holders);
#   - the pools' shells are named lvm-pool:IMAGE (built ahead) or
#     lvm-pool:MIBM (a shape's), with no request to lvmd after they were
#     made; a guest claimed from one has its own name, the refills are
#     named, and the shells' names go when lvmd stops, or, when it was
#     killed, when the next lvmd destroys its shells;
#   - with `-x` (xenstore_names no) nothing is written;
#   - a bad xenstore_names value in lvmd.conf: one line, lvmd does not
#     start.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
command -v xenstore-read >/dev/null || fail "no xenstore-read in this dom0"
xenstore-read /local/domain/0/domid >/dev/null 2>&1 || fail "xenstored is not running"
command -v xentop >/dev/null || fail "no xentop in this dom0"

xl_has() { xl list | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'; }
xl_lacks() { ! xl_has "$1"; }
xs_name_is() { [ "$(xenstore-read "/local/domain/$1/name" 2>/dev/null)" = "$2" ]; }
xs_gone() { ! xenstore-read "/local/domain/$1/name" >/dev/null 2>&1; }

lvmd_start
out=$(lvm create "$img" --name xn1) || fail "create xn1: $out"
d=$(lvm_domid xn1)
[ -n "$d" ] || fail "no domid for xn1"
wait_for 10 xs_name_is "$d" xn1 ||
	fail "/local/domain/$d/name is '$(xenstore-read /local/domain/$d/name 2>&1)', not xn1"
[ "$(xenstore-read "/local/domain/$d/domid")" = "$d" ] || fail "/local/domain/$d/domid is wrong"
xl_has xn1 || fail "xl list does not name xn1: $(xl list)"
info "xl list: $(xl list | awk '$1 == "xn1"')"
top=$(xentop -b -i 1 2>&1) || fail "xentop -b failed: $top"
grep -qE '^ *xn1 ' <<<"$top" || fail "xentop does not show xn1: $top"
info "xentop: $(grep -E '^ *xn1 ' <<<"$top" | tr -s ' ' | cut -c1-60)"
# The image's code holder (a handle 6c766d00-6364-…, uuid.h) by name.
hd=$(xl list -v | awk '$7 ~ /^6c766d00-6364-/ { print $2 }')
[ "$(wc -w <<<"$hd")" = 1 ] || fail "not one code holder: $(xl list -v)"
wait_for 10 xs_name_is "$hd" lvm-code-noop.xen ||
	fail "/local/domain/$hd/name is '$(xenstore-read /local/domain/$hd/name 2>&1)', not lvm-code-noop.xen"
xl_has lvm-code-noop.xen || fail "xl list does not name the holder: $(xl list)"
info "xl list: $(xl list | awk '$1 == "lvm-code-noop.xen"')"

lvm destroy xn1 || fail "destroy xn1"
wait_for 10 xs_gone "$d" || fail "/local/domain/$d stays after xn1 is gone"
xl_lacks xn1 || fail "xl list still names xn1"
info "gone from XenStore and xl list with the guest"
lvmd_stop
xs_gone "$hd" || fail "the holder's name stays after lvmd stopped: $(xl list -v)"
xl_lacks lvm-code-noop.xen || fail "xl list still names the holder"
info "the holder's name gone with it when lvmd stopped"

# The pools' shells: named while shells, their own once guests.
shells_named() { [ "$(xl list | awk -v n="$1" '$1 == n' | wc -l)" = "$2" ]; }
lvmd_start -c /dev/null -P "4:1:2:$img" -P "8:1:2"
# Not a request to lvmd until they are named: the refill thread's news
# wakes the names thread itself.
wait_for 20 shells_named lvm-pool:noop.xen 2 ||
	fail "not 2 shells named lvm-pool:noop.xen: $(xl list)"
wait_for 10 shells_named lvm-pool:8M 2 || fail "not 2 shells named lvm-pool:8M: $(xl list)"
wait_for 20 pool_ready_is 4x1 2 || fail "pool 4x1 not warm: $(lvm pool)"
wait_for 20 pool_ready_is 8x1 2 || fail "pool 8x1 not full: $(lvm pool)"
shells=$(xl list | awk '$1 ~ /^lvm-pool:/ { print $2 }')
info "xl list: $(xl list | awk '$1 ~ /^lvm-pool:/ { printf "%s (d%s) ", $1, $2 }')"
out=$(lvm create "$img" --name xp1 --json) || fail "create xp1: $out"
[ "$(json_field pool_hit <<<"$out")" = true ] || fail "xp1 not from the pool: $out"
d1=$(lvm_domid xp1)
grep -qx "$d1" <<<"$shells" || fail "xp1 (d$d1) was not one of the shells named: $shells"
wait_for 10 xs_name_is "$d1" xp1 || fail "xp1 (d$d1) is named '$(xenstore-read /local/domain/$d1/name 2>&1)'"
out=$(lvm create "$img" --name xp2 --memory 8 --json) || fail "create xp2: $out"
[ "$(json_field pool_hit <<<"$out")" = true ] || fail "xp2 not from the pool: $out"
d2=$(lvm_domid xp2)
grep -qx "$d2" <<<"$shells" || fail "xp2 (d$d2) was not one of the shells named: $shells"
wait_for 10 xs_name_is "$d2" xp2 || fail "xp2 (d$d2) is named '$(xenstore-read /local/domain/$d2/name 2>&1)'"
info "claimed: xp1 (d$d1) and xp2 (d$d2) by their own names"
wait_for 20 shells_named lvm-pool:noop.xen 2 || fail "the refill of 4x1 not named: $(xl list)"
wait_for 20 shells_named lvm-pool:8M 2 || fail "the refill of 8x1 not named: $(xl list)"
shells=$(xl list | awk '$1 ~ /^lvm-pool:/ { print $2 }')
lvm destroy xp1 || fail "destroy xp1"
lvm destroy xp2 || fail "destroy xp2"
lvmd_stop
xl_lacks lvm-pool:noop.xen && xl_lacks lvm-pool:8M || fail "shells still named after lvmd stopped: $(xl list)"
for d in $shells; do
	xs_gone "$d" || fail "shell d$d's name stays after lvmd stopped"
done
info "the refills named, and every shell's name gone when lvmd stopped"

# A killed lvmd's shells: the next lvmd destroys them, and their names.
lvmd_start -c /dev/null -P "4:1:2:$img"
wait_for 20 shells_named lvm-pool:noop.xen 2 || fail "not 2 shells named: $(xl list)"
old=$(xl list | awk '$1 == "lvm-pool:noop.xen" { print $2 }')
kill -9 "$LVMD_PID"
wait_for 10 lvmd_dead || fail "lvmd survived SIGKILL"
LVMD_PID=
LVMD_KEEP_STATE=1 lvmd_start -c /dev/null
for d in $old; do
	wait_for 10 xs_gone "$d" || fail "the killed lvmd's shell d$d keeps its name: $(xl list)"
done
xl_lacks lvm-pool:noop.xen || fail "xl list still names a shell: $(xl list)"
info "the killed lvmd's shells ($(echo $old)) destroyed by the next, and their names"
lvmd_stop

# -x: nothing published.
lvmd_start -x
out=$(lvm create "$img" --name xn2) || fail "create xn2: $out"
d=$(lvm_domid xn2)
sleep 1 # ample for a batch (5 ms) to have been written, were it queued
xs_gone "$d" || fail "-x: /local/domain/$d/name written anyway"
lvm destroy xn2 || fail "destroy xn2"
lvmd_stop

# A bad value: one line, no lvmd.
conf=$(mktemp /tmp/lvmd-conf.XXXXXX)
echo "xenstore_names maybe" >"$conf"
rm -rf "$LVMD_STATE.bad"
if err=$(lvmd -f -S "$LVMD_STATE.bad" -c "$conf" 2>&1); then
	fail "lvmd started with xenstore_names maybe"
fi
rm -f "$conf"
[ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "not one line: $err"
grep -q "bad xenstore_names 'maybe': want yes or no" <<<"$err" || fail "unclear: $err"
info "bad value: $err"
echo "lvm-xl-names: ok"
