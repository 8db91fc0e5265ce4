#!/bin/sh
# /etc/xenbox/init.d/50-containers — the containers layer's /init hook
# (xenbox --containers): prepare dom0 for runc and Docker, start dockerd and
# wait until it answers. Docker knows lightvm-oci as its runtime "lvm".
#
# dom0's root is an initramfs: there is no pivot_root into it, so runtimes
# are told so (DOCKER_RAMDISK, runc --no-pivot) and the container stores
# live on tmpfs. The box has no network and no registry: images are
# imported from /usr/share/xenbox/rootfs (a busybox tree).
say() { echo "xenbox-init: $*" >/dev/console; }

mkdir -p /sys/fs/cgroup /var/lib/docker /var/lib/containerd /var/run /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup || say "mount cgroup2 failed"
mount -t tmpfs tmpfs /var/lib/docker
mount -t tmpfs tmpfs /var/lib/containerd
mountpoint -q /tmp || mount -t tmpfs tmpfs /tmp

# lightvm-oci, the project's OCI runtime (docs/oci.md), as Docker's runtime
# "lvm" (docker run --runtime lvm).
mkdir -p /usr/local/bin
ln -sf /lvm/build/bin/lightvm-oci /usr/local/bin/lightvm-oci

export DOCKER_RAMDISK=true
dockerd --add-runtime lvm=/usr/local/bin/lightvm-oci --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
	--storage-driver=overlay2 --log-level=error \
	>/var/log/dockerd.log 2>&1 &
# By the clock, not by tries: in a loaded box one docker CLI run takes
# seconds.
start=$(date +%s)
while [ $(($(date +%s) - start)) -lt 300 ]; do
	[ -S /var/run/docker.sock ] && docker version >/dev/null 2>&1 &&
		{ say "dockerd ready after $(($(date +%s) - start)) s"; exit 0; }
	sleep 0.2
done
say "dockerd not ready after 300 s: $(tail -n 3 /var/log/dockerd.log)"
exit 1
