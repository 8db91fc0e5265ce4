# bench/drivers/lvm.sh — lvm itself: `lvm create` of the noop guest, with
# the pre-created shell pool ("pool"), without it ("cold"), and in XenStore
# mode (`--xenstore`, the path of stock guests; "xenstore"); through the
# library (lvm-bench-lvm, liblvm's client API in-process) and through the
# command (`lvm create`, timed with lvm-bench-cmd). The driver interface
# is described in bench/drivers/README.md.
#
# The run starts its own lvmd (state in $BENCH_TMP/lvmd, no config file,
# no pool) in lvm_setup and stops it in lvm_teardown or lvm_cleanup. The
# pool of the guests' shape (4 MiB, 1 vCPU) holds LVM_POOL shells (4;
# LVM_BENCH_POOL overrides) except during the "cold" and "xenstore" series,
# which drain it (every create cold). In "pool" series every sample waits
# until the pool is full, so each create takes a shell; a create that did
# not is an error, never a sample.
#
# Clocks: "returned" when lvm_create() or `lvm create` returned (lvmd
# replies once the guest is unpaused, without waiting for it); "running"
# at the guest's ready mark, which lvmd measures from the request; it is
# put on the caller's clock as returned − lvmd's total + lvmd's ready (an
# upper bound: bench/lvmclock.h).
#
# The guests that stay up (scaling) are noop guests of 1 MiB
# (LVM_UP_MIB: the least our builder makes) made with `lvm create` with the
# pool of the start series' shape on, which they do not fit (they are
# cold); they run (blocked in the hypervisor, waiting for a
# request). Their "fill" rows say whether the pool served them
# ("pool-command") or not ("cold-command").
LVM_DRIVER_READY=1
LVM_MEM_MIB=4
LVM_UP_MIB=${LVM_BENCH_UP_MIB:-1}
LVM_POOL=${LVM_BENCH_POOL:-4}
LVM_STATE=
LVM_PID=

lvm_check() {
	if [ ! -x "$BENCH_BIN/lvm" ] || [ ! -x "$BENCH_BIN/lvmd" ]; then
		echo "lvm not built yet"
		return 1
	fi
	if [ "$LVM_DRIVER_READY" != 1 ]; then
		echo "lvm driver not written yet (bench/drivers/lvm.sh)"
		return 1
	fi
	[ -x "$BENCH_BIN/lvm-bench-lvm" ] || { echo "lvm-bench-lvm not built (run make)"; return 1; }
	[ -x "$BENCH_BIN/lvm-bench-cmd" ] || { echo "lvm-bench-cmd not built (run make)"; return 1; }
	[ -f "$BENCH_IMAGE" ] || { echo "no guest image $BENCH_IMAGE"; return 1; }
	[ -e /proc/xen/privcmd ] || { echo "no /proc/xen/privcmd: not in a Xen dom0"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "lvmd needs root"; return 1; }
	return 0
}

# built: a pool whose shells are built ahead for the noop image (lvm pool
# set SHAPE N IMAGE); pool: a pool of the shape only; cold: no pool.
lvm_modes() {
	echo built-library built-command pool-library pool-command \
		cold-library cold-command xenstore-library xenstore-command
}

lvm_cost() { echo 0.3; }

# Probed at each number of running guests in the scaling series.
lvm_scale_modes() { echo built-library pool-library pool-command; }

lvm_alive() { [ -n "$LVM_PID" ] && kill -0 "$LVM_PID" 2>/dev/null; }

lvm_setup() {
	LVM_STATE=$BENCH_TMP/lvmd
	rm -rf "$LVM_STATE"
	# lvmd keeps each guest's console log open: 1000 guests need more
	# than the usual 1024 descriptors.
	(ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
		exec "$BENCH_BIN/lvmd" -d -S "$LVM_STATE" -c /dev/null) || {
		echo "lvmd did not start: $(tail -n 1 "$LVM_STATE/lvmd.log" 2>/dev/null)"
		return 1
	}
	LVM_PID=$(cat "$LVM_STATE/lvmd.pid")
	export LVM_SOCKET=$LVM_STATE/lvmd.sock
	echo "lvm: lvmd $LVM_PID, state in $LVM_STATE, $(awk '/^Max open files/ { print $4 }' "/proc/$LVM_PID/limits") descriptors"
	lvm_pool_back
}

