/*
 * libos/sysctl.h — the guest's half of the noxs sysctl record: its
 * readiness mark and the lifecycle requests of the toolstack
 * (docs/noxs.md, "Sysctl").
 */
#ifndef LIBOS_SYSCTL_H
#define LIBOS_SYSCTL_H

#include <stdint.h>

/*
 * libos_ready() - mark the guest READY on its device page: ready_tsc and
 * ready_ns (now), then the state, then an event on the sysctl port.
 * libos_start() calls it right before main(). Without a valid device
 * page it does nothing.
 */
void libos_ready(void);

/*
 * libos_sysctl_wait() - wait for the toolstack's next request and act on
 * it. Blocks in SCHEDOP_poll on the sysctl port (re-reading the page on
 * each event, and never otherwise: an idle guest uses no CPU), for at most
 * (timeout_ns) of Xen system time, 0 meaning no limit.
 *
 * A request counts once per request_seq. Acting on it:
 *   POWEROFF, REBOOT: state CLOSING, ack_seq, notify, flush the console,
 *                     then SCHEDOP_shutdown (poweroff or reboot); does not
 *                     return.
 *   SUSPEND:          not supported yet: acked, no action, state stays
 *                     READY; returns NOXS_REQ_SUSPEND.
 *   NONE:             acked; returns NOXS_REQ_NONE.
 *   out of range:     acked without action; returns -XEN_EINVAL.
 * Returns the request acted on, or -XEN_ETIMEDOUT, or -XEN_ENODEV without
 * a valid device page or without shared_info.
 */
int libos_sysctl_wait(uint64_t timeout_ns);

/*
 * libos_sysctl_check() - without blocking: clear the sysctl port, then
 * act on a new request if there is one, as libos_sysctl_wait() does (for
 * an event loop that watches the port itself, libos/loop.h).
 * Returns what libos_sysctl_wait() returns, or -XEN_EAGAIN when there is
 * no new request.
 */
int libos_sysctl_check(void);

/* libos_sysctl_port() - the sysctl port, or -XEN_ENODEV without one. */
int libos_sysctl_port(void);

#endif
