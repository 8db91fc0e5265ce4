#!/bin/bash
# bench/pool.sh [N] [LOAD] — `lvm create` of noop from lvmd's shell pool
# against the cold path and against a process, in one dom0: N creations
# of each (default 20), each guest destroyed once timed. Then the pool
# under load: the median with 1 noop running against the median with LOAD
# (default 400; 0: skipped) running. Run it in the box with room for LOAD guests:
#   tests/xenbox/xenbox -m 4096 -d 1024 -t 600 run bench/pool.sh
#
# Figures (medians, ms):
#   warm       lvm create, 4 MiB 1 vCPU, a shell from a pool built ahead
#              for noop (lvm pool set 4x1 N noop.xen): only the command
#              line, device page and unpause left (lvmd's total: request
#              received -> reply), and as a command
#   pool       the same from a pool of the shape only (load and build on
#              the path, the shell's first pages mapped ahead)
#   cold       the same with the pool drained (prepare on the path)
#   spawn      fork + exec + wait of a static binary (lvm-bench-spawn)
# Phases (lvmd's, medians): devices's parts map (console ring and device
# page mapped), bind (dom0's ports bound: 0 when the pool's shell bound
# them ahead), log (console log opened), save (record written).
# LVMD_FLAGS: more options for lvmd (-v: its per-create probe lines in
# $STATE/lvmd.log).
set -u
. "$(dirname "$0")/dom0.sh"
N=${1:-20}
LOAD=${2:-400}
STATE=/run/lvm-bench-pool
# lvmd's phases; map, bind, log and save are parts of devices.
PHASES="claim prepare load build devices map bind log save unpause"
die() { echo "bench-pool: $*" >&2; exit 1; }

img=$BUILD/guests/noop.xen
[ -f "$img" ] || die "no guest image $img"
# spread KIND: "median (p10-p90, n)" of KIND's lvmd figures.
spread() { printf '%s (p10 %s, p90 %s, n %s)' "$(median <"$STATE/$1.lvmd.ms")" "$(pct 0.1 <"$STATE/$1.lvmd.ms")" "$(pct 0.9 <"$STATE/$1.lvmd.ms")" "$(wc -l <"$STATE/$1.lvmd.ms")"; }
# phases KIND: KIND's phase medians on one line.
phases() {
	local ph
	for ph in $PHASES; do
		printf ' %s %s' "$ph" "$(median <"$STATE/$1.$ph.ms")"
	done
}
pool_ready() { lvm pool | awk '$1 == "4x1" { print ($5 == 0 ? $4 : 0) }'; }
wait_ready() {
	local i
	for i in $(seq 1 200); do
		[ "$(pool_ready)" -ge "$1" ] && return 0
		sleep 0.05
	done
	die "pool not refilled to $1: $(lvm pool)"
}
# wait_empty: no shell of 4x1 ready or being prepared.
wait_empty() {
	local i
	for i in $(seq 1 200); do
		lvm pool | awk '$1 == "4x1" && ($4 != 0 || $5 != 0) { bad = 1 } END { exit bad }' && return 0
		sleep 0.05
	done
	die "pool not drained: $(lvm pool)"
}

rm -rf "$STATE"
# shellcheck disable=SC2086 # LVMD_FLAGS: words (e.g. -v)
"${LVMD:-lvmd}" ${LVMD_FLAGS:-} -d -S "$STATE" -c /dev/null -P 4:1:8 || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
trap 'kill "$(cat "$STATE/lvmd.pid")" 2>/dev/null' EXIT
wait_ready 8
echo "bench-pool: noop, 4 MiB, 1 vCPU, $N creations each"

# one KIND I: one timed creation named KIND-I, its figures appended to
# $STATE/KIND.*.ms, then the guest destroyed.
one() {
	local kind=$1 i=$2 out t0 t1 ph
	t0=$(now_us)
	out=$(lvm create "$img" --name "$kind$i" --json --timing) ||
		die "lvm create $kind$i: $out"
	t1=$(now_us)
	grep -qE "\"pool_hit\": ?$([ "$kind" = cold ] && echo false || echo true)" <<<"$out" ||
		die "$kind$i: unexpected pool_hit: $out"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }' >>"$STATE/$kind.command.ms"
	awk -v v="$(field total_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/$kind.lvmd.ms"
	for ph in $PHASES; do
		awk -v v="$(field ${ph}_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/$kind.$ph.ms"
	done
	lvm destroy "$kind$i" || die "lvm destroy $kind$i"
}

