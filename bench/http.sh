#!/bin/bash
# bench/http.sh [P] [ROUNDS] — create to first HTTP reply, one run, in the
# box with its containers layer (make bench-http), or as root in a real
# dom0 with Docker. Three servers of the same page, each asked
# "GET / HTTP/1.0" by lvm-bench-reply (-r) from the moment its start
# command is spawned, the connect retried at once, until the first byte of
# the reply:
#   httpd     the httpd unikernel (build/guests/httpd.xen), `lvm create
#             --vif ip=A` (cold: no pool);
#   lighttpd  the lighttpd VM of lvm build --linux (build/guests/
#             lighttpd.cfg: the box's kernel, its initramfs), `lvm create`
#             of its config with `vif = [ 'ip=A' ]`, XenStore mode;
#   tiny      only when make tiny-kernel has built it (build/guests/tiny/
#             lighttpd.cfg): the same VM with the tailored kernel
#             (lvm build --linux --kernel, netfront built in, no module),
#             created the same way;
#   docker    `docker run -d --network host` of an image imported from
#             /usr/share/xenbox/images/lighttpd.tar (bench/http-image.sh:
#             lighttpd's Debian packages and their dependencies' files,
#             and the VM's configuration and page), lighttpd on dom0's
#             port 80, asked at lvmd's bridge address.
# Each guest sample at its own address on lvmd's bridge (198.18.0.0/16);
# no packet leaves the box. ROUNDS (default 3) interleaved rounds of P
# (default 3) samples of each. The sizes first, once the image is
# imported: the VM's initramfs (xz, unpacked) against the Docker image
# (docker's size, unpacked; the tar's, xz'd the same way where this dom0
# has xz). Prints medians, p10/p90, min/max and the ratios, with PASS/FAIL
# against issue 12's goals (VM/docker first reply <= 1.0; initramfs <=
# 1/10 of the image). Exits 0 when the run itself worked.
set -u -o pipefail
. "$(dirname "$0")/dom0.sh"
. "$(dirname "$0")/lib.sh"
P=${1:-3}
ROUNDS=${2:-3}
STATE=/run/lvm-bench-http
BR=lvmbr0 BRADDR=198.18.0.1
IMAGE_TAR=${IMAGE_TAR:-/usr/share/xenbox/images/lighttpd.tar}
REQ=$'GET / HTTP/1.0\r\n\r\n'
die() {
	echo "bench-http: $*" >&2
	tail -n 5 "$STATE/lvmd.log" 2>/dev/null | sed 's/^/  lvmd.log: /' >&2
	exit 1
}
httpd=$BUILD/guests/httpd.xen cfg=$BUILD/guests/lighttpd.cfg
tcfg=$BUILD/guests/tiny/lighttpd.cfg
KINDS="httpd lighttpd docker"
[ -f "$tcfg" ] && KINDS="httpd lighttpd tiny docker"
[ -f "$httpd" ] || die "no $httpd"
[ -f "$cfg" ] || die "no $cfg (make deps && make)"
[ -f "$IMAGE_TAR" ] || die "no $IMAGE_TAR (make bench-http makes it, and the box's --containers carries it)"
command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "no Docker here (the box's --containers)"
command -v lvm-bench-reply >/dev/null || die "no lvm-bench-reply in $BUILD/bin"
pct() { sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100 + 0.5) + 1; print (NR ? v[i] : "-") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v m="$2" 'BEGIN { print (r != "-" && r <= m ? "PASS" : "FAIL") }'; }

