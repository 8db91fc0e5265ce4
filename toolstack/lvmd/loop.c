/*
 * loop.c — lvmd's event loop: one ppoll() over the listening socket, the
 * clients, the event channel handle and the image loader's wake-up (its
 * parked requests resumed), each port's event routed through the backend
 * table (ports over their budget deferred, ports.c); timers for deferred
 * ports, shutdown deadlines, rebuilds after a reboot's back-off, held
 * replies, the reaper's guests going down, and its sweep: without
 * VIRQ_DOM_EXC a slow one, with it one after the VIRQ, spaced by what
 * the previous sweep cost (LVMD_REAP_SHARE, lvmd.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "backend.h"
#include "client.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"
#include "xsvif.h"

/*
 * events: every pending port, dispatched once its budget allows
 * (ports.c), else left masked and deferred. A port handled is unmasked
 * only once the turn's events are all read, so that each port (and so
 * each guest, a few ports each) is handled at most once per turn: a guest
 * notifying without pause cannot take the turn from the others.
 */
static void events(struct lvmd *l, uint64_t now)
{
	static int done[LVMD_EVENTS_PER_TURN];
	xenevtchn_port_or_error_t port;
	size_t n = 0;

	while (n < LVMD_EVENTS_PER_TURN &&
	       (port = xenevtchn_pending(l->xce)) >= 0) {
		if (port == l->virq_port)
			l->reap_virq = true;
		else if (!lvmd_port_admit(l, port, now))
			continue; /* masked until lvmd_ports_due() */
		else
			lvmd_backends_event(l, port);
		done[n++] = port;
	}
	for (size_t i = 0; i < n; i++)
		xenevtchn_unmask(l->xce, (evtchn_port_t)done[i]);
}

/* deferred: the deferred ports whose budget allows them now, handled and
 * unmasked; (*next) lowers to the next one's time. */
static void deferred(struct lvmd *l, uint64_t now, uint64_t *next)
{
	int due[64];
	size_t n = lvmd_ports_due(l, now, due, 64, next);

	for (size_t i = 0; i < n; i++) {
		lvmd_backends_event(l, due[i]);
		xenevtchn_unmask(l->xce, (evtchn_port_t)due[i]);
	}
	if (n)
		lvmd_guest_reap_doomed(l);
}

static int timeout_ms(uint64_t now, uint64_t next)
{
	uint64_t d;

	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	d = lvm_ms_until(now, next);
	return d > 60000 ? 60000 : (int)d;
}

/* slow_turn: a turn's work (from its poll's return at (woke), 0 before
 * the first, to the next turn's start at (now)) that took over a second
 * is logged: every client and guest waited that long. The next turn's
 * clock read serves: each read is a system call in a PV dom0. */
static void slow_turn(uint64_t woke, uint64_t now)
{
	uint64_t ms = woke && now > woke ? (now - woke) / 1000000u : 0;

	if (ms >= 1000)
		lvm_log_warn(0, "a turn of the loop took %llu ms",
			     (unsigned long long)ms);
}

int lvmd_run(struct lvmd *l)
{
	struct pollfd *pfd = NULL;
	struct client **who = NULL;
	size_t cap = 0;
	sigset_t empty;
	uint64_t woke = 0;
	int rc = 0;

	sigemptyset(&empty);
	while (!l->stop) {
		uint64_t now = lvm_now_ns(), next = UINT64_MAX;
		struct timespec ts, *tsp = NULL;
		size_t n = 0, need = 3 + l->nclients;
		int t, r;

		slow_turn(woke, now);
		if (need > cap) {
			void *a = realloc(pfd, need * sizeof(*pfd));
			void *b = a ? realloc(who, need * sizeof(*who)) : NULL;

			if (a)
				pfd = a;
			if (!a || !b) {
				rc = -ENOMEM;
				break;
			}
			who = b;
			cap = need;
		}
		deferred(l, now, &next);
		lvmd_guest_timers(l, now, &next);
		lvmd_reboot_timers(l, now, &next);
		lvmd_xsvif_timers(l, now, &next);
		lvmd_clients_timers(l, now, &next);
		if (l->nexits)
			lvmd_reap_exits(l, now, &next);
		if (l->virq_port < 0 && l->guests) {
			if (now >= l->next_reap_ns)
				l->reap_now = true;
			else if (l->next_reap_ns < next)
				next = l->next_reap_ns;
		}
		if (l->reap_virq) {
			if (now >= l->reap_due_ns)
				l->reap_now = true;
			else if (l->reap_due_ns < next)
				next = l->reap_due_ns;
		}
		if (l->reap_now) {
			uint64_t t0 = lvm_now_ns(), t1;

			l->reap_now = false;
			l->reap_virq = false;
			lvmd_reap(l);
			t1 = lvm_now_ns();
			l->reap_due_ns = t1 + LVMD_REAP_SHARE * (t1 - t0);
			l->next_reap_ns = now + LVMD_REAP_POLL_MS * 1000000ull;
			next = now; /* states changed: look again at once */
		}
		pfd[n++] = (struct pollfd){ .fd = l->listen_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = xenevtchn_fd(l->xce),
					    .events = POLLIN };
		/* A finished image load (-1, ignored, before the first). */
		pfd[n++] = (struct pollfd){ .fd = lvmd_loader_fd(l),
					    .events = POLLIN };
		n += lvmd_clients_poll(l, pfd + n, who + n);
		/* Off every request's path: their replies have gone. */
		lvmd_names_kick(l);
		t = timeout_ms(now, next);
		if (t >= 0) {
			ts.tv_sec = t / 1000;
			ts.tv_nsec = (long)(t % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(pfd, n, tsp, &empty);
		if (r < 0) {
			if (errno == EINTR) {
				woke = 0;    /* no work since the last */
				continue;
			}
			rc = lvm_log_err(errno, "poll");
			break;
		}
		woke = lvm_now_ns();
		l->turn++;
		if (pfd[1].revents & POLLIN)
			events(l, woke);
		lvmd_guest_reap_doomed(l);
		if (pfd[2].revents & POLLIN)
			lvmd_ops_resume(l);
		for (size_t i = 3; i < n; i++) {
			struct client *c = who[i];

			if (lvmd_server_step(l, c, pfd[i].revents) < 0)
				lvmd_client_close(l, c);
		}
		if (pfd[0].revents & POLLIN)
			lvmd_accept(l);
		lvmd_guest_reap_doomed(l);
	}
	free(pfd);
	free(who);
	return rc;
}
