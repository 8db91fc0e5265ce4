#!/bin/bash
# Chaos (issue 10): lvmd killed with SIGKILL at a random moment (0-300 ms
# after its start) while a client creates noop guests in a loop, from a
# refilling 4x1 pool (every third guest 8 MiB: the cold path), CHAOS_ROUNDS
# times in a row (default 20), restarted on the same state each time.
# Afterwards, with the last lvmd settled:
#   - the hypervisor's domains are exactly dom0, the domains that were
#     there before the test, the registry's guests (one record each in
#     STATE/registry) and the pool's shells (as many as `lvm pool` counts);
#     no domain with lvm's guest uuid prefix runs unmanaged;
#   - every create reported done (exit 0) is registered, running, and
#     answers: it powers off when asked (`lvm shutdown -t 60`: a loaded box
#     is slow, and the check is that it obeys, not how fast).
# CHAOS_SIGNAL=TERM stops lvmd the orderly way instead: the control run,
# which must pass. Leaves nothing behind: its guests are shut down or destroyed, lvmd is
# stopped, and domains of ours that lvmd lost are destroyed with xl.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
rounds=${CHAOS_ROUNDS:-20}
sig=${CHAOS_SIGNAL:-KILL}
pool=4:1:3
GUEST_UUID=6c766d00-766d-02  # lvm's guest uuid prefix ("lvm\0vm\2", uuid.h)
SHELL_UUID=6c766d00-7368-02  # a pool shell's ("lvm\0sh\2")
CODE_UUID=6c766d00-6364-02   # a code holder's ("lvm\0cd\2"; each lvmd
			     # makes its own, destroys its predecessor's)

# hv_table: one line per domain the hypervisor holds:
# DOMID MANAGED(0|1) UUID STATE NAME.
hv_table() {
	lvm list --all --json | awk -F'"' '
		/"name":/ { n = $4 }
		/"domid":/ { d = $3; gsub(/[^0-9]/, "", d) }
		/"managed":/ { m = ($3 ~ /true/) }
		/"uuid":/ { u = $4 }
		/"state":/ { print d, m, u, $4, n }'
}

# Domains of ours lvmd does not know (lost guests, shells of a dead lvmd):
# destroyed at exit, so the box is left as it was found.
chaos_cleanup() {
	local rc=$? d
	[ -n "${CREATOR:-}" ] && kill "$CREATOR" 2>/dev/null
	if lvmd_alive; then
		for g in $(lvm_names); do lvm destroy "$g" >/dev/null 2>&1; done
		for d in $(hv_table | awk -v g="$GUEST_UUID" '$2 == 0 && index($3, g) == 1 { print $1 }'); do
			xl destroy "$d" >/dev/null 2>&1
		done
		lvmd_stop
	fi
	(exit $rc)
	lvmd_cleanup
}

# creator ROUND: create guests until $STOP exists; each name whose create
# exited 0 goes to $DONE. Every third guest has 8 MiB: no pool, cold path.
creator() {
	local j=0 name mem
	while [ ! -e "$STOP" ]; do
		j=$((j + 1))
		name=r$1g$j
		mem=4
		[ $((j % 3)) = 0 ] && mem=8
		if lvm create "$img" --name "$name" --memory "$mem" >/dev/null 2>&1; then
			echo "$name" >>"$DONE"
		fi
	done
}

lvmd_start -P "$pool"
trap chaos_cleanup EXIT
before=$(hv_table | awk -v g="$GUEST_UUID" -v s="$SHELL_UUID" -v c="$CODE_UUID" \
	'$1 != 0 && index($3, g) != 1 && index($3, s) != 1 && index($3, c) != 1 { print $1 }' | sort | tr '\n' ' ')
