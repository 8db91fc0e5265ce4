# bench/drivers/lvm.sh — lvm itself: `lvm create` of the noop guest, with
# the pre-created shell pool ("pool"), without it ("cold"), and for stock
# guests through XenStore ("xenstore"); through the library and through
# the command. The driver interface is described in bench/drivers/README.md.
#
# ─── DRIVER SLOT: to be filled in when the toolstack lands ───────────────
# Until build/bin/lvm exists, every series is reported N/A ("lvm not built
# yet"); until the functions below are written, N/A ("lvm driver not
# written yet"). Never a made-up number. What to write:
#   lvm_start MODE N WARM   N timed creates of $BENCH_IMAGE (noop) after
#                           WARM untimed ones, each destroyed after its
#                           samples; rows on stdout with the clocks
#                           "returned" (create returned) and "running"
#                           (the guest's ready mark). For *-command modes
#                           time `lvm create` with bench_cmd; for
#                           *-library modes a C tool like lvm-bench-libxl,
#                           linked with liblvm, that writes rows through
#                           bench/sample.h.
#   lvm_up N                one more noop that stays up; its "fill" rows
#   lvm_down                destroy every guest lvm_up made
#   lvm_cleanup             destroy everything named "$BENCH_ID-lvm-*"
# then set LVM_DRIVER_READY=1 below.
LVM_DRIVER_READY=0

lvm_check() {
	if [ ! -x "$BENCH_BIN/lvm" ]; then
		echo "lvm not built yet"
		return 1
	fi
	if [ "$LVM_DRIVER_READY" != 1 ]; then
		echo "lvm driver not written yet (bench/drivers/lvm.sh)"
		return 1
	fi
	return 0
}

lvm_modes() {
	echo pool-library pool-command cold-library cold-command \
		xenstore-library xenstore-command
}

lvm_cost() { echo 0.1; }

# Probed at each number of running guests in the scaling series.
lvm_scale_modes() { echo pool-library pool-command; }
