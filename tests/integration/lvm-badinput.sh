#!/bin/bash
# Bad input to `lvm create` (and a missing lvmd): each case exits non-zero
# with exactly one "lvm: ..." line on stderr (what it echoes escaped), lvmd
# still answers at once, and the hypervisor has as many domains afterwards
# as before. A FIFO named as an image, a kernel or a ramdisk is refused
# without blocking lvm or lvmd.
. "$(dirname "$0")/lib.sh"

img=$LVM_BUILD/guests/hello.xen
[ -f "$img" ] || fail "no guest image $img"
lvmd_start
d=$LVMD_STATE
before=$(hv_domain_count)

# expect_error WHAT PATTERN CMD...: CMD fails in one line matching PATTERN.
expect_error() {
	local what=$1 pat=$2 rc; shift 2
	timeout 20 "$@" >"$d/out" 2>"$d/err"
	rc=$?
	[ $rc -ne 124 ] || fail "$what: timed out"
	timeout 10 lvm list >/dev/null || fail "$what: lvmd does not answer"
	msg=$(one_line_error "$d/out" "$d/err" $rc) || fail "$what: $msg"
	grep -qE "$pat" <<<"$msg" || fail "$what: '$msg' does not match '$pat'"
	[ "$(hv_domain_count)" = "$before" ] || fail "$what: the domain count changed"
	info "$what: $msg"
}

# cfg FILE LINE...: a config file for a guest named "bad" with hello's
# image unless a LINE sets the kernel; prints its path.
cfg() {
	local f=$d/$1.cfg; shift
	{
		echo "name = \"bad\""
		printf '%s\n' "$@" | grep -q '^kernel' || echo "kernel = \"$img\""
		printf '%s\n' "$@"
	} >"$f"
	echo "$f"
}

expect_error "missing kernel" "/nonexistent/k.xen.*No such file" \
	lvm create "$(cfg missing 'kernel = "/nonexistent/k.xen"')"
printf 'this is not a kernel\n' >"$d/text.xen"
expect_error "kernel not ELF" "not .*ELF|Exec format" \
	lvm create "$(cfg notelf "kernel = \"$d/text.xen\"")"
expect_error "argument neither ELF nor config" "text.xen:1: " \
	lvm create "$d/text.xen"
expect_error "ELF without Xen notes" "Xen notes|Exec format" \
	lvm create /bin/busybox --name noxen
expect_error "memory 0" "memory: 0 .*out of range" \
	lvm create "$(cfg mem0 'memory = 0')"
expect_error "memory 0 (option)" "memory: 0 MiB is out of range" \
	lvm create "$img" --name m0 --memory 0
expect_error "memory above free" "MiB requested, the hypervisor has [0-9]+ MiB free" \
	lvm create "$img" --name big --memory 4000000
expect_error "memory above the limit" "memory: 4194305 MiB is out of range \\(1\\.\\.4194304 MiB\\)" \
	lvm create "$img" --name huge --memory 4194305
expect_error "vcpus 0" "vcpus: 0 is out of range" \
	lvm create "$(cfg vcpu0 'vcpus = 0')"
expect_error "vcpus 129" "vcpus: 129 is out of range" \
	lvm create "$img" --name v129 --vcpus 129
long=$(printf 'n%.0s' $(seq 1 200))
expect_error "200-character name" "name 'n+.*must be 1..63 characters" \
	lvm create "$img" --name "$long"
expect_error "unknown config key" "foo.cfg:3: unknown key 'foo'" \
	lvm create "$(cfg foo 'foo = 1')"
expect_error "cmdline and extra" "'cmdline' and 'extra' are the same setting" \
	lvm create "$(cfg extra 'extra = "a"' 'cmdline = "b"')"
expect_error "vif" "vif0: 'script' is not supported" \
	lvm create "$(cfg vif "vif = [ 'bridge=br0,script=vif-bridge' ]")"
expect_error "noxs and xenstore at once" "exclude each other" \
	lvm create "$img" --name xs --xenstore --noxs
expect_error "noxs required, image without the note" "has no noxs note" \
	lvm create "$LVM_BUILD/guests/hello-plain.xen" --name xs --noxs
expect_error "no such guest" "no guest 'ghost'" lvm destroy ghost
expect_error "a domain lvm does not manage" "domain 0 is not managed by lvm" \
	lvm destroy 0

# A FIFO nobody writes: opening it for reading would block.
mkfifo "$d/k.fifo" || fail "mkfifo"
expect_error "FIFO as the image" "k.fifo: not a regular file" \
	lvm create "$d/k.fifo"
expect_error "FIFO as the kernel" "k.fifo: not a regular file" \
	lvm create "$(cfg fifo "kernel = \"$d/k.fifo\"")"
expect_error "FIFO as the ramdisk" "k.fifo: not a regular file" \
	lvm create "$img" --name rdfifo --ramdisk "$d/k.fifo"
expect_error "FIFO as a pool image" "k.fifo: not a regular file" \
	lvm pool set 4x1 1 "$d/k.fifo"

# What an error echoes stays on its line: control characters escaped.
expect_error "name with a newline" "name 'a\\\\nb'" \
	lvm create "$img" --name $'a\nb'
printf 'name = "a\\nb"\nkernel = "%s"\n' "$img" >"$d/nl.cfg"
expect_error "name with a newline in a config" "name 'a\\\\nb'" \
	lvm create "$d/nl.cfg"
expect_error "kernel path with a newline" "k\\\\nk: " \
	lvm create "$(cfg esc "kernel = \"$d/k\\nk\"")"
expect_error "no guest with a newline" "no guest 'gh\\\\nost'" \
	lvm destroy $'gh\nost'
long=$(printf 'p%.0s' $(seq 1 300))
expect_error "300-character unknown verb" "unknown verb 'p{40}…'" \
	lvm "$long"

lvm create "$img" --name dup --paused >/dev/null || fail "create dup"
before=$(hv_domain_count)
expect_error "duplicate name" "name 'dup' is taken" \
	lvm create "$img" --name dup
lvm destroy dup || fail "destroy dup"
before=$(hv_domain_count)

expect_error "lvmd not running" "cannot reach lvmd at /run/nonexistent.sock \(is it running\? start it with: lvmd -d\)" \
	env LVM_SOCKET=/run/nonexistent.sock lvm create "$img" --name x
: >"$d/not-a-socket"
expect_error "nothing listening" "cannot reach lvmd at $d/not-a-socket" \
	lvm -s "$d/not-a-socket" list
lvmd_stop
start=$(now_us)
timeout 10 lvm create "$img" --name x >"$d/out" 2>"$d/err"
rc=$?
[ $rc -ne 124 ] || fail "lvm create hung without lvmd"
one_line_error "$d/out" "$d/err" $rc >/dev/null || fail "stopped lvmd"
grep -q "is it running" "$d/err" || fail "stopped lvmd: $(cat "$d/err")"
info "stopped lvmd: $(cat "$d/err") ($((($(now_us) - start) / 1000)) ms)"
