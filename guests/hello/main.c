/*
 * hello — the smallest lvm guest: one line on the console, then power off.
 * A second line says who it is and what it was told: its name from the
 * device page and its command line from start info, so that a test can
 * check that a create's own settings reached the guest.
 *
 * Two test modes, chosen by the first word of its command line:
 *   reboot  reboot instead of powering off: a guest that reboots itself
 *           in a loop, for lvmd's restart budget;
 *   stay    stay up 3 s, deaf to every request of the toolstack, then
 *           power off: a reboot asked of it is answered by a poweroff.
 */
#include <stdbool.h>

#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/start.h>
#include <libos/string.h>
#include <libos/time.h>

#define STAY_NS 3000000000ull

/* mode: (cmd) starts with the word (w). */
static bool mode(const char *cmd, const char *w)
{
	size_t n = strlen(w);

	return memcmp(cmd, w, n) == 0 && (cmd[n] == '\0' || cmd[n] == ' ');
}

/* stay: let STAY_NS of Xen system time pass, whatever arrives on (port)
 * (the sysctl port: requests are not acted on). */
static void stay(evtchn_port_t port)
{
	uint64_t end = libos_now_ns() + STAY_NS;

	while (libos_now_ns() < end) {
		evtchn_poll(port, end);
		evtchn_clear(port);
	}
}

int main(void)
{
	const struct noxs_page *np = libos_noxs();
	const start_info_t *si = libos_start_info();
	static const char none[1];
	const char *cmd = si ? (const char *)si->cmd_line : none;

	printk("hello: Hello from an lvm guest\n");
	printk("hello: name '%s', cmdline '%.*s'\n", np ? np->name : "",
	       MAX_GUEST_CMDLINE - 1, cmd);
	if (si && mode(cmd, "reboot")) {
		printk("hello: rebooting\n");
		console_flush();
		libos_reboot();
	}
	if (si && mode(cmd, "stay")) {
		printk("hello: staying up 3 s, deaf to requests\n");
		stay(np ? np->sysctl.evtchn : console_port());
	}
	return 0;
}
