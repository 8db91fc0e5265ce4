#!/bin/bash
# Reboots that do not go as planned, with hello's test modes (cmdline
# "reboot": it reboots itself at once, in a loop; "stay": 3 s deaf to
# requests, then it powers off):
#   - a guest rebooting itself in a loop is rebuilt within its restart
#     budget (8 restarts in a row, each within 60 s of the last), with a
#     back-off while `lvm list`
#     says "rebooting", then destroyed: one log line, a note in its
#     console log;
#   - on_reboot = "destroy" / "preserve" in a config; the record keeps
#     on_reboot across an lvmd restart;
#   - `lvm shutdown` of a guest rebooting in a loop ends it: the poweroff
#     wins, and the guest stays gone;
#   - `lvm reboot` of a guest that powers off instead: one error line that
#     says so, non-zero exit;
#   - lvmd.log stays under its cap (-L), moved to lvmd.log.1 past it, and a
#     line repeated in a flood is rate-limited (-R), with a line counting
#     those dropped when lvmd stops.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
LOG=$LVMD_STATE/lvmd.log
before=$(hv_domain_count)
rebuilds() { grep -c "$1 (d[0-9]*): built again after a reboot" "$LOG"; }

# ---- the loop is bounded ----
lvm create "$img" --name loop --cmdline reboot >/dev/null || fail "create loop"
start=$SECONDS saw=
while [ $((SECONDS - start)) -lt 90 ]; do
	st=$(lvm_state loop)
	[ -z "$st" ] && break
	[ "$st" = rebooting ] && saw=yes
	sleep 0.1
done
lvm_gone loop || fail "the looping guest is still there after 90 s ($(rebuilds loop) rebuilds)"
n=$(rebuilds loop)
info "loop: rebuilt $n times in $((SECONDS - start)) s, then destroyed"
[ "$n" = 8 ] || fail "rebuilt $n times, want 8 (the restart budget)"
[ "$saw" = yes ] || fail "lvm list never said 'rebooting' during a back-off"
[ "$(grep -c 'loop (d[0-9]*): rebooted 9 times in a row, each within 60 s of its restart: past its restart budget; destroying it' "$LOG")" = 1 ] ||
	fail "no one line about the restart budget: $(grep 'loop (' "$LOG" | tail -n 3)"
lvm_console_has loop "rebooted 9 times in a row, each within 60 s of its restart; destroyed (restart budget)" ||
	fail "no note in loop's console log: $(tail -n 3 "$(lvm_console_log loop)")"
grep -q 'building it again in 2000 ms' "$LOG" || fail "no back-off of 2 s in lvmd.log"

# ---- on_reboot in a config ----
cfg=$(mktemp)
for act in destroy preserve; do
	cat >"$cfg" <<-EOF
	name = "or-$act"
	kernel = "$img"
	cmdline = "reboot"
	on_reboot = "$act"
	EOF
	lvm create "$cfg" >/dev/null || fail "create or-$act"
done
wait_for 30 lvm_gone or-destroy || fail "on_reboot=destroy: or-destroy is $(lvm_state or-destroy)"
grep -q "or-destroy (d[0-9]*): rebooted; on_reboot=destroy: destroying it" "$LOG" ||
	fail "no on_reboot=destroy line"
wait_for 30 eval '[ "$(lvm_state or-preserve)" = shutdown ]' ||
	fail "on_reboot=preserve: or-preserve is $(lvm_state or-preserve)"
[ "$(rebuilds or-destroy)$(rebuilds or-preserve)" = 00 ] || fail "a guest with on_reboot destroy or preserve was rebuilt"
lvm info or-preserve | grep -q '^on_reboot: *preserve$' || fail "info: $(lvm info or-preserve)"
printf 'name = "x"\nkernel = "%s"\non_reboot = "coredump-restart"\n' "$img" >"$cfg"
lvm create "$cfg" >"$cfg.out" 2>"$cfg.err"
info "bad on_reboot: $(one_line_error "$cfg.out" "$cfg.err" $?)"
grep -q "on_reboot: 'coredump-restart' is not supported" "$cfg.err" || fail "bad on_reboot: $(cat "$cfg.err")"
rm -f "$cfg" "$cfg.out" "$cfg.err"

