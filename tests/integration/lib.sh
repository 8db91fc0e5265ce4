# tests/integration/lib.sh — helpers for integration tests, sourced by each.
#
# The tests run in a dom0: the box's (tests/xenbox/xenbox) or a real Xen
# host's. They need root, the Xen tools on PATH and the project built.
#   LVM_ROOT       the project tree (default: two levels above this file)
#   LVM_BUILD      its build directory (default: $LVM_ROOT/build)
#   LVM_CONSOLE_LOG_DIR  where xenconsoled logs guest consoles
#                        (default /var/log/xen/console; xenconsoled must
#                        run with --log=guest)
# A test prints what it checks, exits 0 on success and non-zero on failure
# after one "FAIL: reason" line.

LVM_ROOT=${LVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LVM_BUILD=${LVM_BUILD:-$LVM_ROOT/build}
LVM_CONSOLE_LOG_DIR=${LVM_CONSOLE_LOG_DIR:-/var/log/xen/console}
PATH=$LVM_BUILD/bin:/usr/lib/xen-4.17/bin:$PATH

fail() { echo "FAIL: $*"; exit 1; }
info() { echo "  $*"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 if never.
wait_for() {
	_t=$1; shift
	_n=$((_t * 10))
	while [ $_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# domain_exists NAME: the hypervisor still has a domain called NAME.
domain_exists() { xl domid "$1" >/dev/null 2>&1; }
domain_gone() { ! domain_exists "$1"; }

# domain_count: how many domains the hypervisor holds, dom0 included.
domain_count() { xl list | tail -n +2 | wc -l; }

# console_log NAME: the path of NAME's console log.
console_log() { echo "$LVM_CONSOLE_LOG_DIR/guest-$1.log"; }

# console_has NAME TEXT: NAME's console log has a line containing TEXT.
console_has() { grep -qF "$2" "$(console_log "$1")" 2>/dev/null; }

# now_us: microseconds since the epoch (bash's clock, no fork).
now_us() { _t=${EPOCHREALTIME/./}; echo "$_t"; }
