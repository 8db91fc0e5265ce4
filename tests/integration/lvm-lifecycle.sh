#!/bin/bash
# The lvm lifecycle with the hello guest (prints a line, powers off):
#   - lvm create from a config; hello's line reaches its console log and
#     `lvm console`; on_poweroff=preserve keeps the shell, listed as
#     shutdown with all the columns; lvm destroy removes it;
#   - a guest created paused is listed paused, runs when unpaused and is
#     reaped when it powers off (on_poweroff=destroy);
#   - lvm destroy of a paused guest leaves no domain;
#   - lvm console follows a guest's output live and ends when it is gone;
#   - a restarted lvmd takes its guests back (registry on disk);
#   - --timing prints every phase, and --json's phases fit in lvmd's total,
#     which fits in the client's wait; shutdown of a guest without a sysctl
#     device is refused in one line.
# The noop guest's part of the lifecycle (sysctl shutdown, reboot, ready
# mark, destroy while running) is in lvm-noop.sh.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
line="hello: Hello from an lvm guest"
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
before=$(hv_domain_count)
cfg=$LVMD_STATE/h.cfg
cat >"$cfg" <<EOT
# hello, kept after it powers off
name = "h1"
kernel = "$img"
memory = 4
vcpus = 1
on_poweroff = "preserve"
EOT

# Create from a config; the line in the log; preserved as shutdown.
out=$(lvm create "$cfg") || fail "lvm create $cfg: $out"
info "$out"
[[ $out == "created h1 (domain "*")" ]] || fail "unexpected output: $out"
wait_for 30 lvm_console_has h1 "$line" ||
	fail "hello's line not in $(lvm_console_log h1): $(cat "$(lvm_console_log h1)" 2>&1)"
info "console log: $(grep -F hello: "$(lvm_console_log h1)")"
state_is() { [ "$(lvm_state "$1")" = "$2" ]; }
wait_for 10 state_is h1 shutdown ||
	fail "h1 not preserved as shutdown: $(lvm info h1 2>&1)"

# lvm list: the header and h1's row, column by column.
list=$(lvm list) || fail "lvm list: $list"
printf '%s\n' "$list" | sed 's/^/    /'
read -r -a hdr <<<"$(head -n1 <<<"$list")"
[ "${hdr[*]}" = "NAME ID STATE MEM(MiB) VCPUS UPTIME READY(ms)" ] ||
	fail "list header: ${hdr[*]}"
