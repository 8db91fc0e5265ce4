/*
 * start.c — from the entry code to main() and back out (see libos/start.h).
 */
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/console.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/shared_info.h>
#include <libos/start.h>
#include <libos/sysctl.h>

static start_info_t *start_info;

const start_info_t *libos_start_info(void)
{
	return start_info;
}

/*
 * Take the console from the device page if the toolstack filled one, else
 * from start_info (a stock toolstack: no message, that is normal).
 */
static void setup_console(int noxs_rc)
{
	const struct noxs_page *np = libos_noxs();
	int rc = -XEN_ENODEV;

	if (noxs_rc == 0)
		rc = console_attach(start_info, np->console.gfn,
				    np->console.evtchn);
	if (rc == 0)
		return;
	if (console_init(start_info) < 0)
		printk("libos: no console ring, using Xen's console\n");
	if (noxs_rc == 0)
		printk("libos: the device page's console is unusable (%d); "
		       "using start_info's\n", rc);
}

_Noreturn void libos_start(start_info_t *si)
{
	int rc, shared_rc, noxs_rc;

	start_info = si;
	shared_rc = shared_info_init(si);
	noxs_rc = noxs_front_init();
	setup_console(noxs_rc);
	if (noxs_rc < 0 && noxs_rc != -XEN_ENODEV)
		printk("libos: ignoring an invalid device page (%d)\n",
		       noxs_rc);
	if (shared_rc < 0)
		printk("libos: cannot map shared_info (%d)\n", shared_rc);

	libos_ready();
	rc = main();
	if (rc != 0)
		printk("libos: main returned %d\n", rc);
	console_flush();
	if (rc == 0)
		libos_poweroff();
	libos_crash();
}
