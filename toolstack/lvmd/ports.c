/*
 * ports.c — the event channel ports lvmd binds on its one xenevtchn
 * handle, and for each the guest and the backend it serves, so that the
 * loop can route an event (see backend.h). Calls nothing of lvmd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"

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
	l->ports[port].g = g;
	l->ports[port].be = g ? be : NULL;
	return 0;
}

int lvmd_port_bind(struct lvmd *l, struct guest *g, uint32_t remote,
		   const struct lvmd_backend *be)
{
	xenevtchn_port_or_error_t lp;
	int rc;

	lp = xenevtchn_bind_interdomain(l->xce, g->rec.domid, remote);
	if (lp < 0)
		return -(errno ? errno : EIO);
	rc = set(l, lp, g, be);
	if (rc < 0) {
		xenevtchn_unbind(l->xce, (evtchn_port_t)lp);
		return rc;
	}
	return lp;
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

void lvmd_ports_free(struct lvmd *l)
{
	free(l->ports);
	l->ports = NULL;
	l->nports = 0;
}
