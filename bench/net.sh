#!/bin/bash
# bench/net.sh [P] [ROUNDS] — issue 11's networking figures, one run, in
# the box (tests/xenbox/xenbox -t 1500 run bench/net.sh) or as root in a real
# dom0. Starts its own lvmd (bridge lvmbr0 on 198.18.0.1/16, made by lvmd)
# with a 4x1 pool of 2 that is switched, per phase, between shells built
# ahead for noop and for daytime (lvm-bench-lvm --pool 4:1:2 -I IMAGE), so
# every timed create is a pool hit. ROUNDS (default 3) interleaved rounds
# of P (default 5) samples of each kind:
#   noop     `lvm create noop.xen --json --timing`: the command (exec to
#            exit), lvmd's total and its ready mark; the command's create
#            to ready is the command minus lvmd's (total - ready), the
#            time lvmd held the reply for the ready mark;
#   daytime  lvm-bench-reply around `lvm create daytime.xen --vif ip=A`:
#            spawn to the first byte of daytime's reply on TCP 13 (each
#            sample its own address, so every one starts with an empty ARP
#            entry: the guest's gratuitous ARP is what resolves it), and
#            spawn to the command's exit; lvmd's total;
#   once     daytime as above with a client that connects once (a step of
#            60 s: no second try), as most clients do: a SYN sent while
#            the guest boots must reach it when its vif connects;
#   seeded   daytime as above, its MAC given and dom0's ARP entry for it
#            set beforehand: what ARP costs the cold series;
#   vif      `lvm create daytime.xen --vif ip=A --json` from the pool
#            built ahead for daytime, whose shells hold the vif's TAP
#            made ahead: the command (exec to exit) and lvmd's total;
#   late     the same with `mtu=1400` added: the TAP made ahead does not
#            fit, so it is made at create (what every create paid before
#            the pool held it);
#   novif    `lvm create noop.xen --json` from the pool built ahead for
#            noop (no vif: daytime's manifest gives it one even when none
#            is asked for): command and lvmd's total;
#   process  lvm-bench-reply -f (fork+exec) of the static
#            lvm-bench-daytimed on the bridge's address: start to first
#            byte; 1 + P samples a round from one client process, the
#            first a warm-up, not counted (as for library);
#   fresh    the same process from a new copy of its binary each time
#            (copied before t0): its code in pages never run before. In
#            the box QEMU translates code the first time it runs from a
#            page, and a guest's image is always in new pages, so this is
#            the box's like for like for a guest; on hardware it costs
#            what the process does;
#   container the same process in `docker run -d --rm --network host`
#            of a busybox image (where dockerd answers: the box's
#            --containers): start of docker run to first byte;
#   library  the same two through liblvm in-process, by a client that
#            lives on, as a platform's engine does: for daytime
#            lvm-bench-reply -L -n (lvm_create() on its main thread, the
#            connects from a thread made before t0, 1 + P creates a
#            round from one process), for noop lvm-bench-lvm (create
#            call to ready mark, 1 + P creates a round); the first of
#            each a warm-up, not counted (its client code cold). Also
#            lvmd's queue and the client's request -> reply for daytime.
# The lvm commands of noop, vif, late, novif and isolation are timed by
# lvm-bench-cmd (its fork to the command's exit), as the rest of the
# harness times commands; the daytime series by lvm-bench-reply.
# While no connect has brought a reply, a new one starts every STEP_MS ms
# (default 10; lvm-bench-reply -w), the earlier ones left open (at most
# 64: bench/netconn.h), for every series alike. For vif,
# late and novif, lvmd's phases of the create (its --json timing) are
# printed too, with "other" the time before the claim (vif check,
# addresses, manifest).
# Then throughput: one sink guest (TCP 9, discard), lvm-bench-stream for
# STREAM_S seconds (default 5) from dom0, and the same to the stock Linux
# guest (guests/linux, XenStore mode, the kernel's netback; busybox nc
# discarding on TCP 9; NET_LINUX=0 leaves it out). Then isolation: NSTREAMS (10)
# sink guests streamed to at full speed, ISO_ROUNDS (3) rounds of P noop
# creates with the streams stopped (SIGSTOP: the network idle) and
# running, by the command and through liblvm (1 + P from one client, the
# first a warm-up), and as a reference a static no-op's spawn after each
# command (what the streams do to any process's start). Prints medians, p10/p90, ratios and PASS/FAIL against issue
# 11's targets. Exits 0 when the run itself worked (a FAIL is a figure).
# NET_LVMD (default lvmd) and NET_GUESTS (default the build's guests
# directory, for daytime.xen and sink.xen) run another lvmd and other
# images: two builds compared in one box.
set -u -o pipefail
. "$(dirname "$0")/dom0.sh"
. "$(dirname "$0")/lib.sh"
P=${1:-5}
ROUNDS=${2:-3}
STREAM_S=${STREAM_S:-5}
NSTREAMS=${NSTREAMS:-10}
ISO_ROUNDS=${ISO_ROUNDS:-3}
STEP_MS=${STEP_MS:-10}
STATE=/run/lvm-bench-net
BR=lvmbr0 BRADDR=198.18.0.1
die() {
	echo "bench-net: $*" >&2
	echo "  bridge $BR MAC at the start ${BRMAC0:-?}, now $(brmac 2>/dev/null)" >&2
	tail -n 5 "$STATE/lvmd.log" 2>/dev/null | sed 's/^/  lvmd.log: /' >&2
	exit 1
}

