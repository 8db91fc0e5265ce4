#!/bin/bash
# lvm top (docs/lvm.md): with a spinning guest (storm's spin mode), an idle
# one (noop) and a pool:
#   - `lvm top --batch -n 2 -d 1`: two text frames; the first has no rates
#     ('-'), the second shows the spinning guest busy and the idle one
#     not, lvmd's requests and its pool's line;
#   - `--json -n 2 -d 1`: two objects, one a line, whose second has the
#     rates (requests_per_s, each guest's cpu_pct) and every guest lvm
#     list shows, with growing CPU time;
#   - on a terminal (a pty through script(1)): the screen is cleared and
#     redrawn each frame, and q quits at once; not on a terminal: plain
#     frames, no escape sequence;
#   - bad options and a missing lvmd: one line, lvmd unchanged.
. "$(dirname "$0")/lib.sh"

storm=$LVM_BUILD/guests/storm.xen noop=$LVM_BUILD/guests/noop.xen
[ -f "$storm" ] && [ -f "$noop" ] || fail "no guest images in $LVM_BUILD/guests"
command -v script >/dev/null || fail "no script(1) in this dom0"

# No lvmd: one line.
LVM_SOCKET=/run/lvm-test/none.sock lvm top -n 1 >/tmp/lvm-top.out 2>/tmp/lvm-top.err
rc=$?
[ $rc = 1 ] || fail "lvm top without lvmd: status $rc"
info "no lvmd: $(one_line_error /tmp/lvm-top.out /tmp/lvm-top.err $rc)"
[ -s /tmp/lvm-top.out ] && fail "lvm top without lvmd printed: $(cat /tmp/lvm-top.out)"

lvmd_start -c /dev/null -P 4:1:1
out=$(lvm create "$storm" --name spin --cmdline spin 2>&1) || fail "create spin: $out"
out=$(lvm create "$noop" --name idle 2>&1) || fail "create idle: $out"
wait_for 20 lvm_console_has spin "spinning" || fail "spin did not start: $(cat "$(lvm_console_log spin)")"
wait_for 20 pool_ready_is 4x1 1 || fail "pool not refilled: $(lvm pool)"

# col FRAME NAME N: column N of guest NAME's line in text frame FRAME (1, 2).
col() { awk -v f="$1" -v g="$2" -v n="$3" '/^lvmd: up/ { k++ } k == f && $1 == g { print $n }' /tmp/lvm-top.out; }

# --batch: two frames, rates in the second.
lvm top --batch -n 2 -d 1 >/tmp/lvm-top.out 2>/tmp/lvm-top.err || fail "top --batch: $(cat /tmp/lvm-top.err)"
sed 's/^/    /' /tmp/lvm-top.out
[ -s /tmp/lvm-top.err ] && fail "top --batch wrote on stderr: $(cat /tmp/lvm-top.err)"
[ "$(grep -c '^lvmd: up' /tmp/lvm-top.out)" = 2 ] || fail "not two frames"
[ "$(grep -c '^NAME  *ID  *STATE' /tmp/lvm-top.out)" = 2 ] || fail "not two tables"
grep -q $'\033' /tmp/lvm-top.out && fail "escape sequences in --batch"
grep -qE '^lvmd: up [0-9:]+, 2 guests, [0-9]+ requests \(-/s\)' /tmp/lvm-top.out || fail "frame 1: lvmd's line"
grep -qE '^lvmd: up [0-9:]+, 2 guests, [0-9]+ requests \([0-9.]+/s\), CPU [0-9.]+ s \([0-9.]+%\), RSS [1-9][0-9]* KiB' /tmp/lvm-top.out ||
	fail "frame 2: lvmd's line without its rates"
grep -qE '^requests: .*create 2' /tmp/lvm-top.out || fail "requests by kind: no 2 creates"
grep -qE '^requests: .*top [0-9]+' /tmp/lvm-top.out || fail "requests by kind: no top"
grep -qE '^pool 4x1: ready 1/1, preparing 0, hits [0-9]+, misses [0-9]+' /tmp/lvm-top.out || fail "no pool line"
[ "$(col 1 spin 7)" = - ] || fail "frame 1 has a CPU% for spin: $(col 1 spin 7)"
[ "$(col 1 spin 2)" = "$(lvm_domid spin)" ] || fail "spin's domain id"
[ "$(col 1 spin 3)" = running ] || fail "spin's state"
[ "$(col 1 idle 4)" = 4 ] || fail "idle's memory: $(col 1 idle 4)"
[ "$(col 2 spin 5)" = 1 ] || fail "spin's vCPUs"
spin=$(col 2 spin 7) idle=$(col 2 idle 7)
info "CPU%: spin $spin, idle $idle"
awk -v s="$spin" -v i="$idle" 'BEGIN { exit !(s >= 20 && i < 5 && s > i) }' ||
	fail "the spinning guest is not the busy one: spin $spin%, idle $idle%"
