/*
 * sched.c — yielding and shutting the domain down (see libos/sched.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/sched.h>

#include <libos/sched.h>

#include "hypercall.h"

void libos_yield(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Ask Xen to shut the domain down for (reason); returns only on failure. */
static void shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

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