# lvm_stop: drain the pool, stop lvmd, wait until it is gone.
lvm_stop() {
	lvm_alive || return 0
	"$BENCH_BIN/lvm-bench-lvm" --pool "$LVM_MEM_MIB:1:0" >&2
	kill "$LVM_PID" 2>/dev/null
	wait_for 20 eval '! kill -0 $LVM_PID' || kill -KILL "$LVM_PID" 2>/dev/null
	LVM_PID=
}

lvm_teardown() {
	lvm_alive || return 0
	"$BENCH_BIN/lvm-bench-lvm" --destroy-prefix "$BENCH_ID-lvm-" >&2
	lvm_stop
}

# lvm_pool_of MODE: the pool target and the pool_hit each create must show.
lvm_pool_of() {
	case $1 in
	pool-* | built-*) echo "$LVM_POOL hit" ;;
	*) echo "0 miss" ;;
	esac
}

# lvm_pool_image MODE: the options that make the pool built ahead for the
# image, for the built-* modes.
lvm_pool_image() {
	case $1 in
	built-*) echo "-I $(realpath "$BENCH_IMAGE")" ;;
	esac
}

LVM_SEQ=0

lvm_start() {
	local mode=$1 n=$2 warm=$3 i name target expect out rows ret total ready hit
	lvm_alive || { echo "lvm: lvmd is not running" >&2; return 1; }
	read -r target expect <<<"$(lvm_pool_of "$mode")"
	local -a xs=()
	case $mode in xenstore-*) xs=(--xenstore) ;; esac
	if [ "${mode#*-}" = library ]; then
		LVM_SEQ=$((LVM_SEQ + 1))
		# shellcheck disable=SC2046
		"$BENCH_BIN/lvm-bench-lvm" -k "$BENCH_IMAGE" -M "$LVM_MEM_MIB" \
			-p "$BENCH_ID-lvm-lib$LVM_SEQ" -n "$n" -w "$warm" \
			-P "$target" $(lvm_pool_image "$mode") -e "$expect" ${xs[0]:+-X} \
			$(bench_tags lvm "$mode") || return 1
		bench_tick "$n"
		lvm_pool_back
		return 0
	fi
	out=$BENCH_TMP/lvm-create.json
	# shellcheck disable=SC2046
	"$BENCH_BIN/lvm-bench-lvm" --pool "$LVM_MEM_MIB:1:$target" $(lvm_pool_image "$mode") || return 1
	for ((i = -warm; i < n; i++)); do
		LVM_SEQ=$((LVM_SEQ + 1))
		name=$BENCH_ID-lvm-cmd$LVM_SEQ
		# shellcheck disable=SC2046
		[ "$target" = 0 ] || "$BENCH_BIN/lvm-bench-lvm" --pool "$LVM_MEM_MIB:1:$target" $(lvm_pool_image "$mode") || return 1
		rows=$(bench_cmd lvm "$mode" "$((i < 0 ? 0 : i))" -- \
			"$BENCH_BIN/lvm" create "$BENCH_IMAGE" --name "$name" \
			--memory "$LVM_MEM_MIB" --vcpus 1 "${xs[@]}" --json 2>"$out") || {
			cat "$out" >&2
			lvm destroy "$name" >/dev/null 2>&1
			return 1
		}
		hit=$(lvm_json_field pool_hit <"$out")
		total=$(lvm_json_field total_ns <"$out")
		ready=$(lvm_ready "$name") || {
			echo "lvm: $name: no ready mark within 10 s" >&2
			lvm destroy "$name" >/dev/null 2>&1
			return 1
		}
		lvm destroy "$name" >&2 || { echo "lvm: destroying $name failed" >&2; return 1; }
		if { [ "$expect" = hit ] && [ "$hit" != true ]; } ||
			{ [ "$expect" = miss ] && [ "$hit" != false ]; }; then
			echo "lvm: $name: pool_hit $hit where a pool $expect was wanted" >&2
			return 1
		fi
		[ $i -ge 0 ] || continue
		ret=${rows##*,}
		echo "$rows"
		lvm_running_row "$mode" "$i" "$ret" "$total" "$ready" || return 1
		bench_tick
	done
	lvm_pool_back
}

