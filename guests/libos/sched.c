/*
 * sched.c — yielding and shutting the domain down (see libos/sched.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/sched.h>

#include <libos/barrier.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <noxs/noxs.h>

#include "hypercall.h"

void libos_yield(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/*
 * closing: with a device page, tell dom0 the domain is going down
 * (state CLOSING, then an event on the sysctl port), so that a toolstack
 * without VIRQ_DOM_EXC (another dom0 process holds it) looks at this
 * domain alone instead of waiting for its slow sweep over all domains
 * (docs/noxs.md, "Sysctl"). Once is enough: a crash after a poweroff's
 * failed hypercall sends no second event.
 */
static void closing(void)
{
	static int sent;
	volatile struct noxs_page *p = libos_noxs_page();
	const struct noxs_page *np = libos_noxs();

	if (p == NULL || np == NULL || sent)
		return;
	sent = 1;
	p->sysctl.state = NOXS_STATE_CLOSING;
	lo_wmb();
	evtchn_send(np->sysctl.evtchn);
}

/* Ask Xen to shut the domain down for (reason); returns only on failure. */
static void shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

	closing();
	HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);
}

_Noreturn void libos_poweroff(void)
{
	shutdown(SHUTDOWN_poweroff);
	libos_crash();
}

_Noreturn void libos_reboot(void)
{
	shutdown(SHUTDOWN_reboot);
	libos_crash();
}

_Noreturn void libos_crash(void)
{
	shutdown(SHUTDOWN_crash);
	for (;;)
		libos_yield();
}