# busiest first
[ "$(awk '/^lvmd: up/ { k++ } k == 2 && /^(spin|idle) / { print $1; exit }' /tmp/lvm-top.out)" = spin ] ||
	fail "frame 2 does not list spin first"
# console bytes: spin wrote its line
[ "$(col 2 spin 8)" -gt 0 ] || fail "spin's console bytes: $(col 2 spin 8)"
# no vifs: no network rates
[ "$(col 2 spin 10)" = - ] || fail "network rates for a guest without vifs"

# --json: one object per line, the second with rates.
lvm top --json -n 2 -d 1 >/tmp/lvm-top.json 2>/tmp/lvm-top.err || fail "top --json: $(cat /tmp/lvm-top.err)"
[ "$(wc -l </tmp/lvm-top.json)" = 2 ] || fail "not two lines: $(cat /tmp/lvm-top.json)"
head -n 1 /tmp/lvm-top.json | grep -q '"requests_per_s":null' || fail "frame 1 has rates"
second=$(tail -n 1 /tmp/lvm-top.json)
printf '    %.300s...\n' "$second"
grep -qE '"requests_per_s":[0-9.]+' <<<"$second" || fail "no requests_per_s"
grep -qE '"rss_kib":[1-9][0-9]*' <<<"$second" || fail "no rss_kib"
grep -qE '"pools":\[\{"memory_mb":4,"vcpus":1,"target":1' <<<"$second" || fail "no pool"
g=$(grep -o '"name":"spin"[^]]*][^}]*' <<<"$second")
[ -n "$g" ] || fail "no spin in the JSON"
pct=$(sed -n 's/.*"cpu_pct":\([0-9.]*\).*/\1/p' <<<"$g")
awk -v s="$pct" 'BEGIN { exit !(s >= 20) }' || fail "spin's cpu_pct $pct in: $g"
c1=$(head -n 1 /tmp/lvm-top.json | grep -o '"name":"spin"[^]]*][^}]*' | sed -n 's/.*"cpu_ns":\([0-9]*\).*/\1/p')
c2=$(sed -n 's/.*"cpu_ns":\([0-9]*\).*/\1/p' <<<"$g")
[ "$c2" -gt "$c1" ] || fail "spin's cpu_ns did not grow: $c1 -> $c2"
n=$(grep -o '"name":"[^"]*"' <<<"$second" | wc -l)
[ "$n" = "$(lvm_names | wc -l)" ] || fail "$n guests in top, $(lvm_names | wc -l) in lvm list"

# A terminal: cleared and redrawn per frame.
script -qc "lvm top -n 2 -d 0.5" /dev/null >/tmp/lvm-top.tty </dev/null || fail "top on a pty failed"
n=$(grep -o $'\033\\[H\033\\[2J' /tmp/lvm-top.tty | wc -l)
[ "$n" = 2 ] || fail "$n redraws for 2 frames on a terminal: $(od -c /tmp/lvm-top.tty | head)"
grep -q 'spin ' /tmp/lvm-top.tty || fail "no table on the terminal"
info "terminal: 2 frames, each after ESC[H ESC[2J"
# q quits long before the next frame (30 s away).
t0=$(now_us)
(sleep 2; printf q) | timeout 25 script -qc "lvm top -d 30" /dev/null >/tmp/lvm-top.tty ||
	fail "q did not end lvm top (status $?)"
ms=$((($(now_us) - t0) / 1000))
[ "$ms" -lt 20000 ] || fail "q took $ms ms"
info "q quit after $ms ms"
# Not a terminal: plain frames, no escapes.
lvm top -n 1 | grep -q $'\033' && fail "escapes with stdout not a terminal"

# Bad options: one line, status 2, lvmd unchanged.
for a in "-n 0" "-d 0" "-d x" "--all" "spin"; do
	# shellcheck disable=SC2086
	lvm top $a >/tmp/lvm-top.out 2>/tmp/lvm-top.err
	rc=$?
	[ $rc = 2 ] || fail "lvm top $a: status $rc"
	info "lvm top $a: $(one_line_error /tmp/lvm-top.out /tmp/lvm-top.err $rc)"
	[ -s /tmp/lvm-top.out ] && fail "lvm top $a printed: $(cat /tmp/lvm-top.out)"
done
lvmd_alive || fail "lvmd died"
[ "$(lvm_state spin)" = running ] || fail "spin is $(lvm_state spin)"
lvm destroy spin && lvm destroy idle || fail "destroy"
