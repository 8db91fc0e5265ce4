# bench/drivers/docker.sh — a container through the whole engine:
# `docker run --rm --network none` of a busybox image imported locally
# (no registry: `tar -C ROOTFS -c . | docker import`), running /bin/true.
# Clock: "exited" (docker run --rm returns once the container has exited
# and been removed). The containers that stay up (scaling) run `sleep` with
# `docker run -d`, clock "returned" (started, detached).
# The driver interface is described in bench/drivers/README.md.

DOCKER_IMAGE=

docker_check() {
	command -v docker >/dev/null || { echo "no Docker in this dom0 (the box carries it with --containers)"; return 1; }
	docker info >/dev/null 2>&1 || { echo "dockerd does not answer"; return 1; }
	[ -n "$BENCH_ROOTFS" ] || { echo "no busybox root file system to import"; return 1; }
	return 0
}

docker_modes() { echo run; }

docker_cost() { echo 20; }

docker_setup() {
	DOCKER_IMAGE=$(echo "$BENCH_ID-busybox" | tr 'A-Z' 'a-z')
	tar -C "$BENCH_ROOTFS" -c . | docker import - "$DOCKER_IMAGE" >/dev/null
}

docker_start() {
	local n=$2 warm=$3 i
	for ((i = -warm; i < n; i++)); do
		if [ $i -lt 0 ]; then
			bench_cmd docker run 0 -c exited -t 300 -- docker run --rm --network none \
				--label "lvm-bench=$BENCH_ID" "$DOCKER_IMAGE" /bin/true >/dev/null || return 1
		else
			bench_cmd docker run "$i" -c exited -t 300 -- docker run --rm --network none \
				--label "lvm-bench=$BENCH_ID" "$DOCKER_IMAGE" /bin/true || return 1
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
	return 0
}

docker_cleanup() {
	command -v docker >/dev/null || return 0
	docker_rm_all 2>/dev/null
	docker_teardown
}
