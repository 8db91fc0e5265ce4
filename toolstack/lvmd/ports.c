/*
 * ports.c — the event channel ports lvmd binds on its one xenevtchn
 * handle, and for each the guest and the backend it serves, so that the
 * loop can route an event (see backend.h); and each port's budget: a
 * token bucket (bucket.h), the events past it deferred; and the ports a
 * pool's shell has bound ahead on that handle by the refill thread, which
 * a create takes over. Calls nothing of lvmd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "bucket.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/steps.h"

/* set: route (port) to (g) and (be), (g) NULL: to nobody. */
static int set(struct lvmd *l, int port, struct guest *g,
	       const struct lvmd_backend *be)
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
	if (l->ports[port].defer_ns)
		l->ports_deferred--;
	l->ports[port] = (struct lvmd_port){ .g = g, .be = g ? be : NULL };
	return 0;
}

int lvmd_port_bind(struct lvmd *l, struct guest *g, uint32_t remote,
		   const struct lvmd_backend *be)
{
	uint64_t t0 = lvm_step_start();
	int lp = lvmd_port_bind_ahead(l->xce, g->rec.domid, remote);
	int rc;

	l->t_attach.bind += lvm_step_ns(t0);
	if (lp < 0)
		return lp;
	rc = set(l, lp, g, be);
	if (rc < 0) {
		xenevtchn_unbind(l->xce, (evtchn_port_t)lp);
		return rc;
	}
	return lp;
}

int lvmd_port_attach(struct lvmd *l, struct guest *g, int *lport,
		     uint32_t remote, const struct lvmd_backend *be)
{
	int rc;

	if (*lport >= 0)
		return set(l, *lport, g, be);
	rc = lvmd_port_bind(l, g, remote, be);
	if (rc < 0)
		return rc;
	*lport = rc;
	return 0;
}

int lvmd_port_bind_ahead(xenevtchn_handle *xce, uint32_t domid,
			 uint32_t remote)
{
	xenevtchn_port_or_error_t lp;

	lp = xenevtchn_bind_interdomain(xce, domid, remote);
	return lp < 0 ? -(errno ? errno : EIO) : lp;
}

void lvmd_port_release_ahead(xenevtchn_handle *xce, int *lport)
{
	if (*lport < 0)
		return;
	xenevtchn_unbind(xce, (evtchn_port_t)*lport);
	*lport = -1;
}

void lvmd_port_unbind(struct lvmd *l, int *lport)
{
	if (*lport < 0)
		return;
	set(l, *lport, NULL, NULL);
	xenevtchn_unbind(l->xce, (evtchn_port_t)*lport);
	*lport = -1;
}

void lvmd_port_notify(struct lvmd *l, int lport)
{
	if (lport >= 0)
		xenevtchn_notify(l->xce, (evtchn_port_t)lport);
}

const struct lvmd_port *lvmd_port_owner(struct lvmd *l, int port)
{
	if (port < 0 || (size_t)port >= l->nports || !l->ports[port].g)
		return NULL;
	return &l->ports[port];
}

#define INTERVAL_NS (1000000000ull / LVMD_PORT_RATE)
#define GRID_NS (LVMD_PORT_GRID_MS * 1000000ull)

/* on_grid: (t) rounded up to the grid. */
static uint64_t on_grid(uint64_t t)
{
	return (t + GRID_NS - 1) / GRID_NS * GRID_NS;
}

bool lvmd_port_admit(struct lvmd *l, int port, uint64_t now)
{
	struct lvmd_port *p;
	uint64_t when;

	if (port < 0 || (size_t)port >= l->nports || !l->ports[port].g)
		return true;
	p = &l->ports[port];
	if (p->defer_ns)
		return false; /* cannot be: a deferred port stays masked */
	if (lvmd_bucket_take(&p->tat, now, INTERVAL_NS, LVMD_PORT_BURST, &when))
		return true;
	p->defer_ns = when = on_grid(when);
	if (!l->ports_deferred++ || when < l->ports_due_ns)
		l->ports_due_ns = when;
	return false;
}

size_t lvmd_ports_due(struct lvmd *l, uint64_t now, int *out, size_t max,
		      uint64_t *next)
{
	uint64_t due = UINT64_MAX, when;
	size_t n = 0, left = l->ports_deferred;

	if (!left)
		return 0;
	if (now >= l->ports_due_ns) {
		for (size_t i = 0; i < l->nports && left; i++) {
			struct lvmd_port *p = &l->ports[i];

			if (!p->defer_ns)
				continue;
			left--;
			if (p->defer_ns <= now && n == max) {
				p->defer_ns = now + 1; /* no room: next turn */
			} else if (p->defer_ns <= now) {
				if (lvmd_bucket_take(&p->tat, now, INTERVAL_NS,
						     LVMD_PORT_BURST, &when)) {
					p->defer_ns = 0;
					l->ports_deferred--;
					out[n++] = (int)i;
					continue;
				}
				p->defer_ns = on_grid(when);
			}
			if (p->defer_ns < due)
				due = p->defer_ns;
		}
		l->ports_due_ns = due;
	}
	if (l->ports_deferred && l->ports_due_ns < *next)
		*next = l->ports_due_ns;
	return n;
}

void lvmd_ports_free(struct lvmd *l)
{
	free(l->ports);
	l->ports = NULL;
	l->nports = 0;
	l->ports_deferred = 0;
}
