/*
 * libos/evtchn.h — event channels, without interrupts.
 *
 * Events stay masked for the whole life of the guest (no upcall is ever
 * delivered); code that waits for an event clears its pending bit, checks
 * for work, then blocks in evtchn_poll() until the bit is set again.
 * Ports are those of the 2-level ABI: below EVTCHN_2L_NR_CHANNELS.
 */
#ifndef LIBOS_EVTCHN_H
#define LIBOS_EVTCHN_H

#include <stdint.h>
#include <xen/event_channel.h>

/*
 * evtchn_send() - notify the other end of (port).
 * Returns 0 or a negative Xen errno (-XEN_EINVAL for a port out of range).
 */
int evtchn_send(evtchn_port_t port);

/*
 * evtchn_clear() - clear the pending bit of (port), atomically, as a full
 * barrier: memory read after it is at least as new as the event.
 * Returns 1 if it was pending, 0 if not, -XEN_EINVAL for a port out of
 * range, -XEN_ENODEV without shared_info.
 */
int evtchn_clear(evtchn_port_t port);

/*
 * evtchn_poll() - block the vCPU until (port) is pending or Xen system
 * time (libos_now_ns()) reaches (deadline_ns); 0 means no deadline.
 * Returns at once if the port is already pending. Does not clear it.
 * Returns 0 (event or deadline: look at the bit) or a negative Xen errno.
 */
int evtchn_poll(evtchn_port_t port, uint64_t deadline_ns);

/*
 * evtchn_poll_many() - block until one of the (n) ports (ports) is
 * pending or Xen system time reaches (deadline_ns) (0: no deadline);
 * returns at once if one is already pending. With n == 0 it sleeps until
 * the deadline. Returns 0 or a negative Xen errno (-XEN_EINVAL for a port
 * out of range).
 */
int evtchn_poll_many(const evtchn_port_t *ports, unsigned int n,
		     uint64_t deadline_ns);

#endif
