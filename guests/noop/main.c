/*
 * noop — a guest that does nothing but live: it is READY when main()
 * starts (libos marks it), says so on the console, then sleeps until the
 * toolstack sends a sysctl request and obeys it (poweroff, reboot; a
 * suspend is acknowledged and the wait goes on). It blocks in
 * SCHEDOP_poll between requests, so an idle noop costs no CPU.
 */
#include <xen/errno.h>

#include <libos/console.h>
#include <libos/start.h>
#include <libos/sysctl.h>

int main(void)
{
	printk("noop: ready\n");
	for (;;) {
		int rc = libos_sysctl_wait(0);

		if (rc == -XEN_ENODEV) {
			printk("noop: no device page, nothing to wait for\n");
			return 1;
		}
		if (rc < 0 && rc != -XEN_EINVAL)
			return 1;
	}
}
