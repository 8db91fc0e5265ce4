#!/bin/bash
# dom0's ends of a pool shell's console and sysctl ports are bound when
# the shell is made, and released exactly once:
#   - every ready shell (of a pool of the shape, or built ahead) holds two
#     of lvmd's event channels in dom0;
#   - a create from such a shell binds nothing (bind_ns 0 in --timing) and
#     its guest keeps those two; a cold create binds two of its own;
#   - a pool trimmed to 0, and the guests destroyed, leave lvmd's count
#     where it began; a stopped lvmd holds none.
# dom0's event channels bound on lvmd's handle are counted in
# /proc/interrupts (Linux names each "evtchn:lvmd").
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
ports() { grep -c 'evtchn:lvmd' /proc/interrupts; }
ports_are() { [ "$(ports)" = "$1" ]; }
field() { sed -n "s/^ *\"$1\": *\([0-9a-z]*\),\{0,1\}$/\1/p" | head -n1; }
# none_ready SHAPE: no shell of SHAPE ready or being prepared.
none_ready() { lvm pool | awk -v s="$1" '$1 == s && ($4 != 0 || $5 != 0) { b = 1 } END { exit b }'; }
# expect N WHAT: lvmd holds N ports now (the count settles within 5 s).
expect() {
	wait_for 5 ports_are "$1" ||
		fail "$2: lvmd holds $(ports) event channels, $1 expected"
	info "$2: $1 event channels"
}
# create NAME HIT BOUND: a create of NAME, a pool hit or not (true or
# false), its ports bound on the path (BOUND: yes or no).
create() {
	local out bind
	out=$(lvm create "$img" --name "$1" --json --timing) || fail "create $1: $out"
	grep -qE "\"pool_hit\": ?$2" <<<"$out" || fail "$1: not pool_hit $2: $out"
	bind=$(field bind_ns <<<"$out")
	[ -n "$bind" ] || fail "$1: no bind_ns: $out"
	# bind_ns adds up only the binds made on the path: exactly 0 without
	# any. A cold create's may read 0 too where dom0's clock moves in
	# steps (a loaded box), so its binds are counted below instead.
	if [ "$3" = no ]; then
		[ "$bind" = 0 ] || fail "$1 bound its ports on the path ($bind ns)"
	fi
	info "$1: pool_hit $2, bind_ns $bind"
}

lvmd_start -c /dev/null
base=$(ports)
info "lvmd alone: $base event channels"

lvm pool set 4x1 3 >/dev/null || fail "pool set 4x1 3"
wait_for 30 pool_ready_is 4x1 3 || fail "4x1 not warm: $(lvm pool)"
expect $((base + 6)) "3 shells"
create q1 true no
wait_for 30 pool_ready_is 4x1 3 || fail "4x1 not refilled: $(lvm pool)"
expect $((base + 8)) "3 shells and q1"
lvm pool set 4x1 0 >/dev/null || fail "pool set 4x1 0"
wait_for 30 none_ready 4x1 || fail "4x1 not drained: $(lvm pool)"
expect $((base + 2)) "no shell, q1"
create q2 false yes
expect $((base + 4)) "q1 and q2 (cold)"
lvm destroy q1 || fail "destroy q1"
lvm destroy q2 || fail "destroy q2"
expect "$base" "no guest, no shell"

# Built ahead for noop.
lvm pool set 4x1 2 "$img" >/dev/null || fail "pool set 4x1 2 noop"
wait_for 30 pool_ready_is 4x1 2 || fail "4x1 (noop) not warm: $(lvm pool)"
expect $((base + 4)) "2 shells built ahead"
create q3 true no
lvm destroy q3 || fail "destroy q3"
wait_for 30 pool_ready_is 4x1 2 || fail "4x1 (noop) not refilled: $(lvm pool)"
lvm pool set 4x1 0 >/dev/null || fail "pool set 4x1 0"
wait_for 30 none_ready 4x1 || fail "4x1 not drained: $(lvm pool)"
expect "$base" "built ahead, drained"

# Shells discarded at exit.
lvm pool set 4x1 2 >/dev/null || fail "pool set 4x1 2"
wait_for 30 pool_ready_is 4x1 2 || fail "4x1 not warm: $(lvm pool)"
lvmd_stop
wait_for 5 ports_are 0 || fail "lvmd stopped, $(ports) left"
info "lvmd stopped: no event channel left"