LVMD=${NET_LVMD:-lvmd} GDIR=${NET_GUESTS:-$BUILD/guests}
noop=$BUILD/guests/noop.xen day=$GDIR/daytime.xen sink=$GDIR/sink.xen
for f in "$noop" "$day" "$sink"; do [ -f "$f" ] || die "no guest image $f"; done
for t in "$LVMD" lvm-bench-reply lvm-bench-daytimed lvm-bench-stream lvm-bench-lvm lvm-bench-spawn lvm-bench-trivial lvm-bench-cmd lvm-bench-clock; do
	command -v "$t" >/dev/null || die "no $t in $BUILD/bin"
done
[ -e /dev/net/tun ] || die "no /dev/net/tun in this dom0"
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
# cmd_ms OUT CMD...: CMD timed from its fork to its exit by lvm-bench-cmd,
# as the rest of the harness times commands (not from this shell, whose
# own fork would be in the figure); the milliseconds on stdout, CMD's
# output in OUT. Fails as CMD does.
cmd_ms() {
	local out=$1
	shift
	lvm-bench-cmd -- "$@" 2>"$out" | awk -F, '$4 == "returned" { print $7; ok = 1 } END { exit !ok }'
}
# pct P FILE: the P-th percentile of FILE's numbers (nearest rank).
pct() { sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100 + 0.5) + 1; print (NR ? v[i] : "-") }'; }
field() { sed -n "s/^ *\"$1\": *\([0-9a-z]*\),\{0,1\}$/\1/p" "$2" | head -n1; }
ns_ms() { awk -v v="$1" 'BEGIN { printf "%.3f\n", v / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v m="$2" 'BEGIN { print (r != "-" && r <= m ? "PASS" : "FAIL") }'; }
pool() { lvm-bench-lvm --pool 4:1:2 -I "$1" -t 60 >/dev/null || die "the pool did not fill for $1: $(lvm pool)"; }
hit() { grep -qE '"pool_hit": ?true' "$1" || die "$2: not a pool hit: $(cat "$1")"; }

rm -rf "$STATE"
echo "bench-net: $LVMD, guests $day and $sink"
echo "dom0's clock: $(lvm-bench-clock 2>&1)"
"$LVMD" -d -S "$STATE" -c /dev/null -P 4:1:2 || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
LVMD_PID=$(cat "$STATE/lvmd.pid")
STREAM_PIDS=
cleanup() {
	local g
	[ -n "$STREAM_PIDS" ] && kill -CONT $STREAM_PIDS 2>/dev/null && kill $STREAM_PIDS 2>/dev/null
	for g in $(lvm list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		lvm destroy "$g" >/dev/null 2>&1
	done
	kill "$LVMD_PID" 2>/dev/null
	[ -n "${CTR:-}" ] && { docker rm -f lvm-net-day; docker rmi "$CTR_IMAGE"; } >/dev/null 2>&1
}
trap cleanup EXIT
[ -d "/sys/class/net/$BR/bridge" ] || die "lvmd made no bridge $BR"
# The bridge's MAC must not change while TAPs come and go (lvmd sets it:
# addr_assign_type 3), or guests answer to a MAC dom0 no longer has.
brmac() { echo "$(cat "/sys/class/net/$BR/address") (addr_assign_type $(cat "/sys/class/net/$BR/addr_assign_type"))"; }
BRMAC0=$(brmac)
echo "bench-net: bridge $BR MAC $BRMAC0"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "bench-net: $ROUNDS rounds of $P samples per kind, connects every $STEP_MS ms; dom0 load $(load), $(nproc) CPUs"

# noop_one I: one noop create (--timing: lvmd replies at the ready mark).
noop_one() {
	local o=$STATE/out.json c
	c=$(cmd_ms "$o" lvm create "$noop" --name "noop-$1" --json --timing) ||
		die "lvm create noop-$1: $(cat "$o")"
	hit "$o" "noop-$1"
	local tot rdy; tot=$(field total_ns "$o") rdy=$(field ready_ns "$o")
	[ -n "$rdy" ] || die "noop-$1: no ready mark: $(cat "$o")"
	echo "$c" >>"$STATE/noop.cmd"
	ns_ms "$rdy" >>"$STATE/noop.ready"
	awk -v c="$c" -v t="$tot" -v r="$rdy" 'BEGIN { printf "%.3f\n", c - (t - r) / 1e6 }' >>"$STATE/noop.cmdready"
	lvm destroy "noop-$1" >/dev/null || die "lvm destroy noop-$1"
}
# seed_arp ADDR MAC: dom0's ARP entry for ADDR set (iproute2, else
# busybox's arp, as the box has).
seed_arp() {
	ip neigh replace "$1" lladdr "$2" dev "$BR" nud permanent 2>/dev/null ||
		arp -i "$BR" -s "$1" "$2" 2>/dev/null
}
SEEDED=1
seed_arp 198.18.9.9 00:16:3e:5e:ff:ff || SEEDED=0
{ ip neigh del 198.18.9.9 dev "$BR" || arp -i "$BR" -d 198.18.9.9; } >/dev/null 2>&1
# guest_diag NAME ADDR: what a guest that did not answer shows, on
# stderr: lvm info (its vif and counters), its console's end, dom0's
# neighbour entry for ADDR and its TAP's counters; then a ping.
guest_diag() {
	local log d f
	{
		lvm info "$1" 2>&1 | sed 's/^/  info: /'
		log=$(lvm info "$1" 2>/dev/null | sed -n 's/^console log: *//p')
		tail -n 8 "$log" 2>/dev/null | sed 's/^/  console: /'
		echo "  neighbour: $(ip neigh show "$2" 2>&1)"
		d=$(lvm info --json "$1" 2>/dev/null | sed -n 's/^ *"domid": *\([0-9]*\).*/\1/p' | head -n1)
		for f in rx_packets tx_packets rx_dropped tx_dropped; do
			echo "  lvm$d.0 $f $(cat "/sys/class/net/lvm$d.0/statistics/$f" 2>/dev/null)"
		done
		ping -c 2 -W 1 "$2" 2>&1 | tail -n 2 | sed 's/^/  ping: /'
	} >&2
}
# day_one I [KIND]: daytime with a vif at its own address, spawn to
# first byte. KIND "day": the address's ARP entry empty at the start (the
# guest's gratuitous ARP resolves the pending one); "seeded": the guest's
# MAC given and dom0's ARP entry for it set beforehand (no ARP at all).
day_one() {
	local kind=${2:-day} o=$STATE/out.json spec
	local a=198.18.$((2 + $1 / 250)).$(($1 % 250 + 1))
	spec="ip=$a"
	if [ "$kind" = seeded ]; then
		local mac; mac=$(printf '00:16:3e:5e:%02x:%02x' $(($1 / 256)) $(($1 % 256)))
		spec="$spec,mac=$mac"
		seed_arp "$a" "$mac" || die "cannot set dom0's ARP entry for $a"
	fi
	local step=$STEP_MS
	[ "$kind" = once ] && step=60000
	bench_reply "$STATE/$kind" -a "$a" -p 13 -t 30000 -w "$step" -o "$o" -- \
		lvm create "$day" --name "dt-$1" --vif "$spec" --json ||
		{ guest_diag "dt-$1" "$a"; die "daytime dt-$1: $(cat "$o")"; }
	hit "$o" "dt-$1"
	ns_ms "$(field total_ns "$o")" >>"$STATE/$kind.lvmd"
	lvm destroy "dt-$1" >/dev/null || die "lvm destroy dt-$1"
	[ "$kind" = seeded ] && { ip neigh del "$a" dev "$BR" || arp -i "$BR" -d "$a"; } >/dev/null 2>&1
	return 0
}
# phases OUT KIND: lvmd's phases of the create in OUT (its --json) into
# KIND.PHASE, and what lvmd timed in no phase (the checks before the
# claim: the vif check, addresses, the manifest) into KIND.other.
PHASES="queue claim load build devices unpause"
phases() {
	local ph sum=0 v
	for ph in $PHASES; do
		v=$(field "${ph}_ns" "$1")
		sum=$((sum + ${v:-0}))
		ns_ms "${v:-0}" >>"$STATE/$2.$ph"
	done
	ns_ms "$(($(field total_ns "$1") - sum))" >>"$STATE/$2.other"
}
# phase_row KIND: the medians of KIND's phases, on one line.
phase_row() {
	local ph line=
	for ph in $PHASES other; do
		line="$line $ph $(pct 50 "$STATE/$1.$ph")"
	done
	echo "    its phases in lvmd (medians, ms):$line"
}
# create_one KIND NAME ARGS...: one `lvm create ARGS --json` that must
# hit: the command (exec to exit) into KIND.cmd, lvmd's total into
# KIND.lvmd; then destroyed (a guest gone already is fine: noop powers
# off at once).
create_one() {
	local kind=$1 name=$2 o=$STATE/out.json
	shift 2
	cmd_ms "$o" lvm create "$@" --name "$name" --json >>"$STATE/$kind.cmd" ||
		die "lvm create $name: $(cat "$o")"
	hit "$o" "$name"
	ns_ms "$(field total_ns "$o")" >>"$STATE/$kind.lvmd"
	phases "$o" "$kind"
	lvm destroy "$name" >/dev/null 2>&1 || ! lvm info "$name" >/dev/null 2>&1 ||
		die "lvm destroy $name"
}
# vif_one I: daytime with a vif from its pool (the TAP made ahead);
# late_one I: the same with an MTU the TAP made ahead does not have (the
# TAP made at create); novif_one I: noop, no vif, from its pool.
vif_one() { create_one vif "vf-$1" "$day" --vif "ip=198.18.6.$(($1 % 250 + 1))"; }
late_one() { create_one late "lt-$1" "$day" --vif "ip=198.18.7.$(($1 % 250 + 1)),mtu=1400"; }
novif_one() { create_one novif "nv-$1" "$noop"; }
# procs: the static daytime process, fork+exec to first byte, 1 + P
# times from one client process (its first sample a warm-up, as for the
# library's).
procs() {
	local out
	out=$(lvm-bench-reply -c -f -n $((P + 1)) -a "$BRADDR" -p 1313 -t 10000 -w "$STEP_MS" -- \
		lvm-bench-daytimed -a "$BRADDR" -p 1313 -1 2>&1) || die "daytimed: $out"
	rows proc <<<"$out"
}

# fresh_one: the same process from a new copy of its binary (made before
# t0, the old one removed first: new pages, as a guest's image always is).
fresh_one() {
	rm -f "$STATE/daytimed.copy"
	cp "$BUILD/bin/lvm-bench-daytimed" "$STATE/daytimed.copy" || die "cannot copy lvm-bench-daytimed"
	bench_reply "$STATE/fresh" -f -a "$BRADDR" -p 1313 -t 10000 -w "$STEP_MS" -- \
		"$STATE/daytimed.copy" -a "$BRADDR" -p 1313 -1 || die "daytimed (a fresh copy)"
}

# The container: the same static daytime process in `docker run -d --rm
# --network host` of a busybox image imported from the box's root file
# system (the containers layer, xenbox --containers), the binary bound in
# read-only; start of `docker run` to first byte. Only where dockerd
# answers and that file system is here; else a line says why not.
CTR_ROOTFS=/usr/share/xenbox/rootfs CTR_IMAGE=lvm-net-day:bench CTR=
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
	CTR_WHY="no Docker in this dom0 (the box's --containers)"
elif [ ! -d "$CTR_ROOTFS" ]; then
	CTR_WHY="no busybox root file system at $CTR_ROOTFS to import"
elif ! tar -C "$CTR_ROOTFS" -c . | docker import - "$CTR_IMAGE" >/dev/null; then
	CTR_WHY="docker import of $CTR_ROOTFS failed"
else
	CTR=1
fi
# ctr_one: one container, start to first byte; gone before the next.
ctr_one() {
	bench_reply "$STATE/ctr" -a "$BRADDR" -p 1314 -t 120000 -w "$STEP_MS" -o "$STATE/out" -- \
		docker run -d --rm --name lvm-net-day --network host \
		-v "$BUILD/bin/lvm-bench-daytimed:/daytimed:ro" "$CTR_IMAGE" \
		/daytimed -a "$BRADDR" -p 1314 -1 || die "docker run: $(cat "$STATE/out")"
	docker rm -f lvm-net-day >/dev/null 2>&1
	return 0
}

# rows KIND: lvm-bench-reply -c's rows on stdin, but for its header,
# into KIND's files: reply, cmd (the command's exit or the create call's
# return), tries, conn; with -L also lvmd, queue, rtt (the client's
# request -> reply), and a pool hit wanted of each. The first sample (the
# warm-up of a client that lives on: its code cold) goes to KIND-cold's
# reply and cmd alone.
rows() {
	awk -F, -v s="$STATE/$1" -v c="$STATE/$1-cold" 'NR == 2 {
		print $1 >>(c ".reply"); print $2 >>(c ".cmd")
	} NR > 2 {
		print $1 >>(s ".reply"); print $2 >>(s ".cmd")
		print $3 >>(s ".tries"); print $4 >>(s ".conn")
		if (NF < 8) next
		print $6 >>(s ".lvmd"); print $7 >>(s ".queue"); print $8 >>(s ".rtt")
		if ($5 != 1) miss++
	} END { exit miss > 0 }'
}
# lib_day R: daytime with a vif through liblvm, 1 + P creates by one
# client process, as a platform's engine makes them (lvm-bench-reply -L
# -n: lvm_create() in-process, the connects from a thread made before
# t0; each guest destroyed and the pools full again between samples,
# untimed), the first a warm-up: create call to first byte, and to the
# call's return; lvmd's total, its queue, the client's round trip.
lib_day() {
	local out
	out=$(lvm-bench-reply -c -a "198.18.$((100 + $1)).1" -p 13 -t 30000 -w "$STEP_MS" \
		-n $((P + 1)) -L "$day" -N "dl-$1" 2>&1) || die "daytime dl-$1-* (library): $out"
	rows libday <<<"$out" || die "daytime dl-$1-* (library): not every create a pool hit: $out"
}
# noops PREFIX CLOCK FILE: 1 + P noop creates through liblvm from one
# client (lvm-bench-lvm, the pool of 2 built ahead for noop refilled
# before each), the first a warm-up; each one's CLOCK ("running": the
# create call to the ready mark; "returned": to its return) into FILE.
noops() {
	lvm-bench-lvm -k "$noop" -M 4 -p "$1" -n "$P" -w 1 -P 2 -I "$noop" \
		-e hit -t 60 >"$STATE/nooplib.csv" || die "lvm-bench-lvm noop ($1)"
	awk -F, -v k="$2" '$4 == k { print $7 }' "$STATE/nooplib.csv" >>"$3"
}
# lib_noop R: the library's noop series, create call to ready mark.
lib_noop() { noops "nl-$1" running "$STATE/libnoop.ready"; }

# Warm-up, not counted: one of each.
pool "$noop"; noop_one 0; pool "$noop"; novif_one 0
pool "$day"; day_one 0; pool "$day"; vif_one 0; pool "$day"; late_one 0; procs; fresh_one
pool "$day"; lib_day 0
[ -n "$CTR" ] && ctr_one
lib_noop 0
rm -f "$STATE"/*.cmd "$STATE"/*.ready "$STATE"/*.cmdready "$STATE"/*.reply \
	"$STATE"/*.lvmd "$STATE"/*.tries "$STATE"/*.conn "$STATE"/*.other "$STATE"/*.rtt
for ph in $PHASES; do rm -f "$STATE"/*."$ph"; done
n=0
for r in $(seq 1 "$ROUNDS"); do
	pool "$noop"
	for i in $(seq 1 "$P"); do pool "$noop"; noop_one $((n + i)); done
	lib_noop "$r"
	for i in $(seq 1 "$P"); do pool "$noop"; novif_one $((n + i)); done
	pool "$day"
	for i in $(seq 1 "$P"); do pool "$day"; day_one $((n + i)); done
	pool "$day"; lib_day "$r"
	for i in $(seq 1 "$P"); do pool "$day"; vif_one $((n + i)); done
	for i in $(seq 1 "$P"); do pool "$day"; late_one $((n + i)); done
	for i in $(seq 1 "$P"); do pool "$day"; day_one $((800 + n + i)) once; done
	[ "$SEEDED" = 1 ] &&
		for i in $(seq 1 "$P"); do pool "$day"; day_one $((500 + n + i)) seeded; done
	procs
	for i in $(seq 1 "$P"); do fresh_one; done
	[ -n "$CTR" ] && for i in $(seq 1 "$P"); do ctr_one; done
	n=$((n + P))
	echo "  round $r: medians so far: daytime reply $(pct 50 "$STATE/day.reply") ms (library $(pct 50 "$STATE/libday.reply")), noop create-to-ready $(pct 50 "$STATE/noop.cmdready") ms (library $(pct 50 "$STATE/libnoop.ready")), process reply $(pct 50 "$STATE/proc.reply") ms"
done

row() { printf '  %-44s %5s %10s %10s %10s\n' "$1" "$(wc -l <"$2")" "$(pct 10 "$2")" "$(pct 50 "$2")" "$(pct 90 "$2")"; }
echo "create to first reply ($n samples each, ms):"
printf '  %-44s %5s %10s %10s %10s\n' series n p10 median p90
row "lvm daytime, spawn -> first byte (command)" "$STATE/day.reply"
row "  its command, spawn -> exit" "$STATE/day.cmd"
row "  its lvmd create (request -> reply)" "$STATE/day.lvmd"
row "  connects tried per sample" "$STATE/day.tries"
row "lvm noop, command create -> ready" "$STATE/noop.cmdready"
row "  its command, exec -> exit (--timing)" "$STATE/noop.cmd"
row "  its lvmd ready mark (request -> ready)" "$STATE/noop.ready"
row "lvm daytime, one connect (no retry), command" "$STATE/once.reply"
[ "$SEEDED" = 1 ] && row "lvm daytime, ARP entry set beforehand" "$STATE/seeded.reply"
row "process daytimed, fork+exec -> first byte" "$STATE/proc.reply"
row "  the same, a fresh copy of its binary" "$STATE/fresh.reply"
row "  the first start by a client (not counted)" "$STATE/proc-cold.reply"
row "lvm daytime, library: call -> first byte" "$STATE/libday.reply"
row "  its create call's return" "$STATE/libday.cmd"
row "  its connection established" "$STATE/libday.conn"
row "  its lvmd create" "$STATE/libday.lvmd"
row "    of it queued (received -> read)" "$STATE/libday.queue"
row "  its request sent -> reply read, as the client saw it" "$STATE/libday.rtt"
row "  the first create of a client (not counted)" "$STATE/libday-cold.reply"
row "    its create call's return" "$STATE/libday-cold.cmd"
row "lvm noop, library: call -> ready mark" "$STATE/libnoop.ready"
row "lvm daytime with vif (TAP made ahead), command" "$STATE/vif.cmd"
row "  its lvmd create" "$STATE/vif.lvmd"
phase_row vif
row "lvm daytime with vif (TAP made at create), cmd" "$STATE/late.cmd"
row "  its lvmd create" "$STATE/late.lvmd"
phase_row late
row "lvm noop without vif, command" "$STATE/novif.cmd"
row "  its lvmd create" "$STATE/novif.lvmd"
phase_row novif
slow=$(awk '$1 > 1000' "$STATE/day.reply" | wc -l)
echo "  daytime replies later than 1 s (an ARP retry): $slow of $n; with the ARP entry set beforehand / without: $([ "$SEEDED" = 1 ] && ratio "$(pct 50 "$STATE/seeded.reply")" "$(pct 50 "$STATE/day.reply")" || echo "N/A (no way to set an ARP entry in this dom0)")"
echo "  daytime with one connect / with connects retried every $STEP_MS ms: $(ratio "$(pct 50 "$STATE/once.reply")" "$(pct 50 "$STATE/day.reply")") ($(awk '$1 > 900' "$STATE/once.reply" | wc -l) of $(wc -l <"$STATE/once.reply") one-connect replies later than 900 ms: a SYN retransmit)"
dr=$(pct 50 "$STATE/day.reply")
r1=$(ratio "$dr" "$(pct 50 "$STATE/noop.cmdready")")
r2=$(ratio "$dr" "$(pct 50 "$STATE/proc.reply")")
r3=$(ratio "$(pct 50 "$STATE/vif.cmd")" "$(pct 50 "$STATE/novif.cmd")")
r3l=$(ratio "$(pct 50 "$STATE/vif.lvmd")" "$(pct 50 "$STATE/novif.lvmd")")
r3c=$(ratio "$(pct 50 "$STATE/late.lvmd")" "$(pct 50 "$STATE/novif.lvmd")")
echo "  daytime first reply / noop create-to-ready: $r1 $(verdict "$r1" 2.0) (target <= 2)"
echo "  daytime first reply / process first reply:  $r2 $(verdict "$r2" 1.0) (target <= 1.0)"
echo "  create with a vif / without, pools built ahead (command): $r3 $(verdict "$r3" 1.3) (target <= 1.3)"
echo "  the same, lvmd's own create:                 $r3l $(verdict "$r3l" 1.3) (target <= 1.3; with the TAP made at create: $r3c)"
ldr=$(pct 50 "$STATE/libday.reply")
r5=$(ratio "$ldr" "$(pct 50 "$STATE/libnoop.ready")")
r6=$(ratio "$ldr" "$(pct 50 "$STATE/proc.reply")")
echo "  library: daytime first reply / noop create-to-ready: $r5 $(verdict "$r5" 2.0) (target <= 2)"
echo "  library: daytime first reply / process first reply:  $r6 $(verdict "$r6" 1.0) (target <= 1.0)"
# Not a target: the comparison with the process's code as new to the
# machine as a guest's image always is (see fresh above).
echo "  against the process from a fresh copy of its binary (no target): command $(ratio "$dr" "$(pct 50 "$STATE/fresh.reply")"), library $(ratio "$ldr" "$(pct 50 "$STATE/fresh.reply")")"
if [ -n "$CTR" ]; then
	cr=$(pct 50 "$STATE/ctr.reply")
	row "container daytimed, docker run --network host" "$STATE/ctr.reply"
	row "  its command, spawn -> exit (detached)" "$STATE/ctr.cmd"
	echo "  against the container (no target): command $(ratio "$dr" "$cr"), library $(ratio "$ldr" "$cr")"
else
	echo "  container (docker run --network host): N/A, $CTR_WHY"
fi

# linux_stream UNIKERNEL_MBPS: the same stream to the stock Linux guest
# (XenStore mode, the dom0 kernel's netback, its vifD.0 put on the bridge
# by lvmd; busybox nc discarding on TCP 9), and ours against it.
linux_stream() {
	local kernel=$BUILD/guests/linux.vmlinuz initrd=$BUILD/guests/linux-tiny.cpio.gz
	local a=198.18.22.1 log tp r
	if [ "${NET_LINUX:-1}" = 0 ]; then
		echo "  against the Linux guest: not run (NET_LINUX=0)"
		return 0
	fi
	if [ ! -f "$kernel" ] || [ ! -f "$initrd" ] || [ ! -d /sys/module/xen_netback ] ||
		! xenstore-read /local/domain/0/domid >/dev/null 2>&1; then
		echo "  against the Linux guest: N/A (no Linux guest, xen-netback or xenstored here)"
		return 0
	fi
	lvm create "$kernel" --ramdisk "$initrd" --name linsink --memory 96 --vif "ip=$a" \
		--cmdline "console=hvc0 quiet linux.sink linux.wait" >/dev/null || die "lvm create linsink"
	log=$(lvm info linsink | sed -n 's/^console log: *//p')
	for _ in $(seq 1 240); do grep -q "discarding on TCP 9" "$log" 2>/dev/null && break; sleep 0.5; done
	grep -q "discarding on TCP 9" "$log" || die "the Linux guest did not start its sink: $(tail -c 600 "$log")"
	tp=$(lvm-bench-stream -a "$a" -d "$STREAM_S" -t 60000) || die "stream to linsink: $(tail -c 600 "$log")"
	lvm destroy linsink >/dev/null || die "lvm destroy linsink"
	r=$(ratio "$1" "$(echo "$tp" | cut -d, -f3)")
	echo "throughput, dom0 -> Linux guest (kernel netback, nc on TCP 9), $STREAM_S s: $(echo "$tp" | cut -d, -f3) MB/s ($(echo "$tp" | cut -d, -f1) bytes in $(echo "$tp" | cut -d, -f2) s)"
	echo "  unikernel / Linux guest: $r $(verdict "$(ratio 0.5 "$r")" 1.0) (target >= 0.5)"
}

