/*
 * libos/time.h — the CPU's time-stamp counter and Xen's system time.
 *
 * Xen system time counts nanoseconds since the hypervisor booted; it is the
 * clock of SCHEDOP_poll deadlines. The guest derives it from the TSC and
 * the scale Xen publishes for vCPU 0 in shared_info.
 */
#ifndef LIBOS_TIME_H
#define LIBOS_TIME_H

#include <stdint.h>

/* libos_tsc() - the time-stamp counter, as this guest sees it. */
uint64_t libos_tsc(void);

/*
 * libos_clock() - one TSC reading (*tsc) and the Xen system time at that
 * same reading (*ns). (*ns) is 0 without shared_info.
 */
void libos_clock(uint64_t *tsc, uint64_t *ns);

/* libos_now_ns() - Xen system time now; 0 without shared_info. */
uint64_t libos_now_ns(void);

/*
 * libos_wallclock() - UTC now, as Xen's wall clock (shared_info's wc_sec,
 * wc_nsec: UTC at system time 0) plus the system time: seconds into
 * (*sec), nanoseconds into (*nsec). Returns 0, or -1 without shared_info.
 */
int libos_wallclock(uint64_t *sec, uint32_t *nsec);

#endif
