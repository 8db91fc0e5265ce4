#!/bin/bash
# bench/density.sh [LEVELS] [PROBES] — how many noop guests of 1 MiB one
# dom0 keeps running, and whether creation stays flat across them: noop
# guests (1 MiB, 1 vCPU) are kept up, one more at a time, by `lvm create`;
# at each level (default "1 400 1000 2000 4000" guests running) PROBES
# creations (default 20) of each kind are timed, each probe destroyed
# once timed:
#   warm   from a pool built ahead for noop (lvm pool set 1x1 1 noop.xen):
#          only the command line, device page and unpause left
#   pool   from a pool of the shape only (load and build on the path)
# Figures per level: lvmd's own time (request received -> reply; median,
# p10, p90) and its phases; lvmd's resident memory, Xen's free memory,
# dom0's available memory and dom0's event channel ports in use. At the
# end, the ratios to level 1 and what each guest took (Xen, dom0, lvmd).
# Run in the box with room for the last level:
#   XENBOX_XEN_ARGS=sched=credit tests/xenbox/xenbox -X -m 7168 -d 1536 -t 4000 run bench/density.sh
# (sched=credit: with credit2 the emulated box stalled at a few hundred
# guests; docs/benchmarks.md, "Density")
set -u
. "$(dirname "$0")/dom0.sh"
LEVELS=${1:-1 400 1000 2000 4000}
PROBES=${2:-20}
STATE=/run/lvm-bench-density
img=$BUILD/guests/noop.xen
die() { echo "bench-density: $*" >&2; exit 1; }
[ -f "$img" ] || die "no guest image $img"
pool_ready() { lvm pool | awk '$1 == "1x1" { print ($5 == 0 ? $4 : 0) }'; }
wait_ready() {
	local i
	for i in $(seq 1 400); do
		[ "$(pool_ready)" -ge 1 ] && return 0
		sleep 0.05
	done
	die "pool not refilled: $(lvm pool)"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$STATE/lvmd.pid")/status"; }
xen_free_mib() { timeout 20 xl info 2>/dev/null | awk '$1 == "free_memory" { print $3 }'; }
dom0_avail_mib() { awk '/^MemAvailable:/ { printf "%d\n", $2 / 1024 }' /proc/meminfo; }
dom0_ports() { timeout 60 lsevtchn 0 2>/dev/null | wc -l; }

ulimit -n 65536 2>/dev/null
rm -rf "$STATE"
"${LVMD:-lvmd}" -d -S "$STATE" -c /dev/null -P 1:1:1 || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
trap 'kill "$(cat "$STATE/lvmd.pid")" 2>/dev/null' EXIT
if grep -q "VIRQ_DOM_EXC is held" "$STATE/lvmd.log"; then
	echo "bench-density: xenstored holds VIRQ_DOM_EXC (lvmd: noxs guests' own events, a sweep every 2 s)"
else
	echo "bench-density: lvmd holds VIRQ_DOM_EXC (no xenstored)"
fi
echo "bench-density: noop, 1 MiB, 1 vCPU; levels $LEVELS; $PROBES probes of each kind per level"

# one KIND I: one timed creation, its figures appended to $STATE/KIND.*.
one() {
	local kind=$1 i=$2 out ph
	out=$(lvm create "$img" --name "$kind$i" --memory 1 --vcpus 1 --json --timing) ||
		die "lvm create $kind$i: $out"
	grep -qE '"pool_hit": ?true' <<<"$out" || die "$kind$i: missed the pool: $out"
	awk -v v="$(field total_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/$kind.lvmd.ms"
	for ph in claim build devices unpause; do
		awk -v v="$(field ${ph}_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/$kind.$ph.ms"
	done
	lvm destroy "$kind$i" >/dev/null || die "lvm destroy $kind$i"
}
# probe: PROBES rounds, one creation of each kind in turn.
probe() {
	local i
	rm -f "$STATE"/warm.* "$STATE"/pool.*
	for i in $(seq 1 "$PROBES"); do
		lvm pool set 1x1 1 "$img" >/dev/null || die "warm"
		wait_ready; one warm "$i"
		lvm pool set 1x1 1 >/dev/null || die "pool"
		wait_ready; one pool "$i"
	done
}
summary() { printf '%s (p10 %s, p90 %s)' "$(median <"$STATE/$1.lvmd.ms")" "$(pct 0.1 <"$STATE/$1.lvmd.ms")" "$(pct 0.9 <"$STATE/$1.lvmd.ms")"; }
phases() { local ph; for ph in claim build devices unpause; do printf ' %s %s' "$ph" "$(median <"$STATE/$1.$ph.ms")"; done; }

lvm create "$img" --name warmup --memory 1 >/dev/null && lvm destroy warmup >/dev/null
up=0 free0= rss0= avail0= fill_ms=0 first=
for L in $LEVELS; do
	if [ -z "$free0" ]; then
		free0=$(xen_free_mib) rss0=$(rss_kib) avail0=$(dom0_avail_mib)
	fi
	t0=$(now_us)
	n0=$up
	while [ "$up" -lt "$L" ]; do
		out=$(lvm create "$img" --name "up-$up" --memory 1 --vcpus 1 2>&1) || {
			echo "  stopped at $up running: $out"
			break 2
		}
		up=$((up + 1))
		# Progress, so that a slow box is told from a stuck one.
		[ $((up % 100)) -ne 0 ] ||
			echo "  $up running, $(( ($(now_us) - t0) / 1000 / (up - n0) )) ms a guest since the last level"
	done
	[ "$up" -gt "$n0" ] && fill_ms=$(( ($(now_us) - t0) / 1000 / (up - n0) ))
	probe
	w=$(median <"$STATE/warm.lvmd.ms") p=$(median <"$STATE/pool.lvmd.ms")
	[ -n "$first" ] || { w1=$w p1=$p first=1; }
	printf 'level %d running: warm %s ms, %s/1 %s; pool %s ms, %s/1 %s; lvmd %s KiB; Xen free %s MiB; dom0 available %s MiB; dom0 ports %s; fill %s ms a guest (command)\n' \
		"$up" "$(summary warm)" "$up" "$(ratio "$w" "$w1")" "$(summary pool)" "$up" "$(ratio "$p" "$p1")" \
		"$(rss_kib)" "$(xen_free_mib)" "$(dom0_avail_mib)" "$(dom0_ports)" "$fill_ms"
	printf '  warm phases:%s\n  pool phases:%s\n' "$(phases warm)" "$(phases pool)"
done
free1=$(xen_free_mib) rss1=$(rss_kib) avail1=$(dom0_avail_mib)
if [ "$up" -gt 0 ] && [ -n "$free0" ] && [ -n "$free1" ]; then
	awk -v n="$up" -v a="$free0" -v b="$free1" -v r0="$rss0" -v r1="$rss1" -v d0="$avail0" -v d1="$avail1" 'BEGIN {
		printf "per guest (%d up; from before the first to the last level): Xen %.3f MiB, dom0 %.3f MiB, lvmd %.2f KiB; Xen free left %d MiB\n",
			n, (a - b) / n, (d0 - d1) / n, (r1 - r0) / n, b }'
fi
t0=$(now_us)
"$BUILD/bin/lvm-bench-lvm" --destroy-prefix up- >/dev/null || echo "  teardown failed"
echo "bench-density: $up destroyed in $(( ($(now_us) - t0) / 1000 )) ms"