# Throughput: one sink guest, one stream from dom0.
pool "$day"
lvm create "$sink" --name sink0 -m 8 --vif ip=198.18.21.1 >/dev/null || die "lvm create sink0"
tp=$(lvm-bench-stream -a 198.18.21.1 -d "$STREAM_S" -t 30000) || die "stream to sink0: $(tail -n 3 "$(lvm info sink0 | sed -n 's/^console log: *//p')" 2>/dev/null)"
lvm destroy sink0 >/dev/null || die "lvm destroy sink0"
echo "throughput, dom0 -> unikernel sink (TCP 9), $STREAM_S s: $(echo "$tp" | cut -d, -f3) MB/s ($(echo "$tp" | cut -d, -f1) bytes in $(echo "$tp" | cut -d, -f2) s)"
linux_stream "$(echo "$tp" | cut -d, -f3)"

# tcp_counts: dom0's connects made and resets sent so far (/proc/net/snmp):
# resets about as many as connects are answers that came after their
# connect had given up (docs/benchmarks.md, "The sinks that never
# accepted").
tcp_counts() {
	awk '/^Tcp:/ { if (h) { for (i = 2; i <= NF; i++) v[k[i]] = $i; printf "%s connects, %s resets sent", v["ActiveOpens"], v["OutRsts"] } else { for (i = 2; i <= NF; i++) k[i] = $i; h = 1 } }' /proc/net/snmp
}
# stream_failures: each isolation stream that ended without its figure,
# with what it said and its sink's console's end.
stream_failures() {
	local i log
	awk -F, 'NF == 3 { n++ } END { exit n == '"$NSTREAMS"' }' "$STATE"/stream.* &&
		echo "  dom0's TCP before the streams: $TCP0; now: $(tcp_counts)"
	for i in $(seq 1 "$NSTREAMS"); do
		awk -F, 'NF == 3 { ok = 1 } END { exit !ok }' "$STATE/stream.$i" && continue
		log=$(lvm info "sink$i" 2>/dev/null | sed -n 's/^console log: *//p')
		echo "  stream $i failed: $(tr '\n' ' ' <"$STATE/stream.$i"); sink$i: $(lvm info "sink$i" 2>&1 | sed -n 's/^state: *//p'), console: $(tail -c 300 "$log" 2>/dev/null | tr '\r\n' '  ')"
		guest_diag "sink$i" "198.18.20.$i" 2>&1
	done
}

