/*
 * hello — the smallest lvm guest: one line on the console, then power off.
 * A second line says who it is and what it was told: its name from the
 * device page and its command line from start info, so that a test can
 * check that a create's own settings reached the guest.
 */
#include <libos/console.h>
#include <libos/noxs.h>
#include <libos/start.h>

int main(void)
{
	const struct noxs_page *np = libos_noxs();
	const start_info_t *si = libos_start_info();

	printk("hello: Hello from an lvm guest\n");
	printk("hello: name '%s', cmdline '%.*s'\n", np ? np->name : "",
	       MAX_GUEST_CMDLINE - 1, si ? (const char *)si->cmd_line : "");
	return 0;
}
