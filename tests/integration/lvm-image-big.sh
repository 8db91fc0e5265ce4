#!/bin/bash
# A create that reads a 256 MiB image does not stall lvmd's other clients:
# while lvmd reads it (its resident memory growing, the read under way),
# `lvm list` and a create of a cached image answer, each in less than a
# quarter of the big create's own time (ratios within this run), and
# before the big create is done. Then: the big create itself succeeds (it
# resumes once its image is read); two creates of the big image at once
# read it once; `lvm pool set` with the big image waits off the control
# thread too; a client that disconnects while its create waits for the read
# leaves no guest behind.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/noop.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
d=$LVMD_STATE
big=$d/big.xen
# noop.xen with zeros after it up to 256 MiB (LVM_IMAGE_MAX): the same
# ELF, and a file lvmd takes a long time to read; sparse, so it costs the
# box no memory until lvmd reads it.
cp "$img" "$big" && truncate -s 256M "$big" || fail "cannot make $big"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$LVMD_PID/status"; }
rchar() { awk '/^rchar:/ { print $2 }' "/proc/$LVMD_PID/io"; }
ms_since() { echo $((($(now_us) - $1) / 1000)); }

# noop.xen is in lvmd's cache from here on.
lvm create "$img" --name warm >/dev/null || fail "create warm"
lvm destroy warm >/dev/null || fail "destroy warm"

# while_big WHAT CMD...: run CMD (which makes lvmd read big.xen) in the
# background; once lvmd is reading (its resident memory 32 MiB above what
# it was), send it `lvm list` and creates of the cached noop.xen, one after
# another, until CMD ends. Each must answer in under a quarter of CMD's
# time, and at least two must be done before CMD is. CMD must succeed.
while_big() {
	local what=$1 base t0 pid t n=0 during=0 worst=0 total i=0
	shift
	base=$(rss_kb)
	t0=$(now_us)
	"$@" >"$d/big.out" 2>&1 &
	pid=$!
	wait_for 60 eval '[ $(rss_kb) -gt $((base + 32768)) ] || ! kill -0 $pid 2>/dev/null' ||
		fail "$what: lvmd never started reading $big"
	kill -0 "$pid" 2>/dev/null ||
		fail "$what: over before lvmd was seen reading (too fast to tell)"
	info "$what: lvmd reading after $(ms_since "$t0") ms"
	while kill -0 "$pid" 2>/dev/null; do
		t=$(now_us)
		if [ $((i++ % 2)) = 0 ]; then
			timeout 120 lvm list >/dev/null || fail "$what: lvm list failed"
		else
			timeout 120 lvm create "$img" --name small$i >/dev/null ||
				fail "$what: create small$i failed"
		fi
		t=$(ms_since "$t")
		[ "$t" -gt "$worst" ] && worst=$t
		n=$((n + 1))
		kill -0 "$pid" 2>/dev/null && during=$((during + 1))
	done
	wait "$pid" || fail "$what failed: $(cat "$d/big.out")"
	total=$(ms_since "$t0")
	info "$what: $total ms; $n requests meanwhile, $during done before it, the slowest $worst ms"
	[ "$during" -ge 2 ] ||
		fail "$what: only $during other requests answered while it ran ($total ms; the slowest $worst ms)"
	[ $((worst * 4)) -lt "$total" ] ||
		fail "$what: a request took $worst ms, more than a quarter of its $total ms"
	for g in $(lvm_names); do
		case $g in small*) lvm destroy "$g" >/dev/null || fail "destroy $g" ;; esac
	done
}

while_big "create of the 256 MiB image" lvm create "$big" --name big1
[ "$(lvm_state big1)" = running ] || fail "big1 is '$(lvm_state big1)', not running"
lvm destroy big1 >/dev/null || fail "destroy big1"

# Two creates of it at once: one read.
r0=$(rchar)
lvm create "$big" --name big2 >/dev/null 2>"$d/big2.err" &
p2=$!
lvm create "$big" --name big3 >/dev/null 2>"$d/big3.err" ||
	fail "create big3: $(cat "$d/big3.err")"
wait "$p2" || fail "create big2: $(cat "$d/big2.err")"
read_mb=$((($(rchar) - r0) >> 20))
info "two creates of it at once: lvmd read $read_mb MiB"
[ "$read_mb" -lt 384 ] || fail "two creates at once read $read_mb MiB: the image twice"
lvm destroy big2 >/dev/null && lvm destroy big3 >/dev/null || fail "destroy big2, big3"

# A pool built ahead for it (target 0: no shell is built) reads it too.
while_big "pool set with the 256 MiB image" lvm pool set 16x1 0 "$big"

# A client gone while its create waits for the read: no guest, no file
# left open.
fds=$(ls "/proc/$LVMD_PID/fd" | wc -l)
base=$(rss_kb)
lvm create "$big" --name gone >/dev/null 2>&1 &
p=$!
wait_for 60 eval '[ $(rss_kb) -gt $((base + 32768)) ] || ! kill -0 $p 2>/dev/null' ||
	fail "lvmd never started reading for 'gone'"
kill -9 "$p" 2>/dev/null
wait "$p" 2>/dev/null
# The read over (lvmd frees the image it no longer needs), lvmd answers.
wait_for 120 eval '[ $(rss_kb) -lt $((base + 32768)) ]' ||
	fail "lvmd still holds the image of a client gone ($(rss_kb) kB, $base kB before)"
timeout 30 lvm list >/dev/null || fail "lvmd does not answer after a client left"
lvm_gone gone || fail "the create of a client that left made guest 'gone'"
[ "$(ls "/proc/$LVMD_PID/fd" | wc -l)" = "$fds" ] ||
	fail "lvmd had $fds files open before, $(ls "/proc/$LVMD_PID/fd" | wc -l) after"
info "a client gone while its create waited: no guest, no file left open"
