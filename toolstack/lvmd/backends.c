/*
 * backends.c — the one table of lvmd's backends, and the calls that walk
 * it: setup at start, teardown at exit, attach or adopt a guest, settle
 * it after its reply, detach it, route a port's event to the backend
 * that bound it, the usage lines; and the choice of a guest's control
 * (see backend.h). A new backend is one more entry here.
 */
#include <stddef.h>

#include "backend.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"

/* In attach order; detached in reverse. */
static const struct lvmd_backend *const table[] = {
	&lvmd_backend_console,
	&lvmd_backend_sysctl,
	&lvmd_backend_xenstore,
	&lvmd_backend_vif,
	&lvmd_backend_names,
};

#define NBACKENDS (sizeof(table) / sizeof(table[0]))

const struct lvmd_control *lvmd_control_of(enum lvm_store store)
{
	return store == LVM_STORE_XENSTORE ? &lvmd_control_xenstore :
					     &lvmd_control_noxs;
}

int lvmd_backends_setup(struct lvmd *l)
{
	int rc;

	for (size_t i = 0; i < NBACKENDS; i++) {
		if (!table[i]->setup)
			continue;
		rc = table[i]->setup(l);
		if (rc < 0)
			return lvm_log_err(-rc, "backend %s: setup failed",
					   table[i]->name);
	}
	return 0;
}

void lvmd_backends_teardown(struct lvmd *l)
{
	for (size_t i = NBACKENDS; i-- > 0;)
		if (table[i]->teardown)
			table[i]->teardown(l);
}

void lvmd_backends_usage(FILE *f)
{
	fputs("\nBackends (each guest is served by all that apply):\n", f);
	for (size_t i = 0; i < NBACKENDS; i++)
		fprintf(f, "  %-12s  %s\n", table[i]->name, table[i]->usage);
}

/* attach_one: (be) attaches or (adopt) adopts (g); 0 if it has no call. */
static int attach_one(struct lvmd *l, const struct lvmd_backend *be,
		      struct guest *g, unsigned flags, bool adopt)
{
	if (adopt)
		return be->adopt ? be->adopt(l, g) : 0;
	return be->attach ? be->attach(l, g, flags) : 0;
}

int lvmd_backends_attach(struct lvmd *l, struct guest *g, unsigned flags,
			 bool adopt)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < NBACKENDS; i++) {
		rc = attach_one(l, table[i], g, flags, adopt);
		if (rc < 0)
			break;
	}
	if (rc < 0) /* the one that failed undid itself; the others now */
		while (i-- > 0)
			if (table[i]->detach)
				table[i]->detach(l, g, false);
	return rc;
}

void lvmd_backends_settle(struct lvmd *l, struct guest *g)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (table[i]->settle)
			table[i]->settle(l, g);
}

void lvmd_backends_detach(struct lvmd *l, struct guest *g, bool gone)
{
	for (size_t i = NBACKENDS; i-- > 0;)
		if (table[i]->detach)
			table[i]->detach(l, g, gone);
}

void lvmd_backends_event(struct lvmd *l, int port)
{
	const struct lvmd_port *p = lvmd_port_owner(l, port);

	if (p && p->be->event)
		p->be->event(l, p->g);
}
