#!/bin/bash
# tests/demo/dom0.sh — the main job, run in a dom0 (the box's or a real
# Xen host's): start lvmd, create guests with `lvm`, show their console
# output and how long each creation took, and the same guest under the
# stock toolstack (`xl create`) for comparison.
LVMD_STATE=${LVMD_STATE:-/run/lvm-demo}
. "$(dirname "$0")/../integration/lib.sh"

hello=$LVM_BUILD/guests/hello.xen
noop=$LVM_BUILD/guests/noop.xen
for f in "$hello" "$noop"; do [ -f "$f" ] || fail "no guest image $f: run make"; done
echo "== $(xl info 2>/dev/null | awk -F': ' '/^xen_version/ { print "Xen " $2 }') dom0 $(uname -r)"
lvmd_start

# ms_of PHASE TIMING: the milliseconds of one --timing line.
ms_of() { awk -v p="$1" '$1 == p { print $2 }' <<<"$2"; }

echo "== lvm create of hello (prints one line, powers off)"
for i in 1 2 3; do
	name=hello-$i
	t0=$(now_us)
	out=$(lvm create "$hello" --name "$name" --timing) || fail "lvm create $name: $out"
	t1=$(now_us)
	wait_for 30 lvm_console_has "$name" "hello: name" || fail "$name printed nothing"
	printf '%-8s lvm create %6.1f ms (in lvmd %s ms, guest ready after %s ms)  console: %s\n' \
		"$name" "$(((t1 - t0) / 100))e-1" "$(ms_of total "$out")" \
		"$(ms_of ready "$out")" \
		"$(grep -F "hello: name" "$(lvm_console_log "$name")" | tr -d '\r')"
done

echo "== the same from a pool of shells built ahead for hello (lvm pool set 4x1 3 hello.xen)"
lvm pool set 4x1 3 "$hello" || fail "lvm pool set"
pool_full() { lvm pool | awk '$1 == "4x1" { exit !($4 == 3 && $5 == 0) }'; }
wait_for 30 pool_full || fail "the pool did not fill: $(lvm pool)"
for i in 1 2 3; do
	name=warm-$i
	t0=$(now_us)
	out=$(lvm create "$hello" --name "$name" --cmdline "demo=$i" --timing) ||
		fail "lvm create $name: $out"
	t1=$(now_us)
	wait_for 30 lvm_console_has "$name" "hello: name" || fail "$name printed nothing"
	printf '%-8s lvm create %6.1f ms (in lvmd %s ms, guest ready after %s ms)  console: %s\n' \
		"$name" "$(((t1 - t0) / 100))e-1" "$(ms_of total "$out")" \
		"$(ms_of ready "$out")" \
		"$(grep -F 'hello: name' "$(lvm_console_log "$name")" | tr -d '\r')"
done
lvm pool | sed 's/^/    /'
lvm pool set 4x1 0 || fail "lvm pool set 4x1 0"

echo "== lvm create of noop (marks itself ready, waits for a shutdown request)"
out=$(lvm create "$noop" --name noop-1 --timing) || fail "lvm create noop-1: $out"
printf '%s\n' "$out" | sed 's/^/    /'
lvm list | sed 's/^/    /'
t0=$(now_us)
lvm shutdown noop-1 || fail "lvm shutdown noop-1"
echo "    lvm shutdown noop-1 (through its noxs sysctl record): $((($(now_us) - t0) / 1000)) ms"

if xl info >/dev/null 2>&1; then
	echo "== the same hello guest with the stock toolstack (xl create)"
	cfg=$(mktemp)
	cat >"$cfg" <<EOT
name = "xl-hello"
kernel = "$hello"
memory = 4
on_poweroff = "destroy"
EOT
	t0=$(now_us)
	xl create -q "$cfg" || fail "xl create failed"
	t1=$(now_us)
	wait_for 30 domain_gone xl-hello || fail "xl-hello did not go away"
	rm -f "$cfg"
	printf 'xl-hello xl create  %6.1f ms\n' "$(((t1 - t0) / 100))e-1"
fi
echo "== times in the box are about 10x those on hardware; compare ratios"