# Isolation: NSTREAMS sinks, streams stopped (idle) and running.
for i in $(seq 1 "$NSTREAMS"); do
	lvm create "$sink" --name "sink$i" -m 8 --vif "ip=198.18.20.$i" >/dev/null || die "lvm create sink$i"
done
TCP0=$(tcp_counts)
# streamed_us: the time the streams were let run (start or SIGCONT to
# SIGSTOP or the end), over which their bytes are counted.
run0=$(now_us) streamed_us=0
for i in $(seq 1 "$NSTREAMS"); do
	lvm-bench-stream -a "198.18.20.$i" -d 36000 -t 30000 >"$STATE/stream.$i" 2>&1 &
	STREAM_PIDS="$STREAM_PIDS $!"
done
sleep 1
iso() {
	local o=$STATE/out.json
	pool "$noop"
	cmd_ms "$o" lvm create "$noop" --name "iso-$2" --json >>"$STATE/$1.iso" ||
		die "lvm create iso-$2: $(cat "$o")"
	hit "$o" "iso-$2"
	ns_ms "$(field total_ns "$o")" >>"$STATE/$1.isolvmd"
	lvm destroy "iso-$2" >/dev/null || die "lvm destroy iso-$2"
	# The reference: what the same state does to a process's start (a
	# static no-op, fork+exec+wait), which uses neither lvmd nor Xen.
	lvm-bench-spawn -n 1 -w 0 -m fork "$BUILD/bin/lvm-bench-trivial" 2>"$STATE/err" |
		awk -F, '/^start,/ { print $7 }' >>"$STATE/$1.isospawn" || die "lvm-bench-spawn: $(cat "$STATE/err")"
}
# iso_lib KIND R: the same noop creates through liblvm (noops): create
# call to its return.
iso_lib() { noops "il-$1-$2" returned "$STATE/$1.isolib"; }
n=0
for r in $(seq 1 "$ISO_ROUNDS"); do
	kill -STOP $STREAM_PIDS
	streamed_us=$((streamed_us + $(now_us) - run0))
	sleep 0.5
	for i in $(seq 1 "$P"); do iso idle $((n + i)); done
	iso_lib idle "$r"
	kill -CONT $STREAM_PIDS
	run0=$(now_us)
	sleep 0.5
	for i in $(seq 1 "$P"); do iso busy $((n + i)); done
	iso_lib busy "$r"
	n=$((n + P))
