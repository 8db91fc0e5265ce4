#!/bin/bash
# Debian's lighttpd as a minimal Linux VM (guests/lighttpd, built on the
# host by make with lvm build --linux), booted by lvm create in XenStore
# mode from the config lvm build wrote, with the vif its manifest asks
# for (lvmd's bridge lvmbr0, an address from its subnet, given to the
# guest as lvm.ip=, which lvm-init applies):
#   - dom0's curl gets the page over HTTP: status 200, text/html, the
#     page of guests/lighttpd/root/var/www/html/index.html, from lighttpd;
#   - a page that is not there is a 404 (lighttpd serves its document
#     root, nothing else);
#   - destroyed: no domain, no vif left; nothing answers at its address.
. "$(dirname "$0")/lib.sh"

cfg=$LVM_BUILD/guests/lighttpd.cfg
# The page's own line (the box carries no guests/ sources).
want="<body><p>lighttpd in an lvm minimal Linux VM</p></body></html>"
[ -f "$cfg" ] || fail "no $cfg (make deps && make)"
command -v curl >/dev/null || fail "no curl in this dom0"
lvmd_start -c /dev/null
# The config names its files by the host's paths; here the build tree is
# $LVM_BUILD. (In lvmd's state directory: lvmd_cleanup's EXIT trap alone,
# which keeps the test's exit status.)
box_cfg=$LVMD_STATE/lighttpd.cfg
sed -e "s|^kernel = \".*/|kernel = \"$LVM_BUILD/guests/|" \
	-e "s|^ramdisk = \".*/|ramdisk = \"$LVM_BUILD/guests/|" "$cfg" >"$box_cfg"
before=$(hv_domain_count)

out=$(lvm create "$box_cfg" 2>&1) || fail "lvm create $cfg: $out"
d=$(lvm_domid lighttpd)
line=$(lvm info lighttpd | grep '^vif0:') || fail "lighttpd got no vif: $(lvm info lighttpd)"
ip=$(sed -n 's/.*ip=\([0-9.]*\)\/.*/\1/p' <<<"$line")
case $ip in 198.1[89].*) ;; *) fail "address '$ip' outside 198.18.0.0/15: $line" ;; esac
info "lighttpd (d$d) got $line"
url=http://$ip/
get() { curl -s -m 3 -o /tmp/lighttpd.body -D /tmp/lighttpd.head "$url"; }
# Up to 90 s by the clock (a try may take curl's 3 s).
end=$((SECONDS + 90))
until get; do
	[ $SECONDS -lt $end ] ||
		fail "no HTTP answer at $url in 90 s: $(tr -d '\r' <"$(lvm_console_log lighttpd)" | tail -n 12)"
	sleep 0.2
done
tr -d '\r' </tmp/lighttpd.head >/tmp/lighttpd.h
head -n 1 /tmp/lighttpd.h | grep -q '^HTTP/1\.[01] 200' || fail "status: $(head -n 1 /tmp/lighttpd.h)"
grep -qi '^content-type: text/html' /tmp/lighttpd.h || fail "not text/html: $(cat /tmp/lighttpd.h)"
grep -qi '^server: lighttpd/' /tmp/lighttpd.h || fail "not lighttpd: $(cat /tmp/lighttpd.h)"
grep -qxF "$want" /tmp/lighttpd.body || fail "not the page: $(head -c 300 /tmp/lighttpd.body)"
info "curl $url: $(head -n 1 /tmp/lighttpd.h), $(grep -i '^server:' /tmp/lighttpd.h), $(wc -c </tmp/lighttpd.body) bytes, the page's"
code=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "${url}nosuch.html")
[ "$code" = 404 ] || fail "a missing page gave $code, not 404"
info "a missing page: 404"
grep -a "lvm-init: cannot" "$(lvm_console_log lighttpd)" && fail "lvm-init reported an error"

lvm destroy lighttpd || fail "lvm destroy lighttpd"
wait_for 20 lvm_gone lighttpd || fail "lighttpd not gone: $(lvm info lighttpd 2>&1)"
no_dev() { [ ! -e "/sys/class/net/$1" ]; }
wait_for 20 no_dev "vif$d.0" || fail "vif$d.0 left behind"
curl -s -m 2 -o /dev/null "$url" && fail "$ip still answers HTTP"
[ "$(hv_domain_count)" = "$before" ] || fail "domains left: $(xl list)"
info "destroyed: no domain, no vif$d.0, nothing at $ip"
echo "net-lighttpd: ok"