row=$(awk '$1 == "h1"' <<<"$list")
read -r -a col <<<"$row"
[ ${#col[@]} -eq 7 ] || fail "h1's row has ${#col[@]} columns: $row"
[ "${col[1]}" = "$(lvm_domid h1)" ] || fail "ID column: ${col[1]}"
[ "${col[2]}" = shutdown ] || fail "STATE column: ${col[2]}"
[ "${col[3]}" = 4 ] || fail "MEM column: ${col[3]}"
[ "${col[4]}" = 1 ] || fail "VCPUS column: ${col[4]}"
[[ ${col[5]} =~ ^[0-9]+:[0-9][0-9]:[0-9][0-9]$ ]] || fail "UPTIME column: ${col[5]}"
[[ ${col[6]} =~ ^[0-9]+\.[0-9]+$ ]] ||
	fail "READY column (libos marks hello ready before main): ${col[6]}"

# lvm console on a preserved guest: what it wrote, then the end.
out=$(timeout 10 lvm console h1 </dev/null)
rc=$?
[ $rc -eq 0 ] || fail "lvm console h1 exited with $rc: $out"
grep -qF "$line" <<<"$out" || fail "lvm console h1 did not show the line: $out"
info "lvm console h1: $(grep -F hello: <<<"$out")"

# lvm info names the console log, the config and the devices.
out=$(lvm info h1) || fail "lvm info h1: $out"
grep -q "^console log: *$(lvm_console_log h1)$" <<<"$out" || fail "info: $out"
grep -q "^on_poweroff: *preserve$" <<<"$out" || fail "info: $out"
grep -q "^devices: *noxs device page, console$" <<<"$out" || fail "info: $out"

domid=$(lvm_domid h1)
lvm destroy h1 || fail "lvm destroy h1"
lvm_gone h1 || fail "h1 still listed after destroy"
wait_for 10 hv_gone_domid "$domid" ||
	fail "domain $domid still exists after destroy"
info "h1 (d$domid) destroyed, gone"

# Created paused, unpaused, reaped after poweroff.
out=$(lvm create "$img" --name p1 --paused) || fail "lvm create --paused: $out"
[ "$(lvm_state p1)" = paused ] || fail "p1 is $(lvm_state p1), not paused"
lvm_console_has p1 "$line" && fail "a paused guest wrote on its console"
lvm unpause p1 || fail "lvm unpause p1"
wait_for 30 lvm_gone p1 || fail "p1 not reaped after its poweroff: $(lvm info p1 2>&1)"
lvm_console_has p1 "$line" || fail "p1's line not in its log"
info "p1: paused, unpaused, powered off, reaped; its log stays"

# Destroy a paused guest.
lvm create "$img" --name p2 --paused >/dev/null || fail "create p2"
lvm pause p2 || fail "pausing a paused guest failed"
domid=$(lvm_domid p2)
lvm destroy p2 || fail "lvm destroy p2"
wait_for 10 hv_gone_domid "$domid" ||
	fail "paused p2 (d$domid) still exists after destroy"
info "paused p2 destroyed"

# lvm console follows a guest live and ends when the guest is gone.
lvm create "$img" --name c1 --paused >/dev/null || fail "create c1"
timeout 30 lvm console c1 </dev/null >"$LVMD_STATE/c1.out" 2>&1 &
cpid=$!
sleep 0.5
lvm unpause c1 || fail "unpause c1"
wait $cpid
rc=$?
[ $rc -eq 0 ] || fail "lvm console c1 exited with $rc: $(cat "$LVMD_STATE/c1.out")"
grep -qF "$line" "$LVMD_STATE/c1.out" || fail "live console missed the line: $(cat "$LVMD_STATE/c1.out")"
info "lvm console c1 followed it and ended when it was reaped"

# A restarted lvmd adopts its paused guest and serves it as before.
lvm create "$img" --name r1 --paused >/dev/null || fail "create r1"
domid=$(lvm_domid r1)
lvmd_stop
LVMD_KEEP_STATE=1 lvmd_start
[ "$(lvm_domid r1)" = "$domid" ] || fail "r1 not adopted: $(lvm list 2>&1)"
grep -q "r1 (d$domid): adopted" "$LVMD_STATE/lvmd.log" || fail "no adoption line in lvmd.log"
lvm unpause r1 || fail "unpause adopted r1"
wait_for 30 lvm_gone r1 || fail "adopted r1 not reaped"
lvm_console_has r1 "$line" || fail "adopted r1's line not in its log"
info "r1 (d$domid) adopted by a new lvmd, ran, reaped"

# --timing: every phase, and the ready line.
out=$(lvm create "$img" --name t1 --timing) || fail "create --timing: $out"
printf '%s\n' "$out" | sed 's/^/    /'
for phase in queue prepare load build devices unpause total encode client decode ready; do
	grep -q "^  $phase " <<<"$out" || fail "--timing lacks '$phase'"
done
grep -Eq "^  clock    the TSC at [1-9][0-9]* kHz \(Xen's rate\)$" <<<"$out" ||
	fail "--timing does not say its clock is the TSC at Xen's rate"
wait_for 30 lvm_gone t1 || fail "t1 not reaped"
# lvmd's times and the client's are all on dom0's TSC at Xen's rate
# (steps.h; the reply's tsc_khz): a wrong rate, or two clocks, shows as
# phases beyond lvmd's total, or a total beyond the client's wait from
# its request's send to its reply's read. The client's JSON on each side
# of that wait is timed too.
out=$(lvm create "$img" --name t2 --json) || fail "create --json: $out"
khz=$(json_field tsc_khz <<<"$out") xl_khz=$(xl info | awk '$1 == "cpu_mhz" { sub(/\./, "", $3); print $3 + 0 }')
[ -n "$khz" ] && [ "$khz" = "$xl_khz" ] ||
	fail "the reply's tsc_khz ${khz:-none} is not Xen's rate (xl info: ${xl_khz:-none} kHz)"
tot=$(json_field total_ns <<<"$out") cli=$(json_field client_ns <<<"$out") sum=0
for phase in queue claim prepare load build devices unpause; do
	v=$(json_field "${phase}_ns" <<<"$out")
	sum=$((sum + ${v:-0}))
done
[ "${tot:-0}" -gt 0 ] && [ "$sum" -le "$tot" ] && [ "$tot" -le "${cli:-0}" ] ||
	fail "timing out of order: phases $sum ns, total ${tot:-none} ns, client ${cli:-none} ns"
# (Neither reads 0 on the TSC, as it could on dom0's CLOCK_MONOTONIC,
# which in the box can stand still for milliseconds.)
enc=$(json_field encode_ns <<<"$out") dec=$(json_field decode_ns <<<"$out")
[[ "$enc" =~ ^[1-9][0-9]*$ && "$dec" =~ ^[1-9][0-9]*$ ]] ||
	fail "the client's JSON not timed: encode ${enc:-none} ns, decode ${dec:-none} ns"
info "phases $sum ns <= lvmd's total $tot ns <= the client's $cli ns (its JSON: encode $enc ns, decode $dec ns)"
wait_for 30 lvm_gone t2 || fail "t2 not reaped"

# A paused guest cannot be asked to shut down: one clear line.
lvm create "$img" --name s1 --paused >/dev/null || fail "create s1"
lvm shutdown s1 >"$LVMD_STATE/o" 2>"$LVMD_STATE/e"
one_line_error "$LVMD_STATE/o" "$LVMD_STATE/e" $? | sed 's/^/  /'
grep -q "is paused" "$LVMD_STATE/e" || fail "unexpected error: $(cat "$LVMD_STATE/e")"
lvm destroy s1 || fail "destroy s1"

after=$(hv_domain_count)
[ "$after" = "$before" ] || fail "$before domains before, $after after"
info "domains before and after: $before"
