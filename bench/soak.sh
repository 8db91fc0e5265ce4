#!/bin/bash
# bench/soak.sh [--cycles N] [--every M] [--out DIR] — the soak (issue 10):
# N create/destroy cycles of noop (default 10000) with lvmd's pool of the
# shape on (lvmd -P 4:1:2), then N more with a pool built ahead for noop
# (lvm pool set 4x1 2 noop.xen), one lvmd throughout. Every M cycles
# (default 500), with the pool refilled and idle, it samples lvmd's
# resident memory (VmRSS), its open descriptors, the event channels it has
# bound in dom0 (its "evtchn:lvmd" lines in /proc/interrupts) and its
# foreign mappings (privcmd-backed lines of /proc/PID/maps, and their
# size) into DIR/soak.csv (default $LVM_OUT, else /tmp/lvm-soak).
# Then, per phase and series: after the first 1000 cycles (or half the
# phase, if shorter) none may grow by more than 1% over its value there;
# prints PASS or FAIL per series, and exits 1 if any failed.
# The cycles are driven by lvm-bench-lvm (liblvm in-process: create, wait
# for the guest's ready mark, destroy), M per call.
#   make soak [CYCLES=N]        in the box, with the plot
#   bench/soak.sh --plot CSV    the plot, CSV's name with .png (gnuplot;
#                               on the host: the box has none)
#   bench/soak.sh --from-log LOG CSV   the CSV again from the sample lines
#                               of a console log (a run that did not end
#                               brings no /out back); domains left empty
#   bench/soak.sh --verdict CSV the verdict on a CSV (cycle 1000 the point
#                               of reference: a full-length run's)
set -u
. "$(dirname "$0")/dom0.sh"
CYCLES=10000
EVERY=500
OUT=${LVM_OUT:-/tmp/lvm-soak}
STATE=/run/lvm-soak
WARM=1000
LIMIT_PCT=1
die() { echo "soak: $*" >&2; exit 1; }

# plot CSV: one panel per series, both phases, against the cycle.
plot() {
	local csv=$1 png=${1%.csv}.png
	[ -f "$csv" ] || die "no $csv"
	command -v gnuplot >/dev/null || die "no gnuplot to plot $csv"
	gnuplot <<EOT || die "gnuplot failed on $csv"
set terminal pngcairo size 1100,800 font "DejaVu Sans,10" noenhanced
set output "$png"
set datafile separator ","
set key top left
set xlabel "cycle"
set multiplot layout 2,2 title "lvmd over the soak, per phase"
do for [s in "rss_kb fds evtchn foreign_kb"] {
	col = s eq "rss_kb" ? 4 : s eq "fds" ? 5 : s eq "evtchn" ? 6 : 8
	set title s
	plot "$csv" using (strcol(1) eq "pool" ? \$2 : NaN):col with linespoints title "pool", \
	     "$csv" using (strcol(1) eq "built" ? \$2 : NaN):col with linespoints title "built ahead"
}
unset multiplot
EOT
	echo "soak: plot $png"
}

# verdict CSV: per phase and series, the largest value after cycle WARM
# against the value at WARM; sets fails.
verdict() {
	local ph col line
	fails=0
	for ph in pool built; do
		for col in 4:rss_kb 5:fds 6:evtchn 7:foreign_maps 8:foreign_kb; do
			line=$(awk -F, -v ph="$ph" -v c="${col%%:*}" -v w="$WARM" -v lim="$LIMIT_PCT" '
				$1 == ph && $2 == w { base = $c }
				$1 == ph && $2 > w && (max == "" || $c > max) { max = $c }
				END {
					if (base == "" || max == "") { print "FAIL no samples after cycle " w; exit }
					g = base > 0 ? 100 * (max - base) / base : (max > 0 ? 100 : 0)
					printf "%s %s at cycle %d, at most %s after (%+.2f%%, limit %s%%)\n",
						(g <= lim ? "PASS" : "FAIL"), base, w, max, g, lim
				}' "$1")
			printf '  %-5s %-13s %s\n' "$ph" "${col#*:}" "$line"
			[ "${line%% *}" = PASS ] || fails=$((fails + 1))
		done
	done
}

# from_log LOG CSV: the sample lines of a console log as soak.csv rows.
from_log() {
	[ -f "$1" ] && [ -n "$2" ] || die "usage: bench/soak.sh --from-log LOG CSV"
	echo "phase,cycle,seconds,rss_kb,fds,evtchn,foreign_maps,foreign_kb,domains,anon_kb,file_kb,heap_kb" >"$2" ||
		die "cannot write $2"
	tr -d '\r' <"$1" | awk '
		($1 == "pool" || $1 == "built") && $3 == "cycles" && $5 == "rss" && NF == 22 {
			gsub(/[s,)]/, "", $4); gsub(/,/, "", $9); gsub(/,/, "", $11); gsub(/\)/, "", $13)
			print $1 "," $2 "," $4 "," $6 "," $15 "," $17 "," $19 "," $21 ",," $9 "," $11 "," $13
		}' >>"$2"
	echo "soak: $(($(wc -l <"$2") - 1)) samples in $2"
}

