#!/bin/bash
# Console logs stay within their limits (issue 10, defect 7):
#   - a log whose rotation fails (NAME.log.1 cannot be replaced) stops,
#     with one line in lvmd.log, instead of growing past its cap;
#   - 300 guests created and destroyed leave at most -K logs of gone
#     guests, the newest ones, and a live guest's log is never removed.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
KEPT=20
N=${LVM_CONSOLE_LOGS_N:-300}
MAX=1048576 # LVMD_LOG_MAX
lvmd_start -K "$KEPT"
cons=$LVMD_STATE/console

# A log one note short of its cap, whose rotation cannot replace
# rot.log.1 (a directory): after lvmd restarts and adopts rot, its
# destruction's note would pass the cap.
lvm create "$img" --name rot >/dev/null || fail "create rot"
lvmd_stop
head -c $((MAX - 10)) /dev/zero | tr '\0' x >"$cons/rot.log"
mkdir -p "$cons/rot.log.1/keep"
LVMD_KEEP_STATE=1 lvmd_start -K "$KEPT"
lvm info rot >/dev/null || fail "rot not adopted"
lvm destroy rot || fail "destroy rot"
size=$(wc -c <"$cons/rot.log")
info "rot.log: $size bytes after a failed rotation (cap $MAX)"
[ "$size" -le "$MAX" ] || fail "rot.log grew past its cap: $size bytes"
grep -q "rot: cannot rotate its console log" "$LVMD_STATE/lvmd.log" ||
	fail "no line about the failed rotation in lvmd.log"
rm -rf "$cons/rot.log.1"

lvm create "$img" --name keeper >/dev/null || fail "create keeper"
start=$(now_us)
for i in $(seq 1 "$N"); do
	lvm create "$img" --name "g$i" >/dev/null || fail "create g$i"
	lvm destroy "g$i" >/dev/null || fail "destroy g$i"
done
info "$N guests created and destroyed in $((($(now_us) - start) / 1000)) ms"
logs=$(ls "$cons" | grep -c '\.log$')
info "$logs console logs left (at most $KEPT of gone guests, and keeper's)"
[ "$logs" -le $((KEPT + 1)) ] || fail "$logs logs left, more than $KEPT + 1"
[ -f "$cons/keeper.log" ] || fail "the live guest's log was removed"
[ -f "$cons/g$N.log" ] || fail "the newest gone guest's log was removed"
[ ! -e "$cons/g1.log" ] || fail "the oldest gone guest's log is still there"
lvm destroy keeper || fail "destroy keeper"
echo "ok"
