/*
 * evtchn.c — sending, clearing and polling event channels (see
 * libos/evtchn.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>

#include <libos/evtchn.h>
#include <libos/shared_info.h>

#include "hypercall.h"

#define WORD_BITS (sizeof(xen_ulong_t) * 8)

int evtchn_send(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	if (port >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_EINVAL;
	return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

int evtchn_clear(evtchn_port_t port)
{
	volatile shared_info_t *s = libos_shared_info();
	xen_ulong_t bit, old;

	if (port >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_EINVAL;
	if (s == NULL)
		return -XEN_ENODEV;
	bit = (xen_ulong_t)1 << (port % WORD_BITS);
	old = __atomic_fetch_and(&s->evtchn_pending[port / WORD_BITS], ~bit,
				 __ATOMIC_SEQ_CST);
	return (old & bit) != 0;
}

int evtchn_poll(evtchn_port_t port, uint64_t deadline_ns)
{
	return evtchn_poll_many(&port, 1, deadline_ns);
}

int evtchn_poll_many(const evtchn_port_t *ports, unsigned int n,
		     uint64_t deadline_ns)
{
	struct sched_poll poll = {
		.nr_ports = n,
		.timeout = deadline_ns,
	};

	for (unsigned int i = 0; i < n; i++)
		if (ports[i] >= EVTCHN_2L_NR_CHANNELS)
			return -XEN_EINVAL;
	set_xen_guest_handle(poll.ports, (evtchn_port_t *)ports);
	return (int)HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}
