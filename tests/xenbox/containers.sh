#!/bin/sh
# /etc/xenbox/init.d/50-containers — the containers layer's /init hook
# (xenbox --containers): prepare dom0 for runc and Docker, start containerd,
# then dockerd on that containerd, and wait until each answers. Docker knows
# lightvm-oci as its runtime "lvm"; ctr reaches the same containerd at
# /run/containerd/containerd.sock.
#
# dom0's root is an initramfs: there is no pivot_root into it, so runtimes
# are told so (DOCKER_RAMDISK, runc --no-pivot) and the container stores
# live on tmpfs. The box has no network and no registry: images are
# imported from /usr/share/xenbox/rootfs (a busybox tree).
say() { echo "xenbox-init: $*" >/dev/console; }
LIMIT=300
CONTAINERD_SOCK=/run/containerd/containerd.sock

mkdir -p /sys/fs/cgroup /var/lib/docker /var/lib/containerd /var/run /tmp \
	/run/containerd /etc/containerd
mount -t cgroup2 cgroup2 /sys/fs/cgroup || say "mount cgroup2 failed"
mount -t tmpfs tmpfs /var/lib/docker
mount -t tmpfs tmpfs /var/lib/containerd
# /tmp on tmpfs unless it already is (busybox has no mountpoint).
awk '$2 == "/tmp" { found = 1 } END { exit !found }' /proc/mounts ||
	mount -t tmpfs tmpfs /tmp

# lightvm-oci, the project's OCI runtime (docs/oci.md), as Docker's runtime
# "lvm" (docker run --runtime lvm).
mkdir -p /usr/local/bin
ln -sf /lvm/build/bin/lightvm-oci /usr/local/bin/lightvm-oci

# wait_ready WHAT LOG CMD...: until CMD succeeds, by the clock (seconds from
# date, not a count of tries: in a loaded box one docker CLI run takes
# seconds); on time out, say so with LOG's last lines and fail.
wait_ready() {
	what=$1 log=$2 start=$(date +%s)
	shift 2
	while [ $(($(date +%s) - start)) -lt $LIMIT ]; do
		"$@" >/dev/null 2>&1 &&
			{ say "$what ready after $(($(date +%s) - start)) s"; return 0; }
		sleep 0.2
	done
	say "$what not ready after $LIMIT s: $(tail -n 3 "$log")"
	return 1
}

# containerd first, on its own socket: dockerd is pointed at it, and ctr
# finds it there.
containerd --address "$CONTAINERD_SOCK" --log-level error \
	>/var/log/containerd.log 2>&1 &
wait_ready containerd /var/log/containerd.log test -S "$CONTAINERD_SOCK" || exit 1

export DOCKER_RAMDISK=true
dockerd --containerd "$CONTAINERD_SOCK" \
	--add-runtime lvm=/usr/local/bin/lightvm-oci \
	--iptables=false --ip6tables=false --bridge=none --ip-masq=false \
	--storage-driver=overlay2 --log-level=error \
	>/var/log/dockerd.log 2>&1 &
wait_ready dockerd /var/log/dockerd.log \
	sh -c '[ -S /var/run/docker.sock ] && docker version' || exit 1
