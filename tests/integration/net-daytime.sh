#!/bin/bash
# A networked daytime guest and httpd guest (--vif, lvmd's default bridge
# lvmbr0 on 198.18.0.1/16, made by lvmd): dom0 pings daytime, reads its
# line over TCP port 13, gets httpd's page twice on one connection with
# curl; lvm info shows the vif; lvm top shows httpd's vif counters move
# with the pages and its packets/s while pinged. Once both are destroyed no TAP, bridge
# port or address is left, and the bridge keeps only its own address.
. "$(dirname "$0")/lib.sh"

BR=lvmbr0
taps() { ip -o link | grep -c ': lvm[0-9]*\.[0-9]' ; }
no_taps() { [ "$(taps)" = 0 ]; }
ports() { ls "/sys/class/net/$BR/brif" | wc -l; }

[ -e /dev/net/tun ] || fail "no /dev/net/tun in this dom0"
lvmd_start -c /dev/null
[ -d "/sys/class/net/$BR/bridge" ] || fail "lvmd made no bridge $BR"
ip -o -4 addr show dev "$BR" | grep -q ' 198\.18\.0\.1/16 ' ||
	fail "bridge $BR lacks 198.18.0.1/16: $(ip -o -4 addr show dev "$BR")"
[ "$(taps)" = 0 ] || fail "TAPs before any guest: $(ip -o link)"

for g in daytime httpd; do
	img=$LVM_BUILD/guests/$g.xen
	[ -f "$img" ] || fail "no guest image $img"
done
DT=198.18.0.13 WEB=198.18.0.80
out=$(lvm create "$LVM_BUILD/guests/daytime.xen" --name dt --vif "ip=$DT" 2>&1) ||
	fail "create daytime: $out"
out=$(lvm create "$LVM_BUILD/guests/httpd.xen" --name web --vif '' 2>&1) ||
	fail "create httpd: $out"
[ "$(taps)" = 2 ] || fail "$(taps) TAPs for 2 vifs: $(ip -o link)"
[ "$(ports)" = 2 ] || fail "$(ports) bridge ports for 2 vifs"
info "dt: $(lvm info dt | grep -i vif)"
lvm info dt | grep -qF "$DT" || fail "lvm info dt does not show $DT: $(lvm info dt)"
WEB=$(lvm info web | grep -oE '198\.(18|19)\.[0-9]+\.[0-9]+' | grep -v '^198\.18\.0\.1$' | head -n 1)
[ -n "$WEB" ] || fail "lvm info web shows no address: $(lvm info web)"

wait_for 30 ping -c 1 -W 1 "$DT" >/dev/null ||
	fail "daytime ($DT) does not answer ping: $(cat "$(lvm_console_log dt)")"
info "ping: $(ping -c 3 -W 2 "$DT" | tail -n 1)"
line=$(nc -w 5 "$DT" 13 </dev/null)
is_daytime_line "$line" ||
	fail "daytime's line over TCP: '$line'"
info "daytime: $line"

wait_for 30 ping -c 1 -W 1 "$WEB" >/dev/null ||
	fail "httpd ($WEB) does not answer ping: $(cat "$(lvm_console_log web)")"
# lvm top: web's vif counters (bytes, packets, from dom0's side: rx to
# the guest, tx from it), before and after the pages.
webvif() {
	lvm top --json -n 1 | grep -o '"name":"web"[^]]*]' |
		sed -n 's/.*"vifs":\[{"rx_bytes":\([0-9]*\),"rx_packets":\([0-9]*\),"tx_bytes":\([0-9]*\),"tx_packets":\([0-9]*\),"connected":true}\]$/\1 \2 \3 \4/p'
}
read -r rb0 rp0 tb0 tp0 <<<"$(webvif)"
[ -n "$tp0" ] || fail "lvm top shows no connected vif for web: $(lvm top --json -n 1)"
curl -sv --max-time 10 "http://$WEB/" "http://$WEB/" >/tmp/net-daytime.body 2>/tmp/net-daytime.err ||
	fail "curl: $(tail -n 5 /tmp/net-daytime.err)"
n=$(grep -c '^< HTTP/1.1 200' /tmp/net-daytime.err)
[ "$n" = 2 ] || fail "$n answers 200 to 2 requests: $(cat /tmp/net-daytime.err)"
grep -qi 're-using existing connection' /tmp/net-daytime.err ||
	fail "the second request did not reuse the connection: $(cat /tmp/net-daytime.err)"
[ -s /tmp/net-daytime.body ] || fail "empty page"
info "httpd: 2 pages of $(($(wc -c </tmp/net-daytime.body) / 2)) bytes on one connection"
read -r rb1 rp1 tb1 tp1 <<<"$(webvif)"
page=$(($(wc -c </tmp/net-daytime.body) / 2))
[ "$rp1" -gt "$rp0" ] && [ "$rb1" -gt "$rb0" ] || fail "lvm top: web's rx did not move: $rb0/$rp0 -> $rb1/$rp1"
[ "$tp1" -gt "$tp0" ] && [ "$((tb1 - tb0))" -ge "$((2 * page))" ] ||
	fail "lvm top: web's tx did not carry 2 pages of $page bytes: $tb0/$tp0 -> $tb1/$tp1"
info "lvm top: web rx $rb0 -> $rb1 bytes ($rp0 -> $rp1 packets), tx $tb0 -> $tb1 bytes ($tp0 -> $tp1 packets)"
# and rates while it answers pings
ping -c 6 -W 1 "$WEB" >/dev/null &
lvm top --json -n 2 -d 2 >/tmp/net-daytime.top
wait
tail -n 1 /tmp/net-daytime.top | grep -o '"name":"web"[^]]*][^}]*' | grep -qE '"net_rx_pps":[0-9.]*[1-9]' ||
	fail "lvm top: no packets/s for web while pinged: $(tail -n 1 /tmp/net-daytime.top)"
lvm top --batch -n 2 -d 1 | awk '/^lvmd: up/ { k++ } k == 2 && /^(web|dt) /' | sed 's/^/    /'

lvm destroy dt || fail "destroy dt"
lvm destroy web || fail "destroy web"
wait_for 10 no_taps || fail "TAPs left: $(ip -o link | grep ': lvm[0-9]*\.[0-9]')"
[ "$(ports)" = 0 ] || fail "bridge ports left: $(ls "/sys/class/net/$BR/brif")"
n=$(ip -o addr show dev "$BR" | grep -c ' inet ')
[ "$n" = 1 ] || fail "bridge $BR has $n IPv4 addresses: $(ip -o addr show dev "$BR")"
info "destroyed: no TAP, no bridge port, only $BR's own address"
