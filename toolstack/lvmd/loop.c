/*
 * loop.c — lvmd's event loop: one ppoll() over the listening socket, the
 * clients and the event channel handle; timers for shutdown deadlines,
 * held replies and, without VIRQ_DOM_EXC, the reaper (see lvmd.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lvmd.h"
#include "toolstack/engine/log.h"

uint64_t lvmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t lvmd_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int lvmd_port_set(struct lvmd *l, int port, struct guest *g,
		  enum port_kind kind)
{
	size_t n;
	void *p;

	if (port < 0)
		return -EINVAL;
	if ((size_t)port >= l->nports) {
		if (!g)
			return 0;
		n = l->nports ? l->nports : 256;
		while (n <= (size_t)port)
			n *= 2;
		p = realloc(l->ports, n * sizeof(*l->ports));
		if (!p)
			return -ENOMEM;
		l->ports = p;
		memset(&l->ports[l->nports], 0,
		       (n - l->nports) * sizeof(*l->ports));
		l->nports = n;
	}
	l->ports[port].g = g;
	l->ports[port].kind = g ? kind : PORT_NONE;
	return 0;
}

/* events: every pending port, dispatched; then unmasked. */
static void events(struct lvmd *l)
{
	xenevtchn_port_or_error_t port;
	int budget = 4096;

	while (budget-- > 0 && (port = xenevtchn_pending(l->xce)) >= 0) {
		if (port == l->virq_port) {
			l->reap_now = true;
		} else if ((size_t)port < l->nports && l->ports[port].g) {
			struct guest *g = l->ports[port].g;

			if (l->ports[port].kind == PORT_CONSOLE)
				lvmd_console_event(l, g);
			else if (l->ports[port].kind == PORT_SYSCTL)
				lvmd_sysctl_poll(l, g);
		}
		xenevtchn_unmask(l->xce, (evtchn_port_t)port);
	}
}

/* guest_timers: destroy guests that ignored a request past its deadline. */
static void guest_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	struct guest *g, *nx;

	for (g = l->guests; g; g = nx) {
		nx = g->next;
		if (!g->req_deadline_ns)
			continue;
		if (now >= g->req_deadline_ns) {
			lvm_log_warn(0, "%s (d%u): did not %s in time; destroying it",
				     g->rec.name, g->rec.domid,
				     g->req == NOXS_REQ_REBOOT ? "reboot" :
							     "shut down");
			lvmd_console_note(l, g, "lvmd: no shutdown in time; destroyed");
			lvmd_guest_destroy(l, g, -ETIMEDOUT);
			continue;
		}
		if (g->req_deadline_ns < *next)
			*next = g->req_deadline_ns;
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
		uint64_t now = lvmd_now_ns(), next = UINT64_MAX;
		struct timespec ts, *tsp = NULL;
		size_t n = 0, need = 2 + l->nclients;
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
		guest_timers(l, now, &next);
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
		for (struct client *c = l->clients; c; c = c->next) {
			who[n] = c;
			pfd[n++] = (struct pollfd){ .fd = c->fd,
						    .events = lvmd_client_events(c) };
		}
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
		for (size_t i = 2; i < n; i++) {
			struct client *c = who[i];

			if (lvmd_client_step(l, c, pfd[i].revents) < 0)
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