# ---- lvm shutdown of a guest rebooting in a loop ----
lvm create "$img" --name sl --cmdline reboot >/dev/null || fail "create sl"
wait_for 30 eval '[ "$(rebuilds sl)" -ge 2 ]' || fail "sl was not rebuilt twice"
t0=$(now_us)
out=$(timeout 30 lvm shutdown sl 2>&1) || fail "lvm shutdown sl: $out"
info "lvm shutdown of a looping guest: ok after $((($(now_us) - t0) / 1000)) ms"
lvm_gone sl || fail "lvm shutdown answered, but sl is $(lvm_state sl)"
sleep 3
lvm_gone sl || fail "sl came back after lvm shutdown: $(lvm_state sl)"
grep -q "sl (d[0-9]*): .*the poweroff wins" "$LOG" || fail "no 'the poweroff wins' line: $(grep 'sl (' "$LOG" | tail -n 3)"

# ---- lvm reboot answered by a poweroff ----
lvm create "$img" --name deaf --cmdline stay >/dev/null || fail "create deaf"
timeout 30 lvm reboot deaf >"$LVMD_STATE/out" 2>"$LVMD_STATE/err"
line=$(one_line_error "$LVMD_STATE/out" "$LVMD_STATE/err" $?)
info "lvm reboot of a guest that powers off: $line"
[ "$line" = "lvm: deaf powered off instead of rebooting; destroyed" ] || fail "lvm reboot said: $line"
lvm_gone deaf || fail "deaf is $(lvm_state deaf)"

# ---- lvmd.log: capped; the record keeps on_reboot ----
# failed REQ N: N requests for guests that do not exist, 4 at a time, each
# one "request failed: no guest 'REQ-…'" line in lvmd.log (with -v).
failed() { seq "$2" | xargs -P 4 -I '{}' sh -c "lvm info '$1-{}' >/dev/null 2>&1"; }
lvmd_stop
LVMD_KEEP_STATE=1 lvmd_start -v -L 1024 -R 0:0
lvm info or-preserve | grep -q '^on_reboot: *preserve$' || fail "after a restart: $(lvm info or-preserve)"
lvm destroy or-preserve || fail "destroy or-preserve"
failed cap 24
size=$(stat -c %s "$LOG")
info "-L 1024: lvmd.log $size bytes, lvmd.log.1 $(stat -c %s "$LOG.1" 2>/dev/null) bytes"
[ -f "$LOG.1" ] || fail "lvmd.log was never moved to lvmd.log.1"
[ "$size" -le 1300 ] || fail "lvmd.log is $size bytes, over its cap of 1024 (and a line)"
[ "$(stat -c %s "$LOG.1")" -le 1300 ] || fail "lvmd.log.1 is over the cap"
wait_for 10 eval "[ \"\$(hv_domain_count)\" = $before ]" ||
	fail "$before domains before, $(hv_domain_count) after"

# ---- lvmd.log: a line repeated in a flood is rate-limited ----
# 3 in a row, then one every 10 minutes: 3 of 10 pass, whatever the speed;
# lvmd says how many it dropped when it stops.
lvmd_stop
rm -f "$LOG" "$LOG.1"
LVMD_KEEP_STATE=1 lvmd_start -v -R 3:600000
failed flood 10
lvmd_stop
n=$(grep -c "request failed: no guest 'flood-" "$LOG")
info "-R 3:600000: $n of 10 'no guest' lines logged; $(grep -o '[0-9]* lines like .* were suppressed' "$LOG")"
[ "$n" = 3 ] || fail "$n of 10 lines logged, want 3"
grep -q "7 lines like 'request failed: %s' were suppressed" "$LOG" ||
	fail "no line counting the 7 suppressed: $(tail -n 3 "$LOG")"
