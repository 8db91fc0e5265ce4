#!/bin/bash
# bench/names.sh [N] [ROUNDS] — what publishing guests' names in XenStore
# (lvmd's names backend, xsname.c) costs a create, in one dom0 with
# xenstored: creates of noop (4 MiB, 1 vCPU) from a pool built ahead,
# through liblvm in-process (lvm-bench-lvm, every create a pool hit), with
# lvmd publishing names (the default) and with `lvmd -x`, in alternating
# blocks of N creates (default 40), ROUNDS of each (default 3), so that
# what else the machine does falls on both alike. Prints each mode's
# median, p90 and spread of the create call ("returned") and of create to
# the guest's ready mark ("running"), and the ratios on/off. The target:
# on/off <= 1.05. Run it in the box (with xenstored):
#   tests/xenbox/xenbox -t 900 run bench/names.sh
set -u
. "$(dirname "$0")/dom0.sh"
N=${1:-40}
ROUNDS=${2:-3}
STATE=/run/lvm-bench-names
RAW=$STATE.csv
die() { echo "bench-names: $*" >&2; exit 1; }

img=$BUILD/guests/noop.xen
[ -f "$img" ] || die "no $img"
xenstore-read /local/domain/0/domid >/dev/null 2>&1 || die "xenstored is not running"
PID=
stop_lvmd() {
	[ -n "$PID" ] || return 0
	kill "$PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
	PID=
}
trap 'lvm-bench-lvm --destroy-prefix nmb >/dev/null 2>&1; stop_lvmd' EXIT

lvm-bench-stats -H >"$RAW"
echo "bench-names: noop from a pool built ahead, $N creates x $ROUNDS rounds per mode"
for r in $(seq "$ROUNDS"); do
	for mode in names-on names-off; do
		rm -rf "$STATE"
		if [ $mode = names-off ]; then lvmd -d -S "$STATE" -x; else lvmd -d -S "$STATE"; fi ||
			die "lvmd did not start"
		PID=$(cat "$STATE/lvmd.pid")
		export LVM_SOCKET=$STATE/lvmd.sock
		lvm-bench-lvm -k "$img" -M 4 -p nmb -n "$N" -w 3 -P 4 -I "$img" -e hit \
			-t 60 --experiment names --system lvm --mode "$mode" --running 0 >>"$RAW" ||
			die "round $r, $mode failed"
		if [ $mode = names-on ]; then
			# the names were removed with their guests (a batch waits 5 ms)
			sleep 0.5
			n=$(xenstore-list /local/domain 2>/dev/null | grep -vc '^0$')
			[ "$n" -le 4 ] || die "$n domains' entries left in XenStore"
		fi
		lvm-bench-lvm --destroy-prefix nmb >/dev/null 2>&1
		stop_lvmd
	done
done
lvm-bench-stats "$RAW" | awk -F, '
	NR == 1 { next }
	{ k = $3 "," $4; p50[k] = $8; p90[k] = $9; mn[k] = $7; mx[k] = $11; n[k] = $6
	  printf "  %-10s %-9s n %4d  median %8.3f ms  p90 %8.3f  min %8.3f  max %8.3f\n", $3, $4, $6, $8, $9, $7, $11 }
	END {
	  for (c in p50) {
	    split(c, a, ",");
	    if (a[1] != "names-on") continue;
	    off = "names-off," a[2];
	    if (p50[off] > 0) printf "  on/off %-9s %.2f (target <= 1.05)\n", a[2], p50[c] / p50[off];
	  }
	}'