# lvm_pool_back: the pool back to LVM_POOL shells (after a cold series),
# so that lvmd holds them whatever runs next, as a host would.
lvm_pool_back() { "$BENCH_BIN/lvm-bench-lvm" --pool "$LVM_MEM_MIB:1:$LVM_POOL" >&2; }

# lvm_json_field KEY: the value of "KEY" in the JSON on stdin (json-c's
# pretty output: one member per line).
lvm_json_field() { sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -n1; }

# lvm_ready NAME: lvmd's ready figure of NAME (ns from the request), once
# it has one; fails after 10 s.
lvm_ready() {
	local r k
	for ((k = 0; k < 200; k++)); do
		r=$(lvm info --json "$1" 2>/dev/null | lvm_json_field ready_ns)
		[ -n "$r" ] && { echo "$r"; return 0; }
		sleep 0.05
	done
	return 1
}

# lvm_running_row MODE ITERATION RETURNED_MS TOTAL_NS READY_NS: the
# "running" row of a command sample (bench/lvmclock.h).
lvm_running_row() {
	awk -v e="$EXPERIMENT" -v m="$1" -v r="$RUNNING" -v it="$2" \
		-v ret="$3" -v tot="$4" -v rdy="$5" 'BEGIN {
		if (ret == "" || tot == "" || rdy == "" || tot / 1e6 > ret) {
			print "lvm: cannot put the ready mark on the caller clock (returned " ret " ms, total " tot " ns)" > "/dev/stderr"
			exit 1
		}
		printf "%s,lvm,%s,running,%s,%s,%.6f\n", e, m, r, it, ret - tot / 1e6 + rdy / 1e6 }'
}

# Scaling: noop guests that stay up, with the pool on.
LVM_UP=0
LVM_RSS0=

# lvm_rss: lvmd's resident memory, KiB.
lvm_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$LVM_PID/status" 2>/dev/null; }

lvm_up() {
	local name out=$BENCH_TMP/lvm-up.json rows hit mode
	lvm_alive || { echo "lvm: lvmd is not running" >&2; return 1; }
	[ $LVM_UP != 0 ] || LVM_RSS0=$(lvm_rss)
	name=$BENCH_ID-lvm-up$LVM_UP
	rows=$(bench_cmd lvm command "$LVM_UP" -- "$BENCH_BIN/lvm" create "$BENCH_IMAGE" \
		--name "$name" --memory "$LVM_UP_MIB" --vcpus 1 --json 2>"$out") || {
		cat "$out" >&2
		return 1
	}
	LVM_UP=$((LVM_UP + 1))
	hit=$(lvm_json_field pool_hit <"$out")
	mode=cold-command
	[ "$hit" = true ] && mode=pool-command
	echo "${rows/,lvm,command,/,lvm,$mode,}"
}

lvm_down() {
	local rss1 up=$LVM_UP
	rss1=$(lvm_rss)
	if [ "$up" -gt 0 ] && [ -n "$LVM_RSS0" ] && [ -n "$rss1" ]; then
		bench_note "lvm: lvmd's resident memory $((LVM_RSS0 / 1024)) MiB before the guests that stay up, $((rss1 / 1024)) MiB with $up: $(awk -v a="$LVM_RSS0" -v b="$rss1" -v n="$up" 'BEGIN { printf "%.1f", (b - a) / n }') KiB per guest"
	fi
	"$BENCH_BIN/lvm-bench-lvm" --destroy-prefix "$BENCH_ID-lvm-up" >&2 || return 1
	LVM_UP=0
	return 0
}

lvm_cleanup() {
	lvm_teardown
	return 0
}