DONE=$LVMD_STATE.done
STOP=$LVMD_STATE.stop
rm -f "$DONE" "$STOP"
: >"$DONE"
t0=$SECONDS
for r in $(seq 1 "$rounds"); do
	rm -f "$STOP"
	creator "$r" &
	CREATOR=$!
	ms=$((RANDOM % 301))
	sleep "$(printf '0.%03d' "$ms")"
	kill -"$sig" "$LVMD_PID"
	wait_for 10 lvmd_dead || fail "round $r: lvmd survived SIG$sig"
	touch "$STOP"
	wait "$CREATOR"
	CREATOR=
	LVMD_KEEP_STATE=1 lvmd_start -P "$pool"
	trap chaos_cleanup EXIT
	echo "  round $r: SIG$sig after $ms ms; $(wc -l <"$DONE" 2>/dev/null || echo 0) creates done so far"
done
info "$rounds SIG$sig in $((SECONDS - t0)) s"

# Settle: the pool full and idle, the reaper's view fresh.
wait_for 30 pool_ready_is 4x1 3 || fail "the pool did not settle: $(lvm pool)"
sleep 1
hv_table >"$LVMD_STATE.table"
bad=0
shells=$(awk -v s="$SHELL_UUID" '$2 == 0 && index($3, s) == 1' "$LVMD_STATE.table" | wc -l)
lost=$(awk -v g="$GUEST_UUID" '$2 == 0 && index($3, g) == 1' "$LVMD_STATE.table")
managed=$(awk '$2 == 1 { print $1 }' "$LVMD_STATE.table" | sort -n | tr '\n' ' ')
records=$(records | tr '\n' ' ')
shell_ids=$(awk -v s="$SHELL_UUID" '$2 == 0 && index($3, s) == 1 { print $1 }' "$LVMD_STATE.table" | sort -n | tr '\n' ' ')
shell_records=$(records empty | tr '\n' ' ')
others=$(awk -v g="$GUEST_UUID" -v s="$SHELL_UUID" -v c="$CODE_UUID" \
	'$1 != 0 && index($3, g) != 1 && index($3, s) != 1 && index($3, c) != 1 { print $1 }' "$LVMD_STATE.table" | sort | tr '\n' ' ')
counted=$(lvm pool | awk 'NR > 1 && $4 ~ /^[0-9]+$/ { n += $4 + $5 } END { print n + 0 }')
info "after the kills: $(echo $managed | wc -w) guests managed, $shells shells (lvm pool counts $counted), $(wc -l <"$DONE") creates reported done"
if [ -n "$lost" ]; then
	echo "  lost: domains with lvm's guest uuid prefix that lvmd does not manage:"
	sed 's/^/    /' <<<"$lost"
	bad=1
fi
if [ "$managed" != "$records" ]; then
	echo "  managed domains ($managed) are not the registry's records ($records)"
	bad=1
fi
if [ "$shell_ids" != "$shell_records" ]; then
	echo "  shell domains ($shell_ids) are not the registry's empty records ($shell_records)"
	bad=1
fi
if [ "$shells" != "$counted" ]; then
	echo "  $shells shell domains run, lvm pool counts $counted"
	bad=1
fi
if [ "$others" != "$before" ]; then
	echo "  other domains changed: before ($before), after ($others)"
	bad=1
fi
# Every create reported done: registered, running, and it answers.
missing=0
for n in $(cat "$DONE"); do
	st=$(lvm_state "$n")
	if [ "$st" != running ]; then
		echo "  $n: reported created, but lvm info says '${st:-no guest}'"
		missing=$((missing + 1))
	fi
done
[ $missing = 0 ] || bad=1
pids=
for n in $(lvm_names); do
	lvm shutdown -t 60 "$n" >"$LVMD_STATE.sd.$n" 2>&1 &
	pids="$pids $!"
done
quiet=0
for p in $pids; do wait "$p" || quiet=$((quiet + 1)); done
if [ $quiet != 0 ]; then
	echo "  $quiet guests did not power off when asked: $(cat "$LVMD_STATE".sd.* | sort | uniq -c | head -5)"
	bad=1
fi
rm -f "$LVMD_STATE".sd.* "$LVMD_STATE.table" "$DONE" "$STOP"
[ $bad = 0 ] || fail "the hypervisor, the registry and the pool disagree after $rounds SIG$sig (see above)"
info "every create reported done is registered and powered off when asked"
echo "PASS"
