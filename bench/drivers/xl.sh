# bench/drivers/xl.sh — the stock toolstack on the same image: `xl create`
# (mode "command") and libxenlight in-process (mode "library",
# lvm-bench-libxl), so a library is compared with a library and a command
# with a command. The driver interface is described in
# bench/drivers/README.md.
#
# Clocks: "returned" when `xl create` exited, or libxl_domain_create_new()
# and libxl_domain_unpause() returned; "running" when the guest's console
# line ($BENCH_READY_TEXT) appeared in xenconsoled's log: a fair proxy for
# "the application runs", a little late by the console path. The console
# line can come before `xl create` returns: xl still has work to do after
# it unpauses the guest.
#
# The guests that stay up (scaling) are made with `xl create -p` of
# $BENCH_XL_STAY_IMAGE (default: the start image): paused, they hold their
# memory, XenStore entries, console and xl's per-domain monitor process but
# no CPU, whatever the image does. With BENCH_XL_STAY_RUNNING=1 they are
# unpaused (for an image that stays up under xl).

XL_MEM_MIB=4

xl_check() {
	command -v xl >/dev/null || { echo "no xl on PATH"; return 1; }
	xl info >/dev/null 2>&1 || { echo "xl info failed: not root in a Xen dom0?"; return 1; }
	[ -f "$BENCH_IMAGE" ] || { echo "no guest image $BENCH_IMAGE"; return 1; }
	[ -x "$BENCH_BIN/lvm-bench-cmd" ] || { echo "lvm-bench-cmd not built"; return 1; }
	return 0
}

xl_modes() { echo command library; }

xl_cost() { echo 1; }

# xl_cfg NAME IMAGE: write NAME's config, print its path.
xl_cfg() {
	local cfg=$BENCH_TMP/$1.cfg
	cat >"$cfg" <<EOT
name = "$1"
kernel = "$2"
memory = $XL_MEM_MIB
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOT
	echo "$cfg"
}

# xl_gone NAME: the domain NAME no longer exists.
xl_gone() { ! xl domid "$1" >/dev/null 2>&1; }

# xl_reap NAME: wait for NAME to go away by itself (the start image powers
# off); destroy it if it does not.
xl_reap() {
	wait_for 5 xl_gone "$1" && return 0
	xl destroy "$1" >/dev/null 2>&1
	wait_for 10 xl_gone "$1"
}

XL_SEQ=0

xl_start() {
	local mode=$1 n=$2 warm=$3 i name cfg rc
	if [ "$mode" = library ]; then
		XL_SEQ=$((XL_SEQ + 1))
		set -- -k "$BENCH_IMAGE" -M "$XL_MEM_MIB" -p "$BENCH_ID-lib$XL_SEQ" -n "$n" -w "$warm"
		[ -z "$BENCH_CONSOLE_DIR" ] || set -- "$@" -d "$BENCH_CONSOLE_DIR" -x "$BENCH_READY_TEXT"
		# shellcheck disable=SC2046
		"$BENCH_BIN/lvm-bench-libxl" "$@" $(bench_tags xl library) || return 1
		rm -f "$BENCH_CONSOLE_DIR/guest-$BENCH_ID-lib$XL_SEQ-"*.log 2>/dev/null
		bench_tick "$n"
		return 0
	fi
	for ((i = -warm; i < n; i++)); do
		XL_SEQ=$((XL_SEQ + 1))
		name=$BENCH_ID-cmd$XL_SEQ
		cfg=$(xl_cfg "$name" "$BENCH_IMAGE")
		if [ -n "$BENCH_CONSOLE_DIR" ]; then
			set -- -f "$BENCH_CONSOLE_DIR/guest-$name.log" -x "$BENCH_READY_TEXT" -t 60
		else
			set --
		fi
		if [ $i -lt 0 ]; then
			bench_cmd xl command 0 "$@" -- xl create -q "$cfg" >/dev/null
		else
			bench_cmd xl command "$i" "$@" -- xl create -q "$cfg"
		fi
		rc=$?
		xl_reap "$name" || { echo "xl: $name did not go away" >&2; return 1; }
		rm -f "$cfg" "$BENCH_CONSOLE_DIR/guest-$name.log" 2>/dev/null
		[ $rc -eq 0 ] || return 1
		[ $i -lt 0 ] || bench_tick
	done
}

# Scaling: probes at each level, and the guests that stay up.
xl_scale_modes() { echo command library; }

XL_UP=0

xl_up() {
	local name cfg paused=-p mode=command-paused
	XL_UP=$((XL_UP + 1))
	name=$BENCH_ID-up$XL_UP
	cfg=$(xl_cfg "$name" "${BENCH_XL_STAY_IMAGE:-$BENCH_IMAGE}")
	[ "${BENCH_XL_STAY_RUNNING:-0}" = 1 ] && paused= mode=command
	bench_cmd xl $mode "$((XL_UP - 1))" -- xl create -q $paused "$cfg" || return 1
	rm -f "$cfg"
}

# xl_destroy_all PREFIX: destroy every domain named PREFIX*, in one process.
xl_destroy_all() {
	"$BENCH_BIN/lvm-bench-libxl" --destroy-prefix "$1" >&2
}

xl_down() {
	xl_destroy_all "$BENCH_ID-up" || return 1
	XL_UP=0
	rm -f "$BENCH_CONSOLE_DIR/guest-$BENCH_ID-"*.log 2>/dev/null
	return 0
}

xl_cleanup() {
	xl_destroy_all "$BENCH_ID-" 2>/dev/null
	rm -f "$BENCH_CONSOLE_DIR/guest-$BENCH_ID-"*.log 2>/dev/null
	return 0
}
