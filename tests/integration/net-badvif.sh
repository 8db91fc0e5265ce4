#!/bin/bash
# Bad vif settings are refused before any domain or device is made, each
# with exactly one error line on stderr and a non-zero exit, leaving no
# domain and no registry record:
#   - in a config, refused by lvm itself ("PATH:LINE: vifN: ..."): a
#     malformed MAC, a multicast MAC, two vifs with one MAC, a key xl knows
#     but lvm does not take (script);
#   - on the command line (--vif): a malformed MAC;
#   - by lvmd: an address outside the bridge's subnet, a bridge other than
#     lvmd's, and, once a guest has them, its MAC and its address.
# A guest with default vifs gets the subnet's lowest free addresses and
# dom0 device names lvm<domid>.<id> (lvm info); after lvmd restarts, the
# adopted guest's address and MAC stay taken, and a recorded guest that
# never ran is run and serves on its vif; a guest rebuilt after its
# reboot keeps them.
. "$(dirname "$0")/lib.sh"

noop=$LVM_BUILD/guests/noop.xen
[ -f "$noop" ] || fail "no guest image $noop"
cfg=/tmp/net-badvif.cfg
out=/tmp/net-badvif.out
err=/tmp/net-badvif.err

lvmd_start -c /dev/null
start=$(hv_domain_count)

records() { ls "$LVMD_STATE/registry" | grep -c '\.json$'; }

# refused WHAT TEXT ARGS...: `lvm create ARGS` fails in one line holding
# TEXT; the domains and records are those of before.
refused() {
	local what=$1 text=$2 rc line doms recs
	shift 2
	doms=$(hv_domain_count)
	recs=$(records)
	lvm create "$@" >"$out" 2>"$err"
	rc=$?
	line=$(one_line_error "$out" "$err" $rc) || fail "$what: ${line#FAIL: }"
	grep -qF -- "$text" <<<"$line" || fail "$what: not the reason: $line"
	lvm_gone bad || fail "$what: guest 'bad' was left behind"
	[ "$(hv_domain_count)" = "$doms" ] || fail "$what: domains $doms -> $(hv_domain_count)"
	[ "$(records)" = "$recs" ] || fail "$what: records $recs -> $(records)"
	info "$what: $line"
}

# config VIF-LIST: a config for guest 'bad' with `vif = VIF-LIST` on line 3.
config() {
	printf 'name = "bad"\nkernel = "%s"\nvif = %s\n' "$noop" "$1" >"$cfg"
}

config "[ 'mac=00:16:3e:1:2:3' ]"
refused "config, malformed MAC" \
	"$cfg:3: vif0: mac '00:16:3e:1:2:3': not six hex pairs" "$cfg"
config "[ '', 'mac=01:16:3e:01:02:03' ]"
refused "config, multicast MAC" \
	"$cfg:3: vif1: mac '01:16:3e:01:02:03': a multicast address" "$cfg"
config "[ 'mac=00:16:3e:01:02:03', 'mac=00:16:3e:01:02:03' ]"
refused "config, two vifs one MAC" \
	"$cfg:3: vif1: mac 00:16:3e:01:02:03 is vif0's too" "$cfg"
config "[ 'bridge=lvmbr0,script=vif-bridge' ]"
refused "config, xl's script" \
	"$cfg:3: vif0: 'script' is not supported" "$cfg"
refused "--vif, malformed MAC" \
	"--vif 'mac=00:16:3e:zz:02:03': mac '00:16:3e:zz:02:03': not six hex pairs" \
	"$noop" --name bad --vif mac=00:16:3e:zz:02:03
refused "outside the subnet" \
	"vif0: address 10.0.0.5 is outside lvmbr0's subnet 198.18.0.0/16" \
	"$noop" --name bad --vif ip=10.0.0.5
refused "another bridge" \
	"vif1: bridge br9: lvmd serves one bridge, lvmbr0" \
	"$noop" --name bad --vif '' --vif bridge=br9

# A guest with two default vifs: the lowest free addresses, a 00:16:3e MAC.
lvm create "$noop" --name web --vif '' --vif default >/dev/null ||
	fail "cannot create a guest with two vifs"
id=$(lvm_domid web)
lvm info web | grep '^vif' | sed 's/^/    /'
lvm info web | grep -q "^vif0: *lvm$id.0 on lvmbr0 (mac=00:16:3e:..:..:..,bridge=lvmbr0,ip=198.18.0.2/16,mtu=1500)$" ||
	fail "vif0 not as expected: $(lvm info web | grep '^vif0')"
