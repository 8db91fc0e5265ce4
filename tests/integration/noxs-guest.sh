#!/bin/bash
# Boots noxs guests with tests/tools/noxs_boot (libxenctrl + libxenguest,
# no XenStore), which fills each guest's device page and serves its console
# and sysctl record, then checks what the guests did:
#   noop      "noop: ready" through the device page's console, READY with a
#             ready_tsc, idle (blocked, not spinning) while it waits, a
#             suspend acked without action, a poweroff through the sysctl
#             record; a reboot request; gone after destroy
#   hello     its line through the device page's console, then poweroff
#   scribble  caught breaking the protocol, destroyed
. "$(dirname "$0")/lib.sh"

tool=$LVM_BUILD/tests/tools/noxs_boot
[ -x "$tool" ] || fail "no $tool (run make)"
for g in noop hello scribble; do
	[ -f "$LVM_BUILD/guests/$g.xen" ] || fail "no guest image $g.xen"
done
before=$(domain_count)

# boot ARGS...: run noxs_boot, keep its output in $out, show it indented.
boot() {
	out=$("$tool" -t 60 "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	return $rc
}
has() { grep -qE "$1" <<<"$out"; }

info "noop: idle for 2 s, suspend, then poweroff"
boot -n noop-$$ -i 2000 -r suspend,poweroff "$LVM_BUILD/guests/noop.xen" ||
	fail "noxs_boot failed on noop"
has '^console: noop: ready' || fail "noop's line never reached the device page's console"
has '^noxs_boot: ready: state=1 ready_tsc=[1-9]' || fail "noop never became READY with a ready_tsc"
has '^noxs_boot: idle: ' || fail "noop's idleness was not measured"
has '^noxs_boot: acked seq 1, state 1' || fail "suspend not acked as a no-op"
has '^noxs_boot: acked seq 2, state 2' || fail "poweroff not acked with state CLOSING"
has '^noxs_boot: shutdown reason 0$' || fail "noop did not power off"
has 'destroyed and gone' || fail "noop's domain not gone after destroy"

info "noop: reboot"
boot -n noop-reboot-$$ -r reboot "$LVM_BUILD/guests/noop.xen" ||
	fail "noxs_boot failed on noop with reboot"
has '^noxs_boot: shutdown reason 1$' || fail "noop did not shut down for reboot"

info "hello"
boot -n hello-$$ "$LVM_BUILD/guests/hello.xen" || fail "noxs_boot failed on hello"
has '^console: hello: Hello from an lvm guest$' || fail "hello's line never reached the device page's console"
has '^noxs_boot: shutdown reason 0$' || fail "hello did not power off"

info "scribble"
boot -n scribble-$$ -H "$LVM_BUILD/guests/scribble.xen" ||
	fail "noxs_boot did not catch scribble"
has '^noxs_boot: violation: ' || fail "no violation reported"
has 'destroyed and gone' || fail "scribble's domain not gone after destroy"

after=$(domain_count)
[ "$after" -eq "$before" ] || fail "$((after - before)) domain(s) left behind: $(xl list)"
info "no domain left behind"
