#!/bin/bash
# bench/quick.sh [N] — `lvm create` against the bare libxenguest build of
# the same image, in one dom0, cold (no shell pool): N creations of each
# (default 20), each guest destroyed right after it is timed. Prints the
# medians and their ratios. Run it in the box: make bench-quick.
#
# Figures (all medians, ms):
#   bare       lvm-bare-build's own time per domain (in-process: create,
#              memory, build, unpause), in batches of N/2, -D
#   bare-1     the same for the one domain of `lvm-bare-build -n 1` (a
#              fresh process, after the same pause as lvm's creations)
#   lvmd       lvm create as lvmd measured it: request received -> reply
#   client     lvm create as liblvm saw it: request sent -> reply
#   command    `lvm create` as a command: exec to exit
#   bare-cmd   `lvm-bare-build -n 1` as a command: exec to exit
# The target is lvmd/bare <= 1.3: what lvm adds to building a domain.
# command/bare-cmd compares the two as programs. In the box, other work on
# the machine only ever adds time, so the minima are printed too: their
# ratio is the steadier figure when the box is not alone.
set -u
. "$(dirname "$0")/dom0.sh"
N=${1:-20}
STATE=/run/lvm-bench
die() { echo "bench-quick: $*" >&2; exit 1; }

img=$BUILD/guests/noop.xen
[ -f "$img" ] || img=$BUILD/guests/hello.xen
[ -f "$img" ] || die "no guest image"
minimum() { sort -n | head -n 1; }

rm -rf "$STATE"
lvmd -d -S "$STATE" || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
trap 'kill "$(cat "$STATE/lvmd.pid")" 2>/dev/null' EXIT
echo "bench-quick: $(basename "$img"), $N cold creations each, 4 MiB, 1 vCPU"

# Kept after poweroff, so that each is destroyed by us whatever the guest.
cfg=$STATE/guest.cfg
printf 'kernel = "%s"\nmemory = 4\non_poweroff = "preserve"\non_crash = "preserve"\n' \
	"$img" >"$cfg"
# One warm-up of each, not counted (page cache, first-use costs).
lvm create "$cfg" --name warm >/dev/null && lvm destroy warm
lvm-bare-build -n 1 "$img" >/dev/null 2>&1

rm -f "$STATE"/*.ms
# Alternating blocks (half of each per round), so that what else the
# machine does weighs on both sides alike. The bare builds run back to back
# in one process, warm like lvmd, each destroyed once timed (-D: a guest
# left running with nobody reading its console would load the machine).
half=$(((N + 1) / 2))
i=0
for round in 1 2; do
	for _ in $(seq 1 "$half"); do
		[ "$i" -lt "$N" ] || break
		i=$((i + 1))
		t0=$(now_us)
		out=$(lvm create "$cfg" --name "b$i" --json) || die "lvm create #$i: $out"
		t1=$(now_us)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }' >>"$STATE/command.ms"
		awk -v v="$(field total_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/lvmd.ms"
		awk -v v="$(field client_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/client.ms"
		for ph in queue prepare load build devices unpause; do
			awk -v v="$(field ${ph}_ns <<<"$out")" 'BEGIN { printf "%.3f\n", v / 1e6 }' >>"$STATE/$ph.ms"
		done
		lvm destroy "b$i" || die "lvm destroy b$i"
		t0=$(now_us)
		b1=$(lvm-bare-build -n 1 "$img" 2>&1) || die "lvm-bare-build -n 1: $b1"
		t1=$(now_us)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }' >>"$STATE/bare-cmd.ms"
		sed -n 's/^bare: d[0-9]* \([0-9.]*\) ms.*/\1/p' <<<"$b1" >>"$STATE/bare-1.ms"
	done
	bout=$(lvm-bare-build -n "$half" -D "$img" 2>&1) || die "lvm-bare-build -n $half: $bout"
	sed -n 's/^bare: d[0-9]* \([0-9.]*\) ms.*/\1/p' <<<"$bout" >>"$STATE/bare.ms"
done
[ "$(wc -l <"$STATE/bare.ms")" -ge "$N" ] || die "lvm-bare-build printed too few times: $bout"
bare=$(median <"$STATE/bare.ms")
lvmd_ms=$(median <"$STATE/lvmd.ms")
client_ms=$(median <"$STATE/client.ms")
cmd_ms=$(median <"$STATE/command.ms")
bcmd_ms=$(median <"$STATE/bare-cmd.ms")
printf '  %-9s %9s %9s   (ms)\n' "" median min
for k in bare bare-1 lvmd client command bare-cmd; do
	printf '  %-9s %9s %9s\n' "$k" "$(median <"$STATE/$k.ms")" "$(minimum <"$STATE/$k.ms")"
done
printf '  lvmd phases (medians, ms):'
for ph in queue prepare load build devices unpause; do
	printf ' %s %s' "$ph" "$(median <"$STATE/$ph.ms")"
done
printf '\n'
printf '  ratio lvmd/bare %s (of minima %s; against bare-1 %s)   command/bare-cmd %s   (target lvmd/bare <= 1.3)\n' \
	"$(ratio "$lvmd_ms" "$bare")" \
	"$(ratio "$(minimum <"$STATE/lvmd.ms")" "$(minimum <"$STATE/bare.ms")")" \
	"$(ratio "$lvmd_ms" "$(median <"$STATE/bare-1.ms")")" \
	"$(ratio "$cmd_ms" "$bcmd_ms")"
[ -z "$(lvm list --json | field domid)" ] || die "guests left behind"