rm -rf "$STATE"
mkdir -p "$STATE"
lvmd -d -S "$STATE" -c /dev/null || die "lvmd did not start"
export LVM_SOCKET=$STATE/lvmd.sock
LVMD_PID=$(cat "$STATE/lvmd.pid")
cleanup() {
	local g
	docker rm -f lvm-http >/dev/null 2>&1
	for g in $(lvm list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		lvm destroy "$g" >/dev/null 2>&1
	done
	kill "$LVMD_PID" 2>/dev/null
}
trap cleanup EXIT
[ -d "/sys/class/net/$BR/bridge" ] || die "lvmd made no bridge $BR"
echo "bench-http: $ROUNDS rounds of $P samples per kind; dom0 load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"

t0=${EPOCHREALTIME/./}
docker import "$IMAGE_TAR" lvm-lighttpd:bench >/dev/null || die "docker import $IMAGE_TAR"
echo "bench-http: docker import of $(basename "$IMAGE_TAR"): $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms (not counted)"

# Sizes. The goal's measure is the initramfs as the VM boots from it (xz,
# lvm build's) against the image as Docker keeps it (its layer unpacked,
# docker image inspect): each as its system stores it, not like with
# like. Like with like: both unpacked (the cpio's bytes, the image's), and
# both xz'd the same way (the tar with lvm build's settings: x86 filter,
# LZMA2 preset 6, a dictionary of its size; where this dom0 has xz, else
# bench/http-image.sh's figure on the host).
cpio=$(sed -n 's/^ramdisk = ".*\/\([^/"]*\)"$/\1/p' "$cfg")
cpio=$BUILD/guests/$cpio
isz=$(stat -c %s "$cpio") iraw=$(sed -n 's/^# lvm build id .*, initramfs [0-9]* bytes, \([0-9]*\) unpacked$/\1/p' "$cfg")
dsz=$(docker image inspect -f '{{.Size}}' lvm-lighttpd:bench)
tsz=$(stat -c %s "$IMAGE_TAR")
# (busybox's xz only decompresses: a failure or nothing is "-")
txz=$(xz --check=crc32 --x86 --lzma2=preset=6,dict="$tsz" -c "$IMAGE_TAR" 2>/dev/null | wc -c) &&
	[ "$txz" -gt 0 ] || txz=-
echo "sizes (bytes):"
echo "  lighttpd VM initramfs: $isz xz ($(basename "$cpio"), as booted), $iraw unpacked; its kernel $(stat -L -c %s "$BUILD/guests/lighttpd.vmlinuz")"
[ -f "$tcfg" ] &&
	echo "  with the tailored kernel: initramfs $(stat -c %s "$BUILD/guests/tiny/lighttpd.cpio.xz") xz (no module), its kernel $(stat -L -c %s "$BUILD/guests/tiny/lighttpd.vmlinuz")"
echo "  Docker image lvm-lighttpd: $dsz unpacked (docker image inspect), its tar $tsz, xz $txz$([ "$txz" = - ] && echo " (no xz here that compresses: bench/http-image.sh prints it)")"
r1=$(ratio "$isz" "$dsz") r2=$(ratio "$iraw" "$dsz") r3=$(ratio "$isz" "$txz")
echo "  initramfs as booted (xz) / image as docker keeps it (unpacked): $r1 $(verdict "$r1" 0.1) (goal <= 0.1)"
echo "  like with like: unpacked / unpacked: $r2; xz / xz: $r3"

# The lighttpd VM's config, its files named as here, its vif given;
# DIR (default $BUILD/guests) the build's directory of the config.
vmcfg() {
	local d=${3:-$BUILD/guests}
	sed -e "s|^kernel = \".*/|kernel = \"$d/|" \
		-e "s|^ramdisk = \".*/|ramdisk = \"$d/|" \
		-e "s|^name = .*|name = \"$1\"|" \
		-e "s|^vif = .*|vif = [ 'ip=$2' ]|" "$d/lighttpd.cfg" >"$STATE/$1.cfg"
}
# init_ms KIND NAME: boot to init as the guest NAME's kernel saw it
# (lvm-init's first console line, CLOCK_BOOTTIME), in ms, into
# STATE/KIND.init.
init_ms() {
	sed -n 's/.*lvm-init: up \([0-9]*\)\.\([0-9]*\) s after.*/\1\2/p' \
		"$STATE/console/$2.log" 2>/dev/null | head -n 1 | sed 's/^0*\([0-9]\)/\1/' >>"$STATE/$1.init"
}
# one KIND I: one sample, its reply and command times into STATE/KIND.*
# (bench_reply)
one() {
	local kind=$1 i=$2 a
	a=198.18.$((10 + i / 250)).$((i % 250 + 1))
	case $kind in
	httpd)
		bench_reply "$STATE/httpd" -a "$a" -p 80 -r "$REQ" -t 60000 -o "$STATE/out" -- \
			lvm create "$httpd" --name "h-$i" --vif "ip=$a" ||
			die "httpd h-$i: $(cat "$STATE/out")"
		lvm destroy "h-$i" >/dev/null || die "lvm destroy h-$i" ;;
	lighttpd)
		vmcfg "lt-$i" "$a"
		bench_reply "$STATE/lighttpd" -a "$a" -p 80 -r "$REQ" -t 120000 -o "$STATE/out" -- \
			lvm create "$STATE/lt-$i.cfg" ||
			die "lighttpd lt-$i: $(cat "$STATE/out"); $(tail -n 5 "$STATE/console/lt-$i.log" 2>/dev/null)"
		init_ms lighttpd "lt-$i"
		lvm destroy "lt-$i" >/dev/null || die "lvm destroy lt-$i" ;;
	tiny)
		vmcfg "tk-$i" "$a" "$BUILD/guests/tiny"
		bench_reply "$STATE/tiny" -a "$a" -p 80 -r "$REQ" -t 120000 -o "$STATE/out" -- \
			lvm create "$STATE/tk-$i.cfg" ||
			die "tiny tk-$i: $(cat "$STATE/out"); $(tail -n 5 "$STATE/console/tk-$i.log" 2>/dev/null)"
		init_ms tiny "tk-$i"
		lvm destroy "tk-$i" >/dev/null || die "lvm destroy tk-$i" ;;
	docker)
		bench_reply "$STATE/docker" -a "$BRADDR" -p 80 -r "$REQ" -t 120000 -o "$STATE/out" -- \
			docker run -d --rm --name lvm-http --network host lvm-lighttpd:bench \
			/usr/sbin/lighttpd -D -f /etc/lighttpd/lvm.conf ||
			die "docker run: $(cat "$STATE/out")"
		docker rm -f lvm-http >/dev/null || die "docker rm lvm-http"
		# the port free again before the next start
		while lvm-bench-reply -a "$BRADDR" -p 80 -r "$REQ" -t 200 >/dev/null 2>&1; do sleep 0.1; done ;;
	esac
}

