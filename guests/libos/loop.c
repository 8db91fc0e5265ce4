/*
 * loop.c — the event dispatch loop (see libos/loop.h).
 *
 * Each round: clear every watched port's pending bit and call the
 * handlers of those that were pending (every handler on the first round),
 * run the expired timers, then SCHEDOP_poll all ports until the next
 * deadline. Clearing before handling means an event that arrives during
 * a handler leaves its port pending, so the poll returns at once: none
 * is lost, and an idle guest sleeps until an event or its next timer.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/evtchn.h>
#include <libos/loop.h>
#include <libos/shared_info.h>
#include <libos/sysctl.h>
#include <libos/time.h>

struct watch {
	evtchn_port_t port;
	libos_event_fn *fn;
	void *arg;
};

static struct watch watches[LIBOS_LOOP_PORTS];
static unsigned int nwatches;
static int stop_requested, stop_rc;

int libos_loop_watch(evtchn_port_t port, libos_event_fn *fn, void *arg)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || fn == NULL)
		return -XEN_EINVAL;
	if (nwatches == LIBOS_LOOP_PORTS)
		return -XEN_ENOSPC;
	watches[nwatches++] = (struct watch){ port, fn, arg };
	return 0;
}

void libos_loop_stop(int rc)
{
	stop_requested = 1;
	stop_rc = rc;
}

/* The sysctl port's handler: obey requests (poweroff does not return). */
static void sysctl_event(void *arg)
{
	(void)arg;
	while (libos_sysctl_check() != -XEN_EAGAIN)
		;
}

int libos_loop_run(void)
{
	evtchn_port_t ports[LIBOS_LOOP_PORTS];
	int sysctl = libos_sysctl_port(), first = 1;
	uint64_t next;

	if (libos_shared_info() == NULL)
		return -XEN_ENODEV;
	if (sysctl >= 0) {
		int watched = 0;

		for (unsigned int i = 0; i < nwatches; i++)
			watched |= watches[i].port == (evtchn_port_t)sysctl;
		if (!watched && libos_loop_watch((evtchn_port_t)sysctl,
						 sysctl_event, NULL) < 0)
			return -XEN_ENOSPC;
	}
	if (nwatches == 0 && libos_timer_next() == 0)
		return -XEN_ENODEV;
	stop_requested = 0;
	for (;;) {
		for (unsigned int i = 0; i < nwatches; i++) {
			ports[i] = watches[i].port;
			if (evtchn_clear(watches[i].port) > 0 || first)
				watches[i].fn(watches[i].arg);
		}
		first = 0;
		libos_timer_run(libos_now_ns());
		if (stop_requested)
			return stop_rc;
		next = libos_timer_next();
		if (next != 0 && next <= libos_now_ns())
			continue;
		if (nwatches > 0)
			evtchn_poll_many(ports, nwatches, next);
		else if (next == 0)
			return -XEN_ENODEV;
		else
			evtchn_poll_many(NULL, 0, next);
	}
}
