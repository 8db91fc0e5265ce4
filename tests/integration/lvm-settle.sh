#!/bin/bash
# lvmd knows a guest before anyone else does, and a restart settles every
# domain of its instance (issue 10, defects 2, 8, 10, 11, 12):
#   - a record that cannot be written fails the create, from a pool shell
#     (its record file made ahead) or cold: one error line, no domain, no
#     record left; a stopped lvmd leaves no shell's record file;
#   - a hostile guest's console output is kept (the backends attach before
#     it runs) and the reason it was destroyed is its own misdeed;
#   - after a SIGKILL, a guest of ours that no record names is destroyed,
#     as is a guest whose backends cannot take it back: none runs on
#     unmanaged; a recorded guest that never ran (lvmd died between the
#     record, the create's commit, and the unpause) is adopted and run;
#   - a second lvmd (-S) neither destroys the first's shells nor its
#     guests, and a create whose claimed shell is gone goes cold.
. "$(dirname "$0")/lib.sh"

for g in noop scribble; do
	[ -f "$LVM_BUILD/guests/$g.xen" ] || fail "no guest image $g.xen"
done
img=$LVM_BUILD/guests/noop.xen
STATE2=$LVMD_STATE.second
PID2=

settle_cleanup() {
	local rc=$?
	if [ -n "$PID2" ] && kill -0 "$PID2" 2>/dev/null; then
		kill "$PID2"
		wait_for 10 bash -c "! kill -0 $PID2 2>/dev/null"
	fi
	if [ $rc -ne 0 ] && [ -f "$STATE2/lvmd.log" ]; then
		echo "  the second lvmd's log (last 10 lines):"
		tail -n 10 "$STATE2/lvmd.log" | sed 's/^/    /'
	fi
	grep -q " $LVMD_STATE/registry " /proc/mounts && umount "$LVMD_STATE/registry"
	(exit $rc)
	lvmd_cleanup
}

# unmanaged_is N: the hypervisor holds N domains lvmd does not manage.
unmanaged_is() { [ "$(lvm list --all | awk '$1 == "-"' | wc -l)" = "$1" ]; }

# second CMD...: CMD against the second lvmd, for at most 60 s.
second() { LVM_SOCKET=$STATE2/lvmd.sock timeout 60 "$@"; }

# restart: SIGKILL lvmd, run (the rest of the arguments) with it dead,
# start it again on the same state.
restart_after() {
	kill -9 "$LVMD_PID"
	wait_for 10 lvmd_dead || fail "lvmd survived SIGKILL"
	"$@"
	LVMD_KEEP_STATE=1 lvmd_start -P 4:1:2
	trap settle_cleanup EXIT
}

# 1. A failed registry write fails the create (a full registry), from a
# pool shell (its record file made ahead, on a file system filled since)
# and cold: one error line, no domain, no record left. The registry is a
# small file system of its own, mounted before lvmd starts.
rm -rf "$LVMD_STATE"
mkdir -p "$LVMD_STATE/registry"
mount -t tmpfs -o size=16k tmpfs "$LVMD_STATE/registry" || fail "cannot mount a small registry"
LVMD_KEEP_STATE=1 lvmd_start -P 4:1:2
trap settle_cleanup EXIT
wait_for 30 pool_ready_is 4x1 2 || fail "pool not warm: $(lvm pool)"
[ "$(records empty | wc -l)" = 2 ] || fail "not 2 shells' record files: $(ls -l "$LVMD_STATE/registry")"
dd if=/dev/zero of="$LVMD_STATE/registry/fill" bs=4k count=4 2>/dev/null
for how in pool cold; do
	[ $how = cold ] && { lvm pool set 4x1 0 >/dev/null || fail "pool set 4x1 0"; }
	want=2
	[ $how = pool ] || want=0
	wait_for 10 unmanaged_is $want || fail "not $want shells: $(lvm list --all)"
	before=$(hv_domain_count)
	hits=$(pool_col 4x1 6)
	if lvm create "$img" --name full >"$LVMD_STATE.out" 2>"$LVMD_STATE.err"; then
		fail "create ($how) succeeded although its record could not be written"
	fi
	grep -q "cannot write its record" "$LVMD_STATE.err" ||
		fail "create ($how) failed, but not for its record: $(cat "$LVMD_STATE.err")"
	[ "$(wc -l <"$LVMD_STATE.err")" = 1 ] || fail "more than one error line: $(cat "$LVMD_STATE.err")"
	if [ $how = pool ]; then
		[ "$(pool_col 4x1 6)" = $((hits + 1)) ] || fail "not from the pool: $(lvm pool)"
	fi
	info "full registry ($how): $(cat "$LVMD_STATE.err")"
	lvm_gone full || fail "a guest 'full' is managed"
	wait_for 10 eval "[ \"\$(hv_domain_count)\" -le $before ]" ||
		fail "$before domains before the failed create, $(hv_domain_count) after: $(lvm list --all)"
	[ -z "$(records)" ] || fail "a record was left: $(ls -l "$LVMD_STATE/registry")"
