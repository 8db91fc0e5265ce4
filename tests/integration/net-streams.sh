#!/bin/bash
# Streams to guests that start while others already stream (issue 11,
# bench/net.sh's isolation phase): 10 (NET_STREAMS_N) sink guests, -m 8,
# a vif each, created cold (no pool); dom0 streams to the first 7 with
# lvm-bench-stream (NET_STREAM_TOOL: another build's), and once those 7
# are established, to the last 3 as well:
#   - every stream connects (within its 30 s) and moves bytes, though the
#     running streams make a late guest's round trip longer than the
#     tool's 50 ms connect step (in this box 0.1 to 2.6 s; a connect that
#     closed each try after its step, as the tool did, had 1 to 5 of 10
#     sink guests "never accept": every SYN-ACK came back after its try
#     was closed and dom0 reset it);
#   - each sink counts, when its stream closes, the bytes the stream sent.
# (The vifs' frame counters against their TAPs' are not compared here:
# frames dom0 floods to every port land between any two readings.)
# limit: 600
. "$(dirname "$0")/lib.sh"

N=${NET_STREAMS_N:-10} EARLY=$((${NET_STREAMS_N:-10} * 7 / 10))
TOOL=${NET_STREAM_TOOL:-lvm-bench-stream}
img=$LVM_BUILD/guests/sink.xen
[ -f "$img" ] || fail "no guest image $img"
command -v "$TOOL" >/dev/null || fail "no $TOOL"
out=/tmp/net-streams
rm -rf "$out" && mkdir -p "$out"
lvmd_start -c /dev/null
addr() { echo "198.18.30.$1"; }
for i in $(seq 1 "$N"); do
	o=$(lvm create "$img" --name "s$i" -m 8 --vif "ip=$(addr "$i")" 2>&1) ||
		fail "create s$i: $o"
done
for i in $(seq 1 "$N"); do
	wait_for 60 lvm_console_has "s$i" "vif0 connected" ||
		fail "s$i: its vif did not connect: $(tail -n 3 "$(lvm_console_log "s$i")")"
done
PIDS=
# At exit: the streams stopped, then lvmd_cleanup with the test's status.
trap 'rc=$?; kill $PIDS 2>/dev/null; (exit $rc); lvmd_cleanup' EXIT
stream() { # I SECONDS
	"$TOOL" -a "$(addr "$1")" -d "$2" -t 30000 >"$out/$1" 2>&1 &
	PIDS="$PIDS $!"
}
# established: dom0's established connections to TCP port 9.
established() { awk '$3 ~ /:0009$/ && $4 == "01"' /proc/net/tcp | wc -l; }
for i in $(seq 1 "$EARLY"); do stream "$i" 600; done
early=$PIDS
wait_for 60 eval '[ "$(established)" -ge $EARLY ]' ||
	info "only $(established) of the first $EARLY streams established in 60 s"
info "$(established) streams running; the last $((N - EARLY)) start now"
late=
for i in $(seq $((EARLY + 1)) "$N"); do stream "$i" 5; late="$late $!"; done
t0=$(now_us)
wait $late
info "the late streams ended after $((($(now_us) - t0) / 1000)) ms"
kill $early 2>/dev/null
wait $early
PIDS=
bad=0
for i in $(seq 1 "$N"); do
	if ! grep -qE '^[0-9]+,[0-9.]+,[0-9.]+$' "$out/$i"; then
		info "s$i ($(addr "$i")): $(cat "$out/$i"); ping: $(ping -c 3 -W 2 "$(addr "$i")" 2>&1 | tail -n 1)"
		bad=$((bad + 1))
	fi
done
[ "$bad" = 0 ] || fail "$bad of $N streams never connected (sinks listening: $(grep -l 'listening on TCP port 9' "$LVMD_STATE"/console/s*.log | wc -l))"
info "all $N streams ran: $(awk -F, '{ b += $1 } END { printf "%.1f MB", b / 1e6 }' "$out"/*)"
# Each sink prints its connection's byte count when its stream closes.
for i in $(seq 1 "$N"); do
	b=$(cut -d, -f1 "$out/$i")
	wait_for 60 lvm_console_has "s$i" "sink: $b bytes received" ||
		fail "s$i: no 'sink: $b bytes received': $(tail -n 3 "$(lvm_console_log "s$i")")"
done
info "every sink counted the bytes its stream sent"
