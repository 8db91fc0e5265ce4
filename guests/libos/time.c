/*
 * time.c — TSC and Xen system time (see libos/time.h).
 *
 * Xen publishes, per vCPU, a TSC value, the system time at that TSC value
 * and a scale (a shift, then a 32.32 fixed-point multiplier). Xen bumps
 * the version before and after each update (odd while updating), so the
 * fields are read until one version is seen on both sides of the copy.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

#include <libos/barrier.h>
#include <libos/shared_info.h>
#include <libos/time.h>

#include "cpu.h"

struct time_snapshot {
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t mul;
	int8_t shift;
};

/* Read vCPU 0's time info consistently. Returns 0, or -1 without it. */
static int snapshot(struct time_snapshot *out)
{
	volatile shared_info_t *s = libos_shared_info();
	volatile struct vcpu_time_info *t;
	uint32_t v;

	if (s == NULL)
		return -1;
	t = &s->vcpu_info[0].time;
	do {
		v = t->version;
		lo_rmb();
		out->tsc_timestamp = t->tsc_timestamp;
		out->system_time = t->system_time;
		out->mul = t->tsc_to_system_mul;
		out->shift = t->tsc_shift;
		lo_rmb();
	} while ((v & 1) != 0 || v != t->version);
	return 0;
}

/* System time at (tsc) by the scale in (ts). */
static uint64_t scale(const struct time_snapshot *ts, uint64_t tsc)
{
	/*
	 * Modulo 2^64: with an emulated TSC the stamp can be "negative" (taken
	 * before the domain's TSC started at 0). A reading slightly behind the
	 * stamp (skew) counts as 0.
	 */
	int64_t diff = (int64_t)(tsc - ts->tsc_timestamp);
	uint64_t delta = diff > 0 ? (uint64_t)diff : 0;

	if (ts->shift < 0)
		delta >>= -ts->shift;
	else
		delta <<= ts->shift;
	return ts->system_time +
	       (uint64_t)(((unsigned __int128)delta * ts->mul) >> 32);
}

uint64_t libos_tsc(void)
{
	return lo_rdtsc();
}

void libos_clock(uint64_t *tsc, uint64_t *ns)
{
	struct time_snapshot ts;

	if (snapshot(&ts) < 0) {
		*tsc = lo_rdtsc();
		*ns = 0;
		return;
	}
	*tsc = lo_rdtsc();
	*ns = scale(&ts, *tsc);
}

uint64_t libos_now_ns(void)
{
	uint64_t tsc, ns;

	libos_clock(&tsc, &ns);
	return ns;
}

int libos_wallclock(uint64_t *sec, uint32_t *nsec)
{
	volatile shared_info_t *s = libos_shared_info();
	uint64_t wc_sec, total;
	uint32_t v, wc_nsec;

	if (s == NULL)
		return -1;
	do {
		v = s->wc_version;
		lo_rmb();
		wc_sec = s->wc_sec | (uint64_t)s->xen_wc_sec_hi << 32;
		wc_nsec = s->wc_nsec;
		lo_rmb();
	} while ((v & 1) != 0 || v != s->wc_version);
	total = wc_nsec + libos_now_ns();
	*sec = wc_sec + total / 1000000000u;
	*nsec = (uint32_t)(total % 1000000000u);
	return 0;
}
