/*
 * start.c — from the entry code to main() and back out (see libos/start.h).
 */
#include <stdint.h>
#include <xen/xen.h>

#include <libos/console.h>
#include <libos/sched.h>
#include <libos/start.h>

static start_info_t *start_info;

const start_info_t *libos_start_info(void)
{
	return start_info;
}

_Noreturn void libos_start(start_info_t *si)
{
	int rc;

	start_info = si;
	rc = console_init(si);
	if (rc < 0)
		printk("libos: no console ring (%d), using Xen's console\n", rc);

	rc = main();
	if (rc != 0)
		printk("libos: main returned %d\n", rc);
	console_flush();
	if (rc == 0)
		libos_poweroff();
	libos_crash();
}
