#!/bin/bash
# One copy of an image's code for all of its guests (share_code, on by
# default; toolstack/engine/code.h):
#   - share_code no: codewrite's attack finds its code in its own frame
#     and writes into it (the control: the attack works on a guest's own
#     copy);
#   - share_code yes: noop, hello and daytime (and two noops at once)
#     boot and run on their shared code; lvmd's debug line counts the
#     pages shared; one holder domain per image, and a second guest of an
#     image makes no new one;
#   - a victim codewrite watches its code; the attacker finds its code
#     in another domain's frame, Xen refuses both read-write mappings of
#     it, its write crashes it; the victim sees no change and powers off
#     as asked;
#   - lvmd killed: a restarted lvmd destroys its previous run's holders
#     and adopts the guests that still run on them (one still answers
#     its poweroff), then makes a holder anew;
#   - lvmd stopped with no guest: no domain is left (holders included).
. "$(dirname "$0")/lib.sh"

G=$LVM_BUILD/guests
for g in noop hello daytime codewrite; do
	[ -f "$G/$g.xen" ] || fail "no guest image $G/$g.xen"
done
# holders: the code holders the hypervisor has (handles 6c766d00-6364-…).
holders() { lvm list --all --json | json_field uuid | grep -c '^6c766d00-6364-'; }
# console LOG: a guest's console log, without the ring's carriage returns.
console() { tr -d '\r' <"$(lvm_console_log "$1")"; }
conf=$(dirname "$LVMD_STATE")/lvm-share.conf
start_with() { mkdir -p "$(dirname "$conf")"; printf 'share_code %s\n' "$1" >"$conf"; lvmd_start -v -c "$conf"; }
before=$(domain_count)

# The control: the attack on a guest's own copy of its code.
start_with no
lvm create "$G/codewrite.xen" --name own --cmdline attack >/dev/null || fail "create own"
wait_for 20 lvm_console_has own "wrote into the code" ||
	fail "the attack on its own copy did not write: $(cat "$(lvm_console_log own)")"
lvm_console_has own ": own" || fail "own's code is not in its own frame: $(cat "$(lvm_console_log own)")"
[ "$(console own | grep -cE "mapping it read-write (in place|elsewhere): 0$")" = 2 ] ||
	fail "own's read-write mappings were refused: $(console own)"
[ "$(holders)" = 0 ] || fail "a holder with share_code no"
grep -q "own (d[0-9]*): build .* 0 pages of code shared" "$LVMD_STATE/lvmd.log" ||
	fail "no '0 pages of code shared' for own: $(grep 'build map' "$LVMD_STATE/lvmd.log")"
info "share_code no: $(grep -c . "$(lvm_console_log own)") lines, the attack wrote into its own copy"
wait_for 10 lvm_gone own || fail "own (powered off after its write) still listed"
lvmd_stop

start_with yes
[ "$(holders)" = 0 ] || fail "a holder before any create"
for g in noop hello daytime; do
	lvm create "$G/$g.xen" --name "$g" >/dev/null || fail "create $g"
done
lvm create "$G/noop.xen" --name noop2 >/dev/null || fail "create noop2"
wait_for 20 lvm_console_has noop "noop: ready" || fail "noop not ready: $(cat "$(lvm_console_log noop)")"
wait_for 20 lvm_console_has noop2 "noop: ready" || fail "noop2 not ready"
wait_for 20 lvm_console_has hello "Hello from an lvm guest" || fail "hello: $(cat "$(lvm_console_log hello)")"
wait_for 20 lvm_console_has daytime "listening on TCP port 13" || fail "daytime: $(cat "$(lvm_console_log daytime)")"
[ "$(holders)" = 3 ] || fail "$(holders) holders for 3 images"
for g in noop noop2 hello daytime; do
	n=$(sed -n "s/^.*$g (d[0-9]*): build .*, \([0-9]*\) pages of code shared.*$/\1/p" "$LVMD_STATE/lvmd.log" | tail -n 1)
	[ -n "$n" ] && [ "$n" -gt 0 ] || fail "$g: no page of code shared: $(grep "$g (d" "$LVMD_STATE/lvmd.log")"
	info "$g: $n pages of code shared"
done

# The attack on shared code.
lvm create "$G/codewrite.xen" --name victim --cmdline victim >/dev/null || fail "create victim"
wait_for 20 lvm_console_has victim "victim watching" || fail "victim: $(cat "$(lvm_console_log victim)")"
lvm create "$G/codewrite.xen" --name attacker --cmdline attack >/dev/null || fail "create attacker"
[ "$(holders)" = 4 ] || fail "$(holders) holders for 4 images"
wait_for 20 grep -q "attacker (d[0-9]*): crashed" "$LVMD_STATE/lvmd.log" ||
	fail "the attacker did not crash: $(cat "$(lvm_console_log attacker)")"
log=$(console attacker)
grep -q "another domain's" <<<"$log" || fail "the attacker's code is not shared: $log"
grep -qE "mapping it read-write in place: -[0-9]+$" <<<"$log" || fail "mapped read-write in place: $log"
grep -qE "mapping it read-write elsewhere: -[0-9]+$" <<<"$log" || fail "mapped read-write elsewhere: $log"
grep -q "writing into the code" <<<"$log" || fail "the attacker never wrote: $log"
! grep -q "wrote into the code" <<<"$log" || fail "the attacker wrote into shared code: $log"
info "attacker: $(grep -E 'frame|read-write' <<<"$log" | sed 's/^codewrite: //' | tr '\n' ';')"
sleep 0.5
! lvm_console_has victim "the code changed" || fail "the victim saw its code change"
timeout 30 lvm shutdown victim || fail "shutdown victim"
grep -q "victim (d[0-9]*): powered off as asked" "$LVMD_STATE/lvmd.log" || fail "the victim did not power off as asked"

# lvmd killed (no clean stop): its holders stay; the next lvmd destroys
# them, and adopts the guests that run on them, which keep working.
kill -9 "$LVMD_PID"
wait_for 10 lvmd_dead || fail "lvmd did not die"
LVMD_PID=
n=$(xl list -v | grep -c ' 6c766d00-6364-')
[ "$n" = 4 ] || fail "$n holders after lvmd was killed, not 4: $(xl list -v)"
LVMD_KEEP_STATE=1 start_with yes
n=$(grep -c "a code holder of a previous lvmd; destroyed" "$LVMD_STATE/lvmd.log")
[ "$n" = 4 ] || fail "$n holders destroyed at the restart, not 4: $(grep -i holder "$LVMD_STATE/lvmd.log")"
timeout 30 lvm shutdown noop || fail "shutdown the adopted noop"
grep -q "noop (d[0-9]*): powered off as asked" "$LVMD_STATE/lvmd.log" || fail "the adopted noop did not power off"
lvm create "$G/noop.xen" --name noop3 >/dev/null || fail "create noop3"
wait_for 20 lvm_console_has noop3 "noop: ready" || fail "noop3 not ready"
[ "$(holders)" -ge 1 ] || fail "no holder for noop3"
for g in $(lvm_names); do lvm destroy "$g" || fail "destroy $g"; done
lvmd_stop
wait_for 20 eval '[ "$(domain_count)" -eq "$before" ]' ||
	fail "domains left after lvmd stopped: $(xl list)"
rm -f "$conf"
info "after lvmd stopped: $before domains, as before"