done
# A stopped lvmd removes its shells' record files with the shells.
lvm pool set 4x1 2 >/dev/null || fail "pool set 4x1 2"
wait_for 30 pool_ready_is 4x1 2 || fail "pool not warm again: $(lvm pool)"
[ "$(records empty | wc -l)" = 2 ] || fail "not 2 shells' record files: $(ls -l "$LVMD_STATE/registry")"
lvmd_stop
[ -z "$(ls "$LVMD_STATE/registry" | grep json)" ] || fail "files left by a stopped lvmd: $(ls -l "$LVMD_STATE/registry")"
umount "$LVMD_STATE/registry"
LVMD_KEEP_STATE=1 lvmd_start -P 4:1:2
trap settle_cleanup EXIT
wait_for 30 pool_ready_is 4x1 2 || fail "pool not warm: $(lvm pool)"

# 2. A scribbler's console output is kept, and the reason is its own.
lvm create "$LVM_BUILD/guests/scribble.xen" --name bad >/dev/null || fail "create bad"
wait_for 30 lvm_gone bad || fail "scribble still runs"
lvm_console_has bad "scribble: ready" ||
	fail "the scribbler's console log lost its output: $(cat "$(lvm_console_log bad)" 2>&1 | head -c 300)"
grep -q "bad (d[0-9]*): the device page .* does not hold what was written" "$LVMD_STATE/lvmd.log" &&
	fail "the scribbler was destroyed for dom0's device page check: $(grep 'bad (d' "$LVMD_STATE/lvmd.log")"
info "scribbler: $(grep -o 'bad (d[0-9]*): .*destroying it' "$LVMD_STATE/lvmd.log" | head -1)"

# 3. After a SIGKILL: an unrecorded guest of ours and one whose backends
# cannot take it back are destroyed; a recorded guest that never ran is
# adopted and run.
for n in lost broken kept; do
	lvm create "$img" --name $n >/dev/null || fail "create $n"
done
lvm create "$img" --name never --paused >/dev/null || fail "create never"
lost=$(lvm_domid lost) nev=$(lvm_domid never) broken=$(lvm_domid broken)
kept=$(lvm_domid kept)
edit() {
	rm -f "$LVMD_STATE/registry/$lost.json"
	record_never_ran "$nev"
	# a console port the guest does not have: its adoption fails
	sed -i 's/"port":[0-9]*/"port":4000/' "$LVMD_STATE/registry/$broken.json"
}
restart_after edit
for d in $lost $broken; do
	wait_for 10 bash -c "! lvm list --all --json | json_field domid | grep -qx $d" ||
		fail "domain $d runs on after the restart: $(lvm list --all)"
done
grep -q "d$lost (.*): a guest of ours that no record names" "$LVMD_STATE/lvmd.log" ||
	fail "no line about the unrecorded guest d$lost"
grep -q "broken (d$broken): its backends cannot take it back; destroying it" "$LVMD_STATE/lvmd.log" ||
	fail "no line about the guest d$broken that could not be adopted"
[ "$(lvm_state kept)" = running ] || fail "kept was not adopted: $(lvm_state kept)"
[ "$(lvm_domid kept)" = "$kept" ] || fail "kept changed domain"
grep -q "never (d$nev): recorded, but lvmd stopped before it ran; running it now" "$LVMD_STATE/lvmd.log" ||
	fail "no line about the never-run guest d$nev: $(grep "(d$nev)" "$LVMD_STATE/lvmd.log")"
[ "$(lvm_domid never)" = "$nev" ] || fail "the never-run guest was not adopted: $(lvm list --all)"
never_runs() { [ "$(lvm_state never)" = running ]; }
wait_for 10 never_runs ||
	fail "the never-run guest was adopted but does not run: $(lvm_state never)"
