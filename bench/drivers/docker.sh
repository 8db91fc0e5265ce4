# bench/drivers/docker.sh — a container through the whole engine:
# `docker run --rm --network none` of a busybox image imported locally
# (no registry: `tar -C ROOTFS -c . | docker import`), running /bin/true.
# Clock: "exited" (docker run --rm returns once the container has exited
# and been removed). The containers that stay up (scaling) run `sleep` with
# `docker run -d`, clock "returned" (started, detached).
# Mode "lvm": the same `docker run --rm --network none`, with the runtime
# lvm (lightvm-oci, docs/oci.md; the box's dockerd has it) and an image
# imported from a tar of build/guests/hello.xen, running /hello.xen (it
# prints its line and powers off: the guest's /bin/true). lightvm-oci
# reaches lvmd at its default socket: the driver starts an lvmd there for
# the series (state in /run/lvm) unless one answers, and stops it after.
# The driver interface is described in bench/drivers/README.md.

DOCKER_IMAGE= DOCKER_LVM_IMAGE= DOCKER_LVMD_PID=

docker_check() {
	command -v docker >/dev/null || { echo "no Docker in this dom0 (the box carries it with --containers)"; return 1; }
	docker info >/dev/null 2>&1 || { echo "dockerd does not answer"; return 1; }
	[ -n "$BENCH_ROOTFS" ] || { echo "no busybox root file system to import"; return 1; }
	return 0
}

docker_modes() { echo run lvm; }

docker_cost() { echo 20; }

docker_setup() {
	DOCKER_IMAGE=$(echo "$BENCH_ID-busybox" | tr 'A-Z' 'a-z')
	tar -C "$BENCH_ROOTFS" -c . | docker import - "$DOCKER_IMAGE" >/dev/null
}

# docker_lvm_ready: the lvm runtime is there, an lvmd answers at its
# default socket (started here if none), the hello image is imported.
docker_lvm_ready() {
	local d rt i
	# Docker's runtimes, asked up to three times: a busy dockerd can fail
	# a request; what it said is kept for the error line.
	for i in 1 2 3; do
		rt=$(timeout 60 docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>&1) && break
		sleep 2
	done
	case " $rt " in
	*" lvm "*) ;;
	*) echo "dockerd has no runtime lvm (dockerd --add-runtime lvm=/usr/local/bin/lightvm-oci); docker info said: ${rt:0:200}" >&2
		return 1 ;;
	esac
	[ -f "$BUILD/guests/hello.xen" ] || { echo "no $BUILD/guests/hello.xen" >&2; return 1; }
	if [ -z "$DOCKER_LVMD_PID" ] && ! lvm -s /run/lvm/lvmd.sock list >/dev/null 2>&1; then
		lvmd -d -S /run/lvm -c /dev/null ||
			{ echo "lvmd did not start at /run/lvm" >&2; return 1; }
		DOCKER_LVMD_PID=$(cat /run/lvm/lvmd.pid)
	fi
	if [ -z "$DOCKER_LVM_IMAGE" ]; then
		DOCKER_LVM_IMAGE=$(echo "$BENCH_ID-lvm-hello" | tr 'A-Z' 'a-z')
		d=$(mktemp -d "$BENCH_TMP/docker-lvm.XXXXXX")
		cp "$BUILD/guests/hello.xen" "$d/"
		tar -C "$d" -c . | docker import - "$DOCKER_LVM_IMAGE" >/dev/null || return 1
		rm -rf "$d"
	fi
}

docker_start() {
	local mode=$1 n=$2 warm=$3 i
	local args=("$DOCKER_IMAGE" /bin/true)
	if [ "$mode" = lvm ]; then
		docker_lvm_ready || return 1
		args=(--runtime lvm "$DOCKER_LVM_IMAGE" /hello.xen)
	fi
	for ((i = -warm; i < n; i++)); do
		if [ $i -lt 0 ]; then
			bench_cmd docker "$mode" 0 -c exited -t 300 -- docker run --rm --network none \
				--label "lvm-bench=$BENCH_ID" "${args[@]}" >/dev/null || return 1
		else
			bench_cmd docker "$mode" "$i" -c exited -t 300 -- docker run --rm --network none \
				--label "lvm-bench=$BENCH_ID" "${args[@]}" || return 1
			bench_tick
		fi
	done
}

docker_scale_modes() { echo run; }

DOCKER_UP=0

docker_up() {
	DOCKER_UP=$((DOCKER_UP + 1))
	bench_cmd docker run-detached "$((DOCKER_UP - 1))" -t 300 -- docker run -d --network none \
		--label "lvm-bench=$BENCH_ID" --name "$BENCH_ID-up$DOCKER_UP" \
		"$DOCKER_IMAGE" sleep 2000000000
}

# docker_rm_all: remove every container of this run.
docker_rm_all() {
	local ids
	ids=$(docker ps -aq --filter "label=lvm-bench=$BENCH_ID" 2>/dev/null)
	[ -z "$ids" ] || docker rm -f $ids >/dev/null
}

docker_down() {
	docker_rm_all || return 1
	DOCKER_UP=0
}

docker_teardown() {
	[ -z "$DOCKER_IMAGE" ] || docker rmi "$DOCKER_IMAGE" >/dev/null 2>&1
	[ -z "$DOCKER_LVM_IMAGE" ] || docker rmi "$DOCKER_LVM_IMAGE" >/dev/null 2>&1
	DOCKER_LVM_IMAGE=
	if [ -n "$DOCKER_LVMD_PID" ]; then
		kill "$DOCKER_LVMD_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$DOCKER_LVMD_PID" 2>/dev/null || break; sleep 0.1; done
		DOCKER_LVMD_PID=
	fi
	return 0
}

docker_cleanup() {
	command -v docker >/dev/null || return 0
	docker_rm_all 2>/dev/null
	docker_teardown
}