while [ $# -gt 0 ]; do
	case $1 in
	--cycles) CYCLES=${2-}; shift 2 ;;
	--every) EVERY=${2-}; shift 2 ;;
	--out) OUT=${2-}; shift 2 ;;
	--plot) plot "${2-}"; exit 0 ;;
	--from-log) from_log "${2-}" "${3-}"; exit 0 ;;
	--verdict) [ -f "${2-}" ] || die "usage: bench/soak.sh --verdict CSV"
		verdict "$2"; echo "soak: $2; $fails series failed"; [ $fails = 0 ]; exit ;;
	*) die "usage: bench/soak.sh [--cycles N] [--every M] [--out DIR] | --plot CSV | --from-log LOG CSV | --verdict CSV" ;;
	esac
done
[[ "$CYCLES" =~ ^[1-9][0-9]*$ && "$EVERY" =~ ^[1-9][0-9]*$ ]] || die "--cycles and --every take a positive count"
[ $((CYCLES % EVERY)) = 0 ] || die "--cycles ($CYCLES) must be a multiple of --every ($EVERY)"
[ "$WARM" -le $((CYCLES / 2)) ] || WARM=$(((CYCLES / 2) / EVERY * EVERY))
img=$BUILD/guests/noop.xen
[ -f "$img" ] || die "no guest image $img"
mkdir -p "$OUT" || die "cannot make $OUT"
csv=$OUT/soak.csv