# run KIND...: N rounds, each one creation of every KIND in turn, so that
# whatever else loads the machine weighs on each kind alike. "warm" and
# "pool" start with a shell ready (built ahead for noop, or not) and the
# refill idle; "cold" with the pool drained.
run() {
	local i k
	for k in "$@"; do rm -f "$STATE/$k".*.ms; done
	for i in $(seq 1 "$N"); do
		for k in "$@"; do
			case $k in
			cold)
				lvm pool set 4x1 0 >/dev/null || die "drain"
				wait_empty ;;
			warm)
				lvm pool set 4x1 1 "$img" >/dev/null || die "warm"
				wait_ready 1 ;;
			*)
				lvm pool set 4x1 1 >/dev/null || die "refill"
				wait_ready 1 ;;
			esac
			one "$k" "$i"
		done
	done
	lvm pool set 4x1 1 >/dev/null || die "refill"
	wait_ready 1
}

# Warm-up, not counted.
lvm create "$img" --name warm >/dev/null && lvm destroy warm
run warm pool cold
lvm-bench-spawn -n "$N" -m fork "$BUILD/bin/lvm-bench-trivial" |
	awk -F, '{ print $7 }' >"$STATE/spawn.ms"

warm=$(median <"$STATE/warm.lvmd.ms"); warmc=$(median <"$STATE/warm.command.ms")
pool=$(median <"$STATE/pool.lvmd.ms"); poolc=$(median <"$STATE/pool.command.ms")
cold=$(median <"$STATE/cold.lvmd.ms"); coldc=$(median <"$STATE/cold.command.ms")
spawn=$(median <"$STATE/spawn.ms")
printf '  %-8s %10s %10s   (medians, ms)\n' "" lvmd command
printf '  %-8s %10s %10s\n' warm "$warm" "$warmc"
printf '  %-8s %10s %10s\n' pool "$pool" "$poolc"
printf '  %-8s %10s %10s\n' cold "$cold" "$coldc"
printf '  %-8s %10s %10s\n' spawn - "$spawn"
for k in warm pool cold; do
	printf '  %s phases (medians, ms):' "$k"
	for ph in $PHASES; do
		printf ' %s %s' "$ph" "$(median <"$STATE/$k.$ph.ms")"
	done
	printf '\n'
done
printf '  ratio warm/cold %s (commands %s)   warm/spawn %s (commands %s)\n' \
	"$(ratio "$warm" "$cold")" "$(ratio "$warmc" "$coldc")" \
	"$(ratio "$warm" "$spawn")" "$(ratio "$warmc" "$spawn")"
printf '  ratio pool/cold %s (commands %s)   pool/spawn %s (commands %s)\n' \
	"$(ratio "$pool" "$cold")" "$(ratio "$poolc" "$coldc")" \
	"$(ratio "$pool" "$spawn")" "$(ratio "$poolc" "$spawn")"

# Flat under load: 1 guest running, then LOAD (0: not measured).
[ "$LOAD" -gt 0 ] || exit 0
lvm create "$img" --name load1 >/dev/null || die "load1"
run warm pool
one_w=$(median <"$STATE/warm.lvmd.ms"); one_ws=$(spread warm); one_wp=$(phases warm)
one_ms=$(median <"$STATE/pool.lvmd.ms"); onec=$(median <"$STATE/pool.command.ms")
for i in $(seq 2 "$LOAD"); do
	lvm create "$img" --name "load$i" >/dev/null || { LOAD=$((i - 1)); echo "  (only $LOAD guests fit)"; break; }
done
wait_ready 1
run warm pool
many_w=$(median <"$STATE/warm.lvmd.ms"); many_ws=$(spread warm); many_wp=$(phases warm)
many=$(median <"$STATE/pool.lvmd.ms"); manyc=$(median <"$STATE/pool.command.ms")
printf '  under load: pool create with 1 running %s ms (command %s), with %s running %s ms (command %s): ratio %s\n' \
	"$one_ms" "$onec" "$LOAD" "$many" "$manyc" "$(ratio "$many" "$one_ms")"
printf '  under load, built ahead: with 1 running %s ms, with %s running %s ms: ratio %s\n' \
	"$one_w" "$LOAD" "$many_w" "$(ratio "$many_w" "$one_w")"
printf '  built ahead, lvmd ms, 1 running: %s; phases:%s\n' "$one_ws" "$one_wp"
printf '  built ahead, lvmd ms, %s running: %s; phases:%s\n' "$LOAD" "$many_ws" "$many_wp"
for i in $(seq 1 "$LOAD"); do lvm destroy "load$i" >/dev/null 2>&1; done