lvm info web | grep -q "^vif1: *lvm$id.1 on lvmbr0 (.*ip=198.18.0.3/16,mtu=1500)$" ||
	fail "vif1 not as expected: $(lvm info web | grep '^vif1')"
mac=$(lvm info web | sed -n 's/^vif0:.*mac=\([0-9a-f:]*\),.*/\1/p')
info "web (d$id): vif0 $mac 198.18.0.2, vif1 198.18.0.3"

refused "a MAC in use" "vif0: MAC $mac is already used by guest web" \
	"$noop" --name bad --vif "mac=$mac"
refused "an address in use" "vif0: address 198.18.0.3 is already used by guest web" \
	"$noop" --name bad --vif ip=198.18.0.3

# A daytime guest recorded but never run, as if lvmd had stopped between
# its record and its unpause: the restarted lvmd runs it, and it serves.
day=$LVM_BUILD/guests/daytime.xen
[ -f "$day" ] || fail "no guest image $day"
LATE=198.18.0.213
lvm create "$day" --name late --paused --vif "ip=$LATE" >/dev/null ||
	fail "cannot create late"
lateid=$(lvm_domid late)

# lvmd restarted: web is adopted, its address and MAC stay taken.
lvmd_stop
record_never_ran "$lateid"
LVMD_KEEP_STATE=1 lvmd_start -c /dev/null
[ "$(lvm_domid web)" = "$id" ] || fail "web was not adopted"
[ "$(lvm_domid late)" = "$lateid" ] || fail "late was not adopted: $(lvm list --all)"
grep -q "late (d$lateid): recorded, but lvmd stopped before it ran; running it now" "$LVMD_STATE/lvmd.log" ||
	fail "no line about late: $(grep "(d$lateid)" "$LVMD_STATE/lvmd.log")"
wait_for 30 ping -c 1 -W 1 "$LATE" >/dev/null ||
	fail "late ($LATE), run at the restart, does not answer ping: $(cat "$(lvm_console_log late)")"
line=$(nc -w 5 "$LATE" 13 </dev/null)
is_daytime_line "$line" ||
	fail "late's daytime line over TCP: '$line'"
lvm destroy late || fail "cannot destroy late"
info "a recorded guest that never ran, run at the restart: its vif serves ($line)"
refused "a MAC in use after a restart" "vif0: MAC $mac is already used by guest web" \
	"$noop" --name bad --vif "mac=$mac"
lvm create "$noop" --name next --vif '' >/dev/null || fail "cannot create next"
lvm info next | grep -q '^vif0: .*ip=198.18.0.4/16' ||
	fail "next did not get 198.18.0.4: $(lvm info next | grep '^vif0')"
info "after a restart, the next guest gets 198.18.0.4"

# A guest rebuilt after its reboot keeps its MAC and address.
lvm create "$noop" --name rb --vif '' >/dev/null || fail "cannot create rb"
vif_of() { lvm info "$1" | sed -n 's/^vif0: *lvm[0-9]*\.0 //p'; }
was=$(vif_of rb) rbid=$(lvm_domid rb)
lvm reboot rb >/dev/null || fail "cannot reboot rb"
[ "$(lvm_domid rb)" != "$rbid" ] || fail "rb was not built again"
[ "$(vif_of rb)" = "$was" ] || fail "rb's vif changed: $was -> $(vif_of rb)"
lvm destroy rb || fail "cannot destroy rb"
info "rebuilt after a reboot, same vif: $was"

# web gone: its addresses are free again.
lvm destroy web || fail "cannot destroy web"
lvm destroy next || fail "cannot destroy next"
lvm create "$noop" --name again --vif '' >/dev/null || fail "cannot create again"
lvm info again | grep -q '^vif0: .*ip=198.18.0.2/16' ||
	fail "again did not get 198.18.0.2: $(lvm info again | grep '^vif0')"
lvm destroy again || fail "cannot destroy again"
info "freed addresses are handed out again"

wait_for 20 eval "[ \"\$(hv_domain_count)\" = $start ]" ||
	fail "domains: $(hv_domain_count), want $start"
[ "$(records)" = 0 ] || fail "records left: $(ls "$LVMD_STATE/registry")"
rm -f "$cfg" "$out" "$err"