rm -rf "$STATE"
lvmd -d -S "$STATE" -c /dev/null -P 4:1:2 || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
pid=$(cat "$STATE/lvmd.pid")
# A heartbeat every HEARTBEAT_S seconds (default 120; 0: none): where the
# soak is (the block of cycles it started last), the load, dom0's free
# memory, where lvmd's threads wait and the cycle driver's state and wait,
# so that a soak that stops shows whether dom0 still runs (lines go on)
# and who waits for what. All from /proc: nothing that could hang itself.
heartbeat() {
	local t w d c
	while sleep "${HEARTBEAT_S:-120}"; do
		w=
		for t in /proc/"$pid"/task/*; do
			w+=" $(cat "$t/comm" 2>/dev/null):$(cut -d' ' -f3 "$t/stat" 2>/dev/null):$(cat "$t/wchan" 2>/dev/null)"
		done
		for d in /proc/[0-9]*; do
			c=
			read -r c 2>/dev/null <"$d/comm"
			case $c in
			lvm-bench-lvm) w+=" bench:$(cut -d' ' -f3 "$d/stat" 2>/dev/null):$(cat "$d/wchan" 2>/dev/null)" ;;
			xenstored) w+=" xenstored:$(awk '$1 == "VmRSS:" { print $2 }' "$d/status" 2>/dev/null)kB" ;;
			esac
		done
		echo "soak: heartbeat ${SECONDS}s at $(cat "$STATE/at" 2>/dev/null) load $(cut -d' ' -f1-3 /proc/loadavg) avail $(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo) kB /run $(du -sk /run 2>/dev/null | cut -f1) kB lvmd$w"
	done
}
hb=
[ "${HEARTBEAT_S:-120}" != 0 ] && { heartbeat & hb=$!; }
trap 'lvm-bench-lvm --destroy-prefix soak >/dev/null 2>&1; kill "$pid" $hb 2>/dev/null' EXIT

# evtchns: the event channels lvmd has bound (the kernel names each port
# bound through /dev/xen/evtchn "evtchn:" and the binder's name).
evtchns() { grep -c 'evtchn:lvmd$' /proc/interrupts; }
# foreign: "MAPS KB", lvmd's privcmd-backed mappings and their size.
foreign() {
	local maps=0 kb=0 range
	while read -r range _; do
		maps=$((maps + 1))
		kb=$((kb + (0x${range#*-} - 0x${range%-*}) / 1024))
	done < <(grep privcmd "/proc/$pid/maps")
	echo "$maps $kb"
}

# mem: "ANON FILE HEAP", lvmd's resident anonymous and file-backed kB
# (/proc/PID/status) and the resident kB of its main heap ([heap] in
# smaps; threads' malloc arenas are anonymous mappings apart): where RSS
# grows, when it does.
mem() {
	local anon file heap
	anon=$(awk '$1 == "RssAnon:" { print $2 }' "/proc/$pid/status")
	file=$(awk '$1 == "RssFile:" { print $2 }' "/proc/$pid/status")
	heap=$(awk '/\[heap\]/ { h = 1; next } h && $1 == "Rss:" { print $2; exit }' "/proc/$pid/smaps")
	echo "${anon:-0} ${file:-0} ${heap:-0}"
}

# anon PHASE CYCLE: lvmd's mappings that hold anonymous pages, one line
# each ("PHASE CYCLE RANGE NAME RSS_KB ANON_KB"), appended to
# DIR/smaps.txt; on the console, those whose anonymous kB changed since
# the sample before (malloc arenas and thread stacks are unnamed: told
# apart by their range): where the anonymous memory moves, when it does.
anon() {
	awk -v ph="$1" -v c="$2" '
		/^[0-9a-f]+-[0-9a-f]+ / { r = $1; n = $6 == "" ? "-" : $6; next }
		$1 == "Rss:" { rss = $2 }
		$1 == "Anonymous:" && $2 > 0 { print ph, c, r, n, rss, $2 }' \
		"/proc/$pid/smaps" >"$STATE/anon.cur"
	cat "$STATE/anon.cur" >>"$OUT/smaps.txt"
	[ -f "$STATE/anon.prev" ] && awk '
		NR == FNR { a[$3] = $6; n[$3] = $4; next }
		!($3 in a) { printf "    anon %s %s: new, %s kB\n", $3, $4, $6; next }
		a[$3] != $6 { printf "    anon %s %s: %s -> %s kB\n", $3, $4, a[$3], $6 }
		{ seen[$3] = 1 }
		END { for (r in a) if (!(r in seen)) printf "    anon %s %s: gone (%s kB)\n", r, n[r], a[r] }' \
		"$STATE/anon.prev" "$STATE/anon.cur"
	mv "$STATE/anon.cur" "$STATE/anon.prev"
}

# sample PHASE CYCLE: one CSV row, once lvmd is at rest: the pool full
# and idle (its refill thread returns the malloc arenas' free pages
# before a shell counts ready), then a second for the names thread's last
# batch (written 5 ms after the last destroy, then trimmed likewise): what
# an operator looking at an idle lvmd sees, whatever the timing of the
# cycles before.
sample() {
	local rss fds ev maps kb anon file heap changed
	lvm-bench-lvm --pool 4:1:2 ${IMAGE:+-I "$IMAGE"} -t 60 ||
		die "$1 $2: the pool did not refill"
	sleep 1
	rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
	fds=$(ls "/proc/$pid/fd" | wc -l)
	ev=$(evtchns)
	read -r maps kb < <(foreign)
	read -r anon file heap < <(mem)
	changed=$(anon "$1" "$2")    # before lvm list, a client of lvmd's
	echo "$1,$2,$SECONDS,$rss,$fds,$ev,$maps,$kb,$(lvm list --all --json | grep -c '"domid"'),$anon,$file,$heap" >>"$csv"
	printf '  %-5s %6s cycles  %5ss  rss %s kB (anon %s, file %s, heap %s)  fds %s  evtchn %s  foreign %s maps, %s kB\n' \
		"$1" "$2" "$SECONDS" "$rss" "$anon" "$file" "$heap" "$fds" "$ev" "$maps" "$kb"
	[ -z "$changed" ] || echo "$changed"
}

# phase NAME: CYCLES cycles in blocks of EVERY, a sample before and after each.
phase() {
	local c=0
	sample "$1" 0
	while [ $c -lt "$CYCLES" ]; do
		echo "$1 $c+$EVERY" >"$STATE/at"
		lvm-bench-lvm -k "$img" -M 4 -p soak -n "$EVERY" -w 0 -e any -t 30 >/dev/null ||
			die "$1: the cycles after $c failed"
		c=$((c + EVERY))
		sample "$1" "$c"
	done
}

# The probe: with one guest up, its two ports and its pages must show, or
# the series would count nothing at all.
lvm create "$img" --name soak-probe >/dev/null || die "cannot create the probe guest"
probe_ev=$(evtchns)
probe_maps=$(foreign)
lvm destroy soak-probe >/dev/null || die "cannot destroy the probe guest"
[ "$probe_ev" -ge 2 ] || die "lvmd's event channels do not show in /proc/interrupts ($probe_ev with a guest up)"
echo "soak: with one guest up, lvmd holds $probe_ev event channels and ${probe_maps% *} foreign mappings (${probe_maps#* } kB)"

echo "phase,cycle,seconds,rss_kb,fds,evtchn,foreign_maps,foreign_kb,domains,anon_kb,file_kb,heap_kb" >"$csv"
echo "soak: $CYCLES cycles with the pool on, then $CYCLES with a pool built ahead; a sample every $EVERY"
IMAGE= phase pool
lvm pool set 4x1 2 "$img" >/dev/null || die "cannot build the pool ahead for $img"
IMAGE=$img phase built

verdict "$csv"
echo "soak: $csv; $fails series failed"
[ $fails = 0 ]
