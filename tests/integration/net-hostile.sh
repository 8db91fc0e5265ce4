#!/bin/bash
# Hostile vif guests beside a good one: the nethostile guest
# (guests/nethostile) connects vif 0, then breaks one rule of the vif ABI
# per mode (bad descriptor id, length, offset, a request past its region,
# unknown flags, req_prod far ahead, a notification storm, a region too
# big). For each mode: dom0's data path disconnects it with the right
# reason, which the guest reads back from its device page and prints;
# a daytime guest created before keeps answering over TCP through the
# bridge (busybox nc); lvmd stays up and its log names the disconnect.
# Needs lvmd's vif backend (--vif, the bridge, the TAPs).
# limit: 900
. "$(dirname "$0")/lib.sh"

DAY_IP=198.18.0.50
day_img=$LVM_BUILD/guests/daytime.xen
nh_img=$LVM_BUILD/guests/nethostile.xen
[ -f "$day_img" ] || fail "no guest image $day_img"
[ -f "$nh_img" ] || fail "no guest image $nh_img"

# daytime_answers: one line with "UTC" from the daytime guest over TCP.
daytime_answers() {
	timeout 5 busybox nc "$DAY_IP" 13 </dev/null 2>/dev/null | grep -q UTC
}

lvmd_start
lvm create "$day_img" --name day --vif "ip=$DAY_IP" >/dev/null ||
	fail "create daytime with a vif"
wait_for 60 daytime_answers ||
	fail "daytime never answered on $DAY_IP:13: $(cat "$(lvm_console_log day)")"
info "daytime answers on $DAY_IP:13"

# mode: what the guest must print after "nethostile: disconnected: ".
declare -A want=(
	[badid]="bad descriptor id (arg 200)"
	[badlen]="bad length (arg 1)"
	[badoffset]="offset outside the region (arg 2)"
	[pastregion]="buffer past the region (arg 3)"
	[badflags]="unknown flags (arg 4)"
	[farahead]="ring index out of range (arg 1000)"
	[storm]="notification storm"
	[region]="bad rings or region (arg 129)"
)
for mode in badid badlen badoffset pastregion badflags farahead storm region; do
	name=nh-$mode
	lvm create "$nh_img" --name "$name" --vif '' --cmdline "$mode" \
		>/dev/null || fail "create nethostile $mode"
	# While it misbehaves (the storm lasts seconds), the good guest answers.
	wait_for 30 daytime_answers || fail "daytime stopped answering during $mode"
	wait_for 90 lvm_console_has "$name" "nethostile: disconnected: ${want[$mode]}" ||
		fail "$mode: not disconnected as expected: $(grep nethostile "$(lvm_console_log "$name")")"
	info "$(grep 'nethostile: disconnected' "$(lvm_console_log "$name")")"
	lvmd_alive || fail "lvmd died after $mode"
	wait_for 20 daytime_answers || fail "daytime stopped answering after $mode"
	domid=$(lvm_domid "$name")
	grep -qF "d$domid vif0 disconnected: ${want[$mode]%% (arg*}" \
		"$LVMD_STATE/lvmd.log" ||
		fail "$mode: no disconnect line for d$domid in lvmd.log"
	lvm destroy "$name" >/dev/null || fail "destroy $name"
	lvm_gone "$name" || fail "$name still listed after destroy"
done
daytime_answers || fail "daytime no longer answers at the end"
lvmd_alive || fail "lvmd is not running at the end"
info "8 hostile modes disconnected; daytime answered after each; lvmd up"
