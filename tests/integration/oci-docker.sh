#!/bin/bash
# lightvm-oci under Docker (the box's containers layer: dockerd runs with
# --add-runtime lvm=/usr/local/bin/lightvm-oci, tests/xenbox/containers.sh):
#   - docker run --runtime lvm of an image holding hello prints hello's
#     line, exits 0 and (--rm) leaves no domain;
#   - of noop: up (docker ps, a domain) until docker stop, which shuts it
#     down through its device page ("powered off as asked"); docker logs
#     has its line; docker rm leaves no domain and no state;
#   - docker kill destroys it (exit 137);
#   - an image with no lvm image (busybox's) runs as a Linux VM made of its
#     root fs: docker run of echo hi prints hi, sh -c 'exit 3' exits 3, a
#     second run uses the VM cached by the first; nothing left;
#   - errors, one line in Docker's output and nothing left: an image with
#     no lvm image and no such program, memory below the image's floor,
#     and (lightvm-oci directly) a bad config.json;
#   - the stand-in carries a guest's last output when a look tells it of
#     the guest's end before the console does (lvmd stopped while hello
#     prints and powers off);
#   - the same hello through containerd's ctr, with the runc shim's
#     binary set to lightvm-oci.
# Runs in the containers box (about 4 min; not in make test):
#   tests/xenbox/xenbox -m 4096 -d 2560 --containers run tests/integration/run --group oci
# limit: 600
LVMD_STATE=/run/lvm  # lvmd's default socket: the one lightvm-oci uses
. "$(dirname "$0")/lib.sh"

command -v docker >/dev/null || fail "no docker: this test runs in the box with --containers"
docker info >/dev/null 2>&1 || fail "dockerd does not answer"
[ -x /usr/local/bin/lightvm-oci ] || fail "no /usr/local/bin/lightvm-oci"
docker info 2>/dev/null | grep -q 'Runtimes:.* lvm' || fail "dockerd has no lvm runtime: $(docker info 2>/dev/null | grep Runtimes)"
lvmd_start

# lightvm-oci's state: under the --root dockerd gives, or its default
# (dockerd 20.10 gives runc's, /var/run/docker/runtime-runc/moby)
state_left() { grep -l lvm_guest $(find /var/run/docker /run/lightvm-oci -name state.json 2>/dev/null) /dev/null 2>/dev/null; }
before=$(hv_domain_count)
domains_back() { [ "$(hv_domain_count)" = "$before" ]; }
standins() { grep -lx lightvm-oci /proc/[0-9]*/comm 2>/dev/null | wc -l; }

# An image per guest, made here (no registry): a tar of the .xen files.
img=$(mktemp -d)
cp "$LVM_BUILD"/guests/{hello,noop,floor8}.xen "$img/"
tar -C "$img" -c . | docker import - lvm-guests >/dev/null || fail "docker import"
tar -C /usr/share/xenbox/rootfs -c . | docker import - lvm-busybox >/dev/null ||
	fail "docker import of busybox"
rm -rf "$img"
cleanup_docker() {
	docker rm -f oci-noop oci-kill >/dev/null 2>&1
	docker rmi lvm-guests lvm-busybox >/dev/null 2>&1
}
trap 'rc=$?; cleanup_docker; (exit $rc); lvmd_cleanup' EXIT

