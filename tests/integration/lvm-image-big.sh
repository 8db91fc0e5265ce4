#!/bin/bash
# Requests that read a 256 MiB image do not stall lvmd's other clients:
# while lvmd reads it (its resident memory growing, the read under way)
# for two creates and a `lvm pool set`, `lvm list` and creates of a cached
# image answer, each in less than a quarter of the big requests' time
# (ratios within this run), and before they are done. The big requests
# succeed (they resume once the image is read), and one read serves the
# three. A client that disconnects while its create waits for the read
# leaves no guest and no open file behind.
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

# big_three: two creates of big.xen and a pool built ahead for it (target
# 0: no shell is built), all at once: one read serves the three.
big_three() {
	local p1 p2 rc=0
	lvm create "$big" --name big1 >"$d/big1.out" 2>&1 &
	p1=$!
	lvm create "$big" --name big2 >"$d/big2.out" 2>&1 &
	p2=$!
	lvm pool set 16x1 0 "$big" >"$d/pool.out" 2>&1 || rc=1
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	[ $rc = 0 ] || cat "$d/big1.out" "$d/big2.out" "$d/pool.out"
	return $rc
}

# While big_three runs: once lvmd is reading (its resident memory 32 MiB
# above what it was), `lvm list` and creates of the cached noop.xen, one
# after another, until it ends. Each must answer in under a quarter of
# its time, and at least two must be done before it is.
r0=$(rchar)
rss0=$(rss_kb)
t0=$(now_us)
big_three >"$d/three.out" 2>&1 &
pid=$!
wait_for 120 eval '[ $(rss_kb) -gt $((rss0 + 32768)) ] || ! kill -0 $pid 2>/dev/null' ||
	fail "lvmd never started reading $big"
kill -0 "$pid" 2>/dev/null || fail "over before lvmd was seen reading (too fast to tell)"
info "lvmd reading after $(ms_since "$t0") ms"
n=0 during=0 worst=0 i=0
while kill -0 "$pid" 2>/dev/null; do
	t=$(now_us)
	if [ $((i++ % 2)) = 0 ]; then
		timeout 300 lvm list >/dev/null || fail "lvm list failed"
	else
		timeout 300 lvm create "$img" --name small$i >/dev/null ||
			fail "create small$i failed"
	fi
	t=$(ms_since "$t")
	[ "$t" -gt "$worst" ] && worst=$t
	n=$((n + 1))
	kill -0 "$pid" 2>/dev/null && during=$((during + 1))
done
wait "$pid" || fail "the creates or the pool set of $big failed: $(cat "$d/three.out")"
total=$(ms_since "$t0")
read_mb=$((($(rchar) - r0) >> 20))
info "two creates and a pool set of the 256 MiB image: $total ms, lvmd read $read_mb MiB"
info "meanwhile $n other requests, $during done before them, the slowest $worst ms"
[ "$during" -ge 2 ] ||
	fail "only $during other requests answered meanwhile ($total ms; the slowest $worst ms)"
[ $((worst * 4)) -lt "$total" ] ||
	fail "a request took $worst ms, more than a quarter of the big ones' $total ms"
[ "$read_mb" -lt 384 ] || fail "lvmd read $read_mb MiB: the image more than once"
for g in big1 big2; do
	[ "$(lvm_state $g)" = running ] || fail "$g is '$(lvm_state $g)', not running"
done
lvm pool | grep -qF "$big" || fail "the pool has not the image: $(lvm pool)"
for g in $(lvm_names); do
	lvm destroy "$g" >/dev/null || fail "destroy $g"
done

# A client gone while its create waits for the read: no guest, no file
# left open, the image freed once read.
fds=$(ls "/proc/$LVMD_PID/fd" | wc -l)
rss0=$(rss_kb)
lvm create "$big" --name gone >/dev/null 2>&1 &
p=$!
wait_for 120 eval '[ $(rss_kb) -gt $((rss0 + 32768)) ] || ! kill -0 $p 2>/dev/null' ||
	fail "lvmd never started reading for 'gone'"
kill -9 "$p" 2>/dev/null
wait "$p" 2>/dev/null
wait_for 300 eval '[ $(rss_kb) -lt $((rss0 + 32768)) ]' ||
	fail "lvmd still holds the image of a client gone ($(rss_kb) kB, $rss0 kB before)"
timeout 30 lvm list >/dev/null || fail "lvmd does not answer after a client left"
lvm_gone gone || fail "the create of a client that left made guest 'gone'"
[ "$(ls "/proc/$LVMD_PID/fd" | wc -l)" = "$fds" ] ||
	fail "lvmd had $fds files open before, $(ls "/proc/$LVMD_PID/fd" | wc -l) after"
info "a client gone while its create waited: no guest, no file left open"
