/*
 * loop.c — lvmd's event loop: one ppoll() over the listening socket, the
 * clients, the event channel handle and the image loader's wake-up (its
 * parked requests resumed), each port's event routed through the backend
 * table; timers for shutdown deadlines, rebuilds after a reboot's
 * back-off, held replies and, without VIRQ_DOM_EXC, the reaper (see
 * lvmd.h).
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

/* events: every pending port, dispatched; then unmasked. */
static void events(struct lvmd *l)
{
	xenevtchn_port_or_error_t port;
	int budget = 4096;

	while (budget-- > 0 && (port = xenevtchn_pending(l->xce)) >= 0) {
		if (port == l->virq_port)
			l->reap_now = true;
		else
			lvmd_backends_event(l, port);
		xenevtchn_unmask(l->xce, (evtchn_port_t)port);
	}
}

static int timeout_ms(uint64_t now, uint64_t next)
{
	uint64_t d;

	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	d = (next - now + 999999) / 1000000;
	return d > 60000 ? 60000 : (int)d;
}

int lvmd_run(struct lvmd *l)
{
	struct pollfd *pfd = NULL;
	struct client **who = NULL;
	size_t cap = 0;
	sigset_t empty;
	int rc = 0;

	sigemptyset(&empty);
	while (!l->stop) {
		uint64_t now = lvm_now_ns(), next = UINT64_MAX;
		struct timespec ts, *tsp = NULL;
		size_t n = 0, need = 3 + l->nclients;
		int t, r;

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
		lvmd_guest_timers(l, now, &next);
		lvmd_reboot_timers(l, now, &next);
		lvmd_clients_timers(l, now, &next);
		if (l->virq_port < 0 && l->guests) {
			if (now >= l->next_reap_ns)
				l->reap_now = true;
			else if (l->next_reap_ns < next)
				next = l->next_reap_ns;
		}
		if (l->reap_now) {
			l->reap_now = false;
			lvmd_reap(l);
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
		t = timeout_ms(now, next);
		if (t >= 0) {
			ts.tv_sec = t / 1000;
			ts.tv_nsec = (long)(t % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(pfd, n, tsp, &empty);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = lvm_log_err(errno, "poll");
			break;
		}
		if (pfd[1].revents & POLLIN)
			events(l);
		lvmd_guest_reap_doomed(l);
		if (pfd[2].revents & POLLIN)
			lvmd_ops_resume(l);
		for (size_t i = 3; i < n; i++) {
			struct client *c = who[i];

			if (lvmd_server_step(l, c, pfd[i].revents) < 0)
				lvmd_client_close(l, c);
		}
		lvmd_guest_reap_doomed(l);
		if (pfd[0].revents & POLLIN)
			lvmd_accept(l);
	}
	free(pfd);
	free(who);
	return rc;
}
