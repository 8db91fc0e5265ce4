/*
 * storm — a hostile guest that floods dom0 with events: once READY it
 * notifies its console and sysctl event channels in a loop, yielding the
 * CPU (SCHEDOP_yield) between rounds, and writes a short line to its
 * console every STORM_LINE_EVERY rounds. Every byte it writes is valid;
 * only the rate is hostile. It stops when the toolstack asks it to power
 * off or reboot (a sysctl request), or when it is destroyed. Used by
 * bench/storm.sh: lvmd must keep serving others while it runs.
 *
 * With the command line `spin` it runs the same loop without notifying:
 * a guest as busy as the storm whose events cost dom0 nothing, the
 * bench's control for what a busy vCPU alone costs.
 *
 * With `late` it spins the same way, silently, and acts on a request
 * only two seconds after it came: a guest that obeys, but slowly
 * (tests/integration/lvm-late-loop.sh).
 */
#include <stdbool.h>
#include <stdint.h>

#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/start.h>
#include <libos/string.h>
#include <libos/sysctl.h>
#include <libos/time.h>

/* Rounds between two console lines: a little output, most of it events. */
#define STORM_LINE_EVERY 4096u

int main(void)
{
	const struct noxs_page *np = libos_noxs();
	volatile struct noxs_page *live = libos_noxs_page();
	const start_info_t *si = libos_start_info();
	evtchn_port_t cons = console_port();
	uint64_t rounds = 0;
	bool late = si != NULL && memcmp(si->cmd_line, "late", 5) == 0;
	bool spin = late ||
		    (si != NULL && memcmp(si->cmd_line, "spin", 5) == 0);
	uint64_t came = 0;

	if (np == NULL) {
		printk("storm: no device page, no sysctl port to flood\n");
		return 1;
	}
	if (late)
		printk("storm: ready, spinning; acts on a request two seconds late\n");
	else if (spin)
		printk("storm: ready, spinning without notifying\n");
	else
		printk("storm: ready, notifying ports %u (console) and %u (sysctl)\n",
		       cons, np->sysctl.evtchn);
	for (;;) {
		if (!spin) {
			evtchn_send(cons);
			evtchn_send(np->sysctl.evtchn);
		}
		libos_yield();
		if (++rounds % STORM_LINE_EVERY == 0 && !late)
			printk("storm: %llu rounds\n",
			       (unsigned long long)rounds);
		/* A new request: act on it (poweroff and reboot end here);
		 * `late`, two seconds after it came. */
		if (live->sysctl.request_seq == live->sysctl.ack_seq)
			continue;
		if (late && !came)
			came = libos_now_ns();
		if (late && libos_now_ns() - came < 2000000000ull)
			continue;
		came = 0;
		if (libos_sysctl_wait(1) < 0)
			printk("storm: a request it could not act on\n");
	}
}
