#!/bin/bash
# bench/cmdpath.sh [N] — where an `lvm` command's time goes, in one dom0:
# N rounds (default 20), each timing once, in turn, so that whatever else
# loads the machine weighs on each alike:
#   spawn      fork + exec + wait of a static no-op (lvm-bench-spawn)
#   version    `lvm --version`: exec, loading, start-up, exit (no lvmd)
#   list       `lvm list` with no guest: + connect, one request, reply
#   create     `lvm create noop.xen` from a pool built ahead for noop
#              (lvm pool set 4x1 1 noop.xen), no wait for the ready mark
#   create-t   the same with --timing: the reply waits for the ready mark
#   create-p   the same with --paused: the guest never runs while lvm
#              does (what the new guest's run, and noop's end, cost the
#              command on the box's CPUs)
#   floor      lvm-bench-floor create: the same create request from a
#              static program with no JSON library and nothing else to
#              do (bench/floor.c), timed as create is: the least a
#              command can pay for it in this dom0
#   floor-list lvm-bench-floor list, timed as list is
#   echo       lvm-bench-floor list against lvm-bench-floor serve, a
#              server that answers at once: a round trip with no work
# and from create's own figures (--json): lvmd's time (request received ->
# reply), the client's (request sent -> reply read; the request's encoding
# before it and the reply's decoding after it apart), lvmd's queue
# (request received -> work started), and with --timing the ready mark.
# Prints medians, p10, p90, each kind's N, the breakdown and the ratios
# the issue asks for. LVM=PATH and LVMD=PROGRAM time another lvm and lvmd
# (an older build's, to compare in one box). Run it in the box:
#   tests/xenbox/xenbox -t 900 run bench/cmdpath.sh 20
set -u -o pipefail
. "$(dirname "$0")/dom0.sh"
N=${1:-20}
STATE=/run/lvm-bench-cmdpath
die() { echo "bench-cmdpath: $*" >&2; exit 1; }

img=$BUILD/guests/noop.xen
[ -f "$img" ] || die "no guest image $img"
LVM=${LVM:-$BUILD/bin/lvm}   # LVM=PATH: another lvm command to time
pool_ready() { "$LVM" pool | awk '$1 == "4x1" { print ($5 == 0 ? $4 : 0) }'; }
wait_ready() {
	local i
	for i in $(seq 1 400); do
		[ "$(pool_ready)" -ge 1 ] && return 0
		sleep 0.02
	done
	die "pool not refilled: $("$LVM" pool)"
}
# spawn1 FILE PROG ARG...: one fork+exec+wait of PROG, its ms onto FILE.
spawn1() {
	local f=$1
	shift
	lvm-bench-spawn -n 1 -w 0 -m fork "$@" 2>"$STATE/err" | awk -F, '/^start,/ { print $7 }' >>"$f" ||
		die "$*: $(cat "$STATE/err")"
}
# create1 KIND I [OPT]: one timed create (lvm-bench-cmd: fork to exit).
create1() {
	local kind=$1 i=$2 opt=${3-} row
	"$LVM" pool set 4x1 1 "$img" >/dev/null || die "pool set"
	wait_ready
	row=$(lvm-bench-cmd -- "$LVM" create "$img" --name "$kind$i" --json $opt 2>"$STATE/out") ||
		die "lvm create $kind$i: $(cat "$STATE/out")"
	grep -qE '"pool_hit": ?true' "$STATE/out" || die "$kind$i: not from the pool: $(cat "$STATE/out")"
	awk -F, '/^start,/ { print $7 }' <<<"$row" >>"$STATE/$kind.ms"
	ms_of "$(field total_ns <"$STATE/out")" >>"$STATE/$kind.lvmd.ms"
	ms_of "$(field client_ns <"$STATE/out")" >>"$STATE/$kind.client.ms"
	ms_of "$(field encode_ns <"$STATE/out")" >>"$STATE/$kind.encode.ms"
	ms_of "$(field decode_ns <"$STATE/out")" >>"$STATE/$kind.decode.ms"
	ms_of "$(field queue_ns <"$STATE/out")" >>"$STATE/$kind.queue.ms"
	[ -z "$opt" ] || ms_of "$(field ready_ns <"$STATE/out")" >>"$STATE/$kind.ready.ms"
	"$LVM" destroy "$kind$i" || die "lvm destroy $kind$i"
}
# floor1 KIND I: one create by lvm-bench-floor, timed as create1 times
# lvm's.
floor1() {
	local kind=$1 i=$2 row
	"$LVM" pool set 4x1 1 "$img" >/dev/null || die "pool set"
	wait_ready
	row=$(lvm-bench-cmd -- lvm-bench-floor create "$img" "$kind$i" 2>"$STATE/out") ||
		die "lvm-bench-floor create $kind$i: $(cat "$STATE/out")"
	grep -q '"pool_hit":true' "$STATE/out" || die "$kind$i: not from the pool: $(cat "$STATE/out")"
	awk -F, '/^start,/ { print $7 }' <<<"$row" >>"$STATE/$kind.ms"
	"$LVM" destroy "$kind$i" || die "lvm destroy $kind$i"
}