timeout 60 lvm shutdown -t 30 never >/dev/null ||
	fail "the never-run guest, run at the restart, did not power off when asked"
for f in $lost $broken; do
	[ -e "$LVMD_STATE/registry/$f.json" ] && fail "record $f.json left"
done
info "after the restart: lost and unadoptable guests destroyed, kept adopted, the never-run one run and powered off when asked"

# 4. A second lvmd leaves the first's shells and guests alone.
wait_for 30 pool_ready_is 4x1 2 || fail "pool not warm: $(lvm pool)"
shells=$(lvm list --all | awk '$1 == "-"' | wc -l)
rm -rf "$STATE2"
timeout 60 lvmd -d -S "$STATE2" -P 4:1:1 || fail "the second lvmd did not start"
PID2=$(cat "$STATE2/lvmd.pid")
info "second lvmd started"
for i in $(seq 1 30); do
	[ "$(second lvm pool | awk '$1 == "4x1" { print $4 }')" = 1 ] && break
	sleep 1
done
[ "$(second lvm pool | awk '$1 == "4x1" { print $4 }')" = 1 ] ||
	fail "second pool not warm: $(second lvm pool)"
info "second pool warm"
[ "$(lvm_state kept)" = running ] || fail "the second lvmd took kept: $(lvm_state kept)"
pool_ready_is 4x1 2 || fail "the first pool changed: $(lvm pool)"
now=$(lvm list --all | awk '$1 == "-"' | wc -l)
[ "$now" = $((shells + 1)) ] || fail "$shells unmanaged shells before the second lvmd, $now after (1 more expected): $(lvm list --all)"
grep -q "shells of a previous lvmd" "$STATE2/lvmd.log" &&
	fail "the second lvmd destroyed shells: $(grep 'shell' "$STATE2/lvmd.log")"
hits=$(pool_col 4x1 6)
timeout 60 lvm create "$img" --name warm >/dev/null || fail "create from the first pool after the second lvmd started"
[ "$(pool_col 4x1 6)" = $((hits + 1)) ] || fail "not a pool hit: $(lvm pool)"
info "a second lvmd left the first's $shells shells and its guests alone"

# 5. Shells destroyed behind lvmd's back: the create goes cold, and the
# pool drops them from its count and refills.
wait_for 30 pool_ready_is 4x1 2 || fail "pool not warm: $(lvm pool)"
inst=$(lvm info --json kept | json_field uuid | cut -c15-26)
for d in $(lvm list --all --json | awk -F'"' -v i="$inst" '
		/"domid":/ { d = $3; gsub(/[^0-9]/, "", d) }
		/"managed":/ { m = ($3 ~ /true/) }
		/"uuid":/ { if (!m && index($4, "6c766d00-7368-") == 1 &&
				substr($4, 15, 12) == i) print d }'); do
	xl destroy "$d" || fail "xl destroy $d"
	gone="${gone-} $d"
done
timeout 60 lvm create "$img" --name cold >"$LVMD_STATE.out" 2>"$LVMD_STATE.err" ||
	fail "create after the shells were destroyed: $(cat "$LVMD_STATE.err")"
[ "$(lvm_state cold)" = running ] || fail "cold is $(lvm_state cold)"
grep -q "shell d[0-9]* is gone .*building cold cold" "$LVMD_STATE/lvmd.log" ||
	fail "no fallback to the cold path in lvmd.log"
info "$(grep -o 'shell d[0-9]* is gone.*' "$LVMD_STATE/lvmd.log" | head -1)"
wait_for 30 pool_ready_is 4x1 2 || fail "pool not refilled: $(lvm pool)"
wait_for 10 bash -c "[ \"\$(lvm list --all | awk '\$1 == \"-\"' | wc -l)\" = $((shells + 1)) ]" ||
	fail "lvm pool counts 2 + 1 (second lvmd) shells, the hypervisor has $(lvm list --all | awk '$1 == "-"' | wc -l)"
# The destroyed shells' record files went with them (the one claimed, and
# its sibling retired); the new shells have theirs.
for d in $gone; do
	[ -e "$LVMD_STATE/registry/$d.json" ] && fail "the destroyed shell d$d's record file is left"
done
[ "$(records empty | wc -l)" = 2 ] || fail "not 2 shells' record files: $(ls -l "$LVMD_STATE/registry")"
rm -f "$LVMD_STATE.out" "$LVMD_STATE.err"
echo "PASS"