# A check that each serves the page, and the warm-up, not counted.
for k in $KINDS; do one "$k" 0; done
curl_page() { curl -s -m 5 "http://$1/" | head -c 200 | tr -d '\r\n'; }
vmcfg lt-check 198.18.9.1
lvm create "$STATE/lt-check.cfg" >/dev/null || die "lvm create lt-check"
wait_for 120 curl -sf -m 2 -o /dev/null http://198.18.9.1/ || die "the lighttpd VM does not serve"
echo "bench-http: the VM serves: $(curl_page 198.18.9.1)"
lvm destroy lt-check >/dev/null
if [ -f "$tcfg" ]; then
	vmcfg tk-check 198.18.9.2 "$BUILD/guests/tiny"
	lvm create "$STATE/tk-check.cfg" >/dev/null || die "lvm create tk-check"
	wait_for 120 curl -sf -m 2 -o /dev/null http://198.18.9.2/ || die "the lighttpd VM with the tailored kernel does not serve"
	echo "bench-http: the VM with the tailored kernel serves: $(curl_page 198.18.9.2)"
	lvm destroy tk-check >/dev/null
fi
docker run -d --rm --name lvm-http --network host lvm-lighttpd:bench \
	/usr/sbin/lighttpd -D -f /etc/lighttpd/lvm.conf >/dev/null || die "docker run"
wait_for 60 curl -sf -m 2 -o /dev/null "http://$BRADDR/" || die "the container does not serve"
echo "bench-http: the container serves: $(curl_page "$BRADDR")"
docker rm -f lvm-http >/dev/null
rm -f "$STATE"/*.init "$STATE"/*.reply "$STATE"/*.cmd "$STATE"/*.tries "$STATE"/*.conn

n=0
for r in $(seq 1 "$ROUNDS"); do
	for k in $KINDS; do
		for i in $(seq 1 "$P"); do one "$k" $((n + i)); done
	done
	n=$((n + P))
	echo "  round $r: medians so far: httpd $(pct 50 "$STATE/httpd.reply") ms, lighttpd VM $(pct 50 "$STATE/lighttpd.reply") ms$([ -f "$tcfg" ] && echo ", with the tailored kernel $(pct 50 "$STATE/tiny.reply") ms"), docker $(pct 50 "$STATE/docker.reply") ms"
done

row() { printf '  %-40s %3s %9s %9s %9s %9s %9s\n' "$1" "$(wc -l <"$2")" "$(pct 0 "$2")" "$(pct 10 "$2")" "$(pct 50 "$2")" "$(pct 90 "$2")" "$(pct 100 "$2")"; }
echo "create to first HTTP reply ($n samples each, ms, spawn of the start command -> first byte):"
printf '  %-40s %3s %9s %9s %9s %9s %9s\n' series n min p10 median p90 max
row "httpd unikernel (lvm create, cold)" "$STATE/httpd.reply"
row "  its command, spawn -> exit" "$STATE/httpd.cmd"
row "lighttpd VM (lvm create, XenStore mode)" "$STATE/lighttpd.reply"
row "  its command, spawn -> exit" "$STATE/lighttpd.cmd"
row "  boot to init (the guest's clock)" "$STATE/lighttpd.init"
if [ -f "$tcfg" ]; then
	row "lighttpd VM, tailored kernel" "$STATE/tiny.reply"
	row "  its command, spawn -> exit" "$STATE/tiny.cmd"
	row "  boot to init (the guest's clock)" "$STATE/tiny.init"
fi
row "lighttpd in docker run -d --network host" "$STATE/docker.reply"
row "  its command, spawn -> exit" "$STATE/docker.cmd"
rv=$(ratio "$(pct 50 "$STATE/lighttpd.reply")" "$(pct 50 "$STATE/docker.reply")")
ru=$(ratio "$(pct 50 "$STATE/httpd.reply")" "$(pct 50 "$STATE/docker.reply")")
echo "  lighttpd VM / docker (medians): $rv $(verdict "$rv" 1.0) (goal <= 1.0)"
if [ -f "$tcfg" ]; then
	rt=$(ratio "$(pct 50 "$STATE/tiny.reply")" "$(pct 50 "$STATE/docker.reply")")
	echo "  lighttpd VM, tailored kernel / docker (medians): $rt $(verdict "$rt" 1.0) (goal <= 1.0)"
fi
echo "  httpd unikernel / docker (medians): $ru"