rm -rf "$STATE"
mkdir -p "$STATE"
"${LVMD:-lvmd}" -d -S "$STATE/d" -c /dev/null -P 4:1:1 || die "lvmd did not start"
export LVM_SOCKET=$STATE/d/lvmd.sock
lvm-bench-floor serve "$STATE/echo.sock" &
echo_pid=$!
trap 'kill "$(cat "$STATE/d/lvmd.pid")" "$echo_pid" 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -S "$STATE/echo.sock" ] && break; sleep 0.02; done
[ -S "$STATE/echo.sock" ] || die "lvm-bench-floor serve did not start"
# The libraries lvm loads, as ld.so lists them (no ldd in the box's dom0);
# a static program ignores the variable and just runs.
libs=$(LD_TRACE_LOADED_OBJECTS=1 "$LVM" --version 2>&1)
if grep -q '^lvm ' <<<"$libs"; then libs="static, no shared library"
else libs="dynamic, $(grep -c '=>' <<<"$libs") shared libraries: $(awk '/=>/ { printf "%s ", $1 }' <<<"$libs")"; fi
echo "bench-cmdpath: $N rounds; lvm: $libs; $(stat -c %s "$LVM") bytes"
echo "dom0's clock: $(lvm-bench-clock 2>&1)"
# Warm-up, not counted.
"$LVM" create "$img" --name warm >/dev/null && "$LVM" destroy warm
for i in $(seq 1 "$N"); do
	spawn1 "$STATE/spawn.ms" "$BUILD/bin/lvm-bench-trivial"
	spawn1 "$STATE/version.ms" "$LVM" --version
	spawn1 "$STATE/list.ms" "$LVM" list
	create1 create "$i"
	create1 create-t "$i" --timing
	create1 create-p "$i" --paused
	floor1 floor "$i"
	spawn1 "$STATE/floor-list.ms" "$BUILD/bin/lvm-bench-floor" list
	LVM_SOCKET=$STATE/echo.sock spawn1 "$STATE/echo.ms" "$BUILD/bin/lvm-bench-floor" list
done

printf '  %-22s %9s %9s %9s %4s   (ms)\n' "" median p10 p90 n
row() { printf '  %-22s %9s %9s %9s %4s\n' "$1" "$(pct 0.5 <"$2")" "$(pct 0.1 <"$2")" "$(pct 0.9 <"$2")" "$(wc -l <"$2")"; }
row "spawn (static no-op)" "$STATE/spawn.ms"
row "lvm --version" "$STATE/version.ms"
row "lvm list" "$STATE/list.ms"
row "lvm create" "$STATE/create.ms"
row " lvmd: received->reply" "$STATE/create.lvmd.ms"
row " lvmd: queue" "$STATE/create.queue.ms"
row " client: encode" "$STATE/create.encode.ms"
row " client: sent->read" "$STATE/create.client.ms"
row " client: decode" "$STATE/create.decode.ms"
row "lvm create --timing" "$STATE/create-t.ms"
row " lvmd: received->reply" "$STATE/create-t.lvmd.ms"
row " client: sent->read" "$STATE/create-t.client.ms"
row " ready mark" "$STATE/create-t.ready.ms"
row "lvm create --paused" "$STATE/create-p.ms"
row " lvmd: received->reply" "$STATE/create-p.lvmd.ms"
row " client: sent->read" "$STATE/create-p.client.ms"
spawn=$(pct 0.5 <"$STATE/spawn.ms")
paste -d' ' "$STATE/create.client.ms" "$STATE/create.lvmd.ms" | awk '{ print $1 - $2 }' >"$STATE/gap.ms"
row " client - lvmd (each)" "$STATE/gap.ms"
row "floor: create" "$STATE/floor.ms"
row "floor: list" "$STATE/floor-list.ms"
row "echo: list, no work" "$STATE/echo.ms"
printf '  ratio create/spawn %s   create --timing/spawn %s   create --paused/spawn %s   list/spawn %s   version/spawn %s\n' \
	"$(ratio "$(pct 0.5 <"$STATE/create.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/create-t.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/create-p.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/list.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/version.ms")" "$spawn")"
printf '  ratio echo/spawn %s   floor create/spawn %s   floor list/spawn %s   create/floor create %s   list/floor list %s\n' \
	"$(ratio "$(pct 0.5 <"$STATE/echo.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/floor.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/floor-list.ms")" "$spawn")" \
	"$(ratio "$(pct 0.5 <"$STATE/create.ms")" "$(pct 0.5 <"$STATE/floor.ms")")" \
	"$(ratio "$(pct 0.5 <"$STATE/list.ms")" "$(pct 0.5 <"$STATE/floor-list.ms")")"