# hello: its line on docker run's stdout, exit 0, nothing left.
out=$(timeout 60 docker run --rm --runtime lvm --network none lvm-guests /hello.xen 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
[ $rc -eq 0 ] || fail "docker run of hello: status $rc"
grep -q "hello: Hello from an lvm guest" <<<"$out" || fail "no hello line in docker run's output"
grep -q "PATH=" <<<"$out" || fail "the guest's command line lacks process.env"
wait_for 10 domains_back || fail "$(hv_domain_count) domains after docker run --rm of hello, $before before"
[ -z "$(state_left)" ] || fail "state left: $(state_left)"
info "docker run hello: its line, status 0, no domain left"

# noop: up until docker stop, which asks it to power off.
docker run -d --name oci-noop --runtime lvm --network none lvm-guests /noop.xen >/dev/null ||
	fail "docker run -d noop"
wait_for 20 bash -c "docker ps --filter name=oci-noop --format '{{.Status}}' | grep -q '^Up'" ||
	fail "noop not up in docker ps: $(docker ps -a --filter name=oci-noop)"
[ "$(lvm_names | grep -c '^oci-')" = 1 ] || fail "no oci- guest in lvm list: $(lvm_names)"
guest=$(lvm_names | grep '^oci-')
[ "$(lvm_state "$guest")" = running ] || fail "$guest is $(lvm_state "$guest")"
[ "$(standins)" -ge 1 ] || fail "no stand-in process"
sleep 1
[ "$(lvm_state "$guest")" = running ] || fail "$guest did not stay up"
wait_for 10 bash -c "docker logs oci-noop 2>&1 | grep -q noop" ||
	fail "docker logs has no line of noop: $(docker logs oci-noop 2>&1 | tail -n 3)"
start=$(now_us)
timeout 60 docker stop oci-noop >/dev/null || fail "docker stop"
info "docker stop took $((($(now_us) - start) / 1000)) ms"
grep -q "$guest (d[0-9]*): powered off as asked" "$LVMD_STATE/lvmd.log" ||
	fail "noop was not shut down through its device page: $(grep "$guest" "$LVMD_STATE/lvmd.log" | tail -n 3)"
code=$(docker inspect -f '{{.State.ExitCode}}' oci-noop)
[ "$code" = 0 ] || fail "noop's exit code after docker stop: $code, not 0"
docker rm oci-noop >/dev/null || fail "docker rm"
wait_for 10 domains_back || fail "a domain left after docker rm"
lvm_gone "$guest" || fail "$guest still listed"
[ -z "$(state_left)" ] || fail "state left after docker rm: $(state_left)"
info "docker run noop: up until docker stop (powered off as asked, status 0); docker rm: nothing left"

# docker kill: destroyed, 137.
docker run -d --name oci-kill --runtime lvm --network none lvm-guests /noop.xen >/dev/null ||
	fail "docker run -d noop (kill)"
wait_for 20 bash -c "docker ps --filter name=oci-kill --format '{{.Status}}' | grep -q '^Up'" ||
	fail "noop (kill) not up"
docker kill oci-kill >/dev/null || fail "docker kill"
wait_for 20 bash -c "[ \"\$(docker inspect -f '{{.State.Running}}' oci-kill)\" = false ]" ||
	fail "still running after docker kill"
code=$(docker inspect -f '{{.State.ExitCode}}' oci-kill)
[ "$code" = 137 ] || fail "exit code after docker kill: $code, not 137"
docker rm oci-kill >/dev/null || fail "docker rm oci-kill"
wait_for 10 domains_back || fail "a domain left after docker kill and rm"
info "docker kill: status 137, no domain left"

# busybox's image, no lvm image in it: a Linux VM of its root fs (the
# program found in PATH there, its closure, lvm's init, the box's
# kernel), made by the first run and cached for the next.
rm -rf /var/cache/lightvm-oci
start=$(now_us)
out=$(timeout 300 docker run --rm --runtime lvm --network none lvm-busybox echo hi 2>&1)
rc=$?
first=$((($(now_us) - start) / 1000))
printf '%s\n' "$out" | sed 's/^/    /'
[ $rc -eq 0 ] || fail "docker run of busybox echo hi: status $rc"
tr -d '\r' <<<"$out" | grep -qx hi || fail "no line 'hi' in docker run's output"
[ -n "$(ls /var/cache/lightvm-oci/*/vm.cfg 2>/dev/null)" ] || fail "no VM in the cache"
wait_for 10 domains_back || fail "a domain left after docker run of busybox echo"
start=$(now_us)
timeout 300 docker run --rm --runtime lvm --network none lvm-busybox sh -c 'echo three; exit 3' >/dev/null 2>&1
rc=$?
second=$((($(now_us) - start) / 1000))
[ $rc -eq 3 ] || fail "docker run of busybox sh -c 'exit 3': status $rc, not 3"
start=$(now_us)
out=$(timeout 300 docker run --rm --runtime lvm --network none lvm-busybox echo hi 2>&1)
cached=$((($(now_us) - start) / 1000))
tr -d '\r' <<<"$out" | grep -qx hi || fail "no line 'hi' from the cached VM"
[ "$(ls -d /var/cache/lightvm-oci/*/ | wc -l)" = 2 ] ||
	fail "not one cached VM per command: $(ls /var/cache/lightvm-oci)"
wait_for 10 domains_back || fail "a domain left after the Linux VMs"
[ -z "$(state_left)" ] || fail "state left: $(state_left)"
info "busybox as a Linux VM: echo hi printed hi (built: $first ms), sh -c 'exit 3' exited 3 ($second ms), echo hi again $cached ms (cached)"

# errors: one line in Docker's output, nothing left behind.
n_standins=$(standins)
docker_error() {  # docker_error WHAT EXPECTED ARGS...: a docker run that must fail
	local what=$1 want=$2 out rc; shift 2
	out=$(timeout 60 docker run --rm --runtime lvm --network none "$@" 2>&1)
	rc=$?
	info "$what: $out"
	[ $rc -ne 0 ] || fail "$what: docker run succeeded"
	grep -q "$want" <<<"$out" || fail "$what: no '$want' in Docker's output"
	[ "$(grep -c "$want" <<<"$out")" = 1 ] || fail "$what: not one line"
	wait_for 10 domains_back || fail "$what: a domain left"
	[ -z "$(lvm_names | grep '^oci-')" ] || fail "$what: a guest left: $(lvm_names)"
	[ "$(standins)" = "$n_standins" ] || fail "$what: a stand-in left"
}
docker_error "no lvm image, no such program" "no program '/bin/true' in its root file system" lvm-guests /bin/true
docker_error "memory below the floor" "needs at least 8 MiB" -m 6m lvm-guests /floor8.xen

# a bad config.json: lightvm-oci itself, its error in runc's JSON log
b=$(mktemp -d)
mkdir "$b/rootfs" && cp "$LVM_BUILD/guests/hello.xen" "$b/rootfs/"
echo '{"ociVersion": "1.0.2", "process": {"args": ["/hello.xen"]}, "root": ' >"$b/config.json"
lightvm-oci --root "$b/state" --log "$b/log.json" --log-format json create --bundle "$b" \
	--pid-file "$b/pid" bad1 >/dev/null 2>&1 && fail "create with a bad config.json succeeded"
grep -q '"level":"error","msg":"config.json: not valid JSON' "$b/log.json" ||
	fail "no JSON error line in the log: $(cat "$b/log.json")"
[ "$(wc -l <"$b/log.json")" = 1 ] || fail "not one line in the log"
[ ! -e "$b/pid" ] && [ -z "$(ls -A "$b/state" 2>/dev/null)" ] || fail "a bad create left a pid file or state"
info "bad config.json: $(cat "$b/log.json")"
rm -rf "$b"
wait_for 10 domains_back || fail "a domain left after the errors"

# A guest's last output, when the stand-in learns of its end from a look
# rather than from the console's end: after a second of console silence
# the stand-in asks lvmd how the guest is, and lvmd, stopped (SIGSTOP),
# does not answer; hello, unpaused meanwhile (xl), prints its line and
# powers off. lvmd, continued, drains the ring and forwards the line, then
# answers "shut down": the stand-in must still carry the line to its
# stdout (it once exited without reading it: the line lost, status 0).
b=$(mktemp -d)
mkdir "$b/rootfs" && cp "$LVM_BUILD/guests/hello.xen" "$b/rootfs/"
echo '{"ociVersion": "1.0.2", "process": {"args": ["/hello.xen"], "cwd": "/"}, "root": {"path": "rootfs"}}' >"$b/config.json"
lightvm-oci --root "$b/state" create --bundle "$b" --pid-file "$b/pid" last1 \
	</dev/null >"$b/out" 2>"$b/err" || fail "lightvm-oci create: $(cat "$b/err")"
standin=$(cat "$b/pid")
d=$(lvm_domid oci-last1)
[ -n "$d" ] || fail "no domid for oci-last1"
kill -STOP "$LVMD_PID"
trap 'rc=$?; kill -CONT "$LVMD_PID" 2>/dev/null; cleanup_docker; (exit $rc); lvmd_cleanup' EXIT
# the stand-in's look: a read of lvmd's answer (syscall 0), not its poll (7)
looking() { [ "$(cut -d' ' -f1 "/proc/$standin/syscall" 2>/dev/null)" = 0 ]; }
wait_for 10 looking || fail "the stand-in is not waiting on a look at the guest: $(cat "/proc/$standin/syscall")"
xl unpause "$d" || fail "xl unpause $d"
is_shut() { [[ $(xl list "$d" 2>/dev/null | awk 'NR == 2 { print $5 }') == *s* ]]; }
wait_for 20 is_shut || fail "hello did not power off: $(xl list "$d" 2>&1 | tail -n 1)"
kill -CONT "$LVMD_PID"
wait_for 20 bash -c "! kill -0 $standin 2>/dev/null" || fail "the stand-in did not exit"
grep -q "hello: Hello from an lvm guest" "$b/out" ||
	fail "the stand-in exited without hello's line, which lvmd has: $(grep -c 'Hello from' "$(lvm_console_log oci-last1)") line(s) in its log; stdout: '$(cat "$b/out")'"
lightvm-oci --root "$b/state" delete last1 || fail "lightvm-oci delete last1"
wait_for 10 domains_back || fail "a domain left after last1"
info "the last output when lvmd answers a look with the guest's end: $(grep -c 'Hello from' "$b/out") hello line on the stand-in's stdout"
rm -rf "$b"

# containerd: ctr run with the runc shim's binary set to lightvm-oci.
if command -v ctr >/dev/null; then
	# the containerd dockerd runs on (tests/xenbox/containers.sh starts it
	# first), in a namespace of its own
	CTR="ctr -a /run/containerd/containerd.sock -n lvm-test"
	docker save lvm-guests | $CTR images import --base-name lvm-guests --digests - >/dev/null 2>&1 ||
		docker save lvm-guests | $CTR images import - >/dev/null || fail "ctr images import"
	ref=$($CTR images ls -q | head -n 1)
	[ -n "$ref" ] || fail "no image in containerd after import"
	out=$(timeout 60 $CTR run --rm --runtime io.containerd.runc.v2 \
		--runc-binary /usr/local/bin/lightvm-oci "$ref" ctr-hello /hello.xen 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	[ $rc -eq 0 ] || fail "ctr run of hello: status $rc"
	grep -q "hello: Hello from an lvm guest" <<<"$out" || fail "no hello line in ctr run's output"
	wait_for 10 domains_back || fail "a domain left after ctr run --rm"
	$CTR images rm "$ref" >/dev/null 2>&1
	info "ctr run hello: its line, status 0, no domain left"
else
	fail "no ctr in the box"
fi
