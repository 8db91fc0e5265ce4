/*
 * timer.c — the harness's clock for durations (timer.h).
 */
#include <string.h>

#include <xenctrl.h>
#include <xentoollog.h>

#include "bench/timer.h"
#include "toolstack/common/clock.h"

static uint64_t khz; /* 0: CLOCK_MONOTONIC */

uint64_t lvm_bench_timer_init(void)
{
	xentoollog_logger_stdiostream *lg;
	xc_interface *xch;
	xc_physinfo_t pi;
	uint64_t rate = 0;

	/* Off Xen, or not root: no privcmd, and libxenctrl's complaint
	 * about it is not this tool's to print. */
	lg = xtl_createlogger_stdiostream(stderr, XTL_NUM_LEVELS, 0);
	xch = xc_interface_open((xentoollog_logger *)lg,
				(xentoollog_logger *)lg, 0);
	if (xch) {
		memset(&pi, 0, sizeof(pi));
		if (xc_physinfo(xch, &pi) == 0)
			rate = pi.cpu_khz;
		xc_interface_close(xch);
	}
	if (lg)
		xtl_logger_destroy((xentoollog_logger *)lg);
	lvm_bench_timer_set(rate);
	return rate;
}

void lvm_bench_timer_set(uint64_t rate)
{
	khz = rate;
}

uint64_t lvm_bench_timer_khz(void)
{
	return khz;
}

uint64_t lvm_bench_now(void)
{
	return khz ? lvm_rdtsc() : lvm_now_ns();
}

double lvm_ms(uint64_t t0, uint64_t t1)
{
	if (t1 <= t0)
		return 0.0;
	return (double)(khz ? lvm_tsc_ns(t0, t1, khz) : t1 - t0) / 1e6;
}
