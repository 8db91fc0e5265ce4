# bench/drivers/runc.sh — a container with no engine: `runc run` of a
# bundle over the busybox root file system ($BENCH_ROOTFS) running
# /bin/true, in its own namespaces (network included: only loopback).
# Clock: "exited" (runc run returns when the container has exited and been
# deleted). The driver interface is described in bench/drivers/README.md.
#
# On a root that is an initramfs (the box) there is no pivot_root: runc
# runs with --no-pivot there, as Docker does with DOCKER_RAMDISK.

RUNC_BUNDLE=

runc_check() {
	command -v runc >/dev/null || { echo "no runc in this dom0 (the box carries it with --containers)"; return 1; }
	[ -n "$BENCH_ROOTFS" ] || { echo "no busybox root file system for the container"; return 1; }
	[ -f /sys/fs/cgroup/cgroup.controllers ] || { echo "no cgroup2 at /sys/fs/cgroup"; return 1; }
	return 0
}

runc_modes() { echo run; }

runc_cost() { echo 3; }

runc_setup() {
	RUNC_BUNDLE=$BENCH_TMP/runc-bundle
	mkdir -p "$RUNC_BUNDLE"
	(cd "$RUNC_BUNDLE" && runc spec) || return 1
	# Run /bin/true, without a terminal, over the shared read-only rootfs.
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's/^\(\s*\)"sh"$/\1"\/bin\/true"/' \
		-e "s#\"path\": \"rootfs\"#\"path\": \"$BENCH_ROOTFS\"#" \
		"$RUNC_BUNDLE/config.json" || return 1
	grep -q '"/bin/true"' "$RUNC_BUNDLE/config.json" ||
		{ echo "runc spec: unexpected config.json" >&2; return 1; }
}

runc_flags() {
	case $(stat -f -c %T / 2>/dev/null) in
	ramfs | tmpfs) echo --no-pivot ;;
	esac
}

RUNC_SEQ=0

runc_start() {
	local n=$2 warm=$3 i
	for ((i = -warm; i < n; i++)); do
		RUNC_SEQ=$((RUNC_SEQ + 1))
		# shellcheck disable=SC2046
		if [ $i -lt 0 ]; then
			bench_cmd runc run 0 -c exited -- runc run $(runc_flags) \
				-b "$RUNC_BUNDLE" "$BENCH_ID-runc$RUNC_SEQ" >/dev/null || return 1
		else
			bench_cmd runc run "$i" -c exited -- runc run $(runc_flags) \
				-b "$RUNC_BUNDLE" "$BENCH_ID-runc$RUNC_SEQ" || return 1
			bench_tick
		fi
	done
}

runc_cleanup() {
	local c
	command -v runc >/dev/null || return 0
	for c in $(runc list -q 2>/dev/null | grep "^$BENCH_ID-"); do
		runc delete -f "$c" >/dev/null 2>&1
	done
	return 0
}