done
kill $STREAM_PIDS
streamed_us=$((streamed_us + $(now_us) - run0))
wait $STREAM_PIDS 2>/dev/null
STREAM_PIDS=
bytes=$(cat "$STATE"/stream.* | awk -F, 'NF == 3 { s += $1 } END { print s + 0 }')
ok=$(cat "$STATE"/stream.* | awk -F, 'NF == 3' | wc -l)
echo "isolation: noop creates, $NSTREAMS streams to sink guests stopped (SIGSTOP: network idle) or running; $ok of $NSTREAMS streams ran, $(awk -v b="$bytes" -v u="$streamed_us" 'BEGIN { printf "%.1f", b / u }') MB/s in all while running"
stream_failures
printf '  %-44s %5s %10s %10s %10s\n' series n p10 median p90
row "network idle, command" "$STATE/idle.iso"
row "  lvmd" "$STATE/idle.isolvmd"
row "streams running, command" "$STATE/busy.iso"
row "  lvmd" "$STATE/busy.isolvmd"
row "network idle, library (call -> return)" "$STATE/idle.isolib"
row "streams running, library" "$STATE/busy.isolib"
row "network idle, a static no-op's spawn" "$STATE/idle.isospawn"
row "streams running, the same" "$STATE/busy.isospawn"
# iso_verdict R: R against 1.2, unless a stream did not run: then the
# "streams running" series had less traffic than they say.
iso_verdict() {
	[ "$ok" = "$NSTREAMS" ] && verdict "$1" 1.2 ||
		echo "NOT MEASURED ($ok of $NSTREAMS streams ran)"
}
r4=$(ratio "$(pct 50 "$STATE/busy.iso")" "$(pct 50 "$STATE/idle.iso")")
echo "  create while streaming / idle (command): $r4 $(iso_verdict "$r4") (target <= 1.2; lvmd's own: $(ratio "$(pct 50 "$STATE/busy.isolvmd")" "$(pct 50 "$STATE/idle.isolvmd")"))"
r7=$(ratio "$(pct 50 "$STATE/busy.isolib")" "$(pct 50 "$STATE/idle.isolib")")
echo "  create while streaming / idle (library):  $r7 $(iso_verdict "$r7") (target <= 1.2)"
echo "  a process's spawn while streaming / idle (no target, the machine's own): $(ratio "$(pct 50 "$STATE/busy.isospawn")" "$(pct 50 "$STATE/idle.isospawn")")"
# The data path thread's scheduling class (lvmd.conf's data_path_yield,
# toolstack/lvmd/netyield.h): under which one the streams ran.
dp_class() {
	local p

	p=$(thread_policy "$LVMD_PID" lvmd-netpath) || { echo "no data path thread"; return; }
	case $p in
	5) echo "SCHED_IDLE" ;; 0) echo "the normal class" ;; *) echo "policy $p" ;;
	esac
}
starved=$(grep 'netpath: starved' "$STATE/lvmd.log" | tail -n 1 | sed -n 's/.*(\([0-9]*\) time(s) so far).*/\1/p')
echo "  the data path thread: $(dp_class) at the end; starved into the normal class ${starved:-0} time(s) in this run"
[ "$(brmac)" = "$BRMAC0" ] && echo "bench-net: the bridge kept its MAC" ||
	echo "bench-net: the bridge's MAC changed: $BRMAC0 -> $(brmac)"
echo "bench-net: done, dom0 load $(load)"
[ "$ok" = "$NSTREAMS" ] || die "isolation not measured: $ok of $NSTREAMS streams ran"
