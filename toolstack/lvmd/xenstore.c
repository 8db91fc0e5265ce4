/*
 * xenstore.c — lvmd's side of XenStore compatibility mode: the connection
 * to xenstored. The tree itself is written by liblvm (xs_compat.c).
 */
#include <errno.h>

#include <noxs/abi.h>

#include "lvmd.h"
#include "toolstack/liblvm/xs_compat.h"

struct xs_handle *lvmd_xs(struct lvmd *l)
{
	if (!l->xs)
		l->xs = xs_open(XS_OPEN_SOCKETONLY);
	if (!l->xs && !errno)
		errno = ECONNREFUSED;
	return l->xs;
}

int lvmd_xs_request(struct lvmd *l, struct guest *g, bool reboot,
		    uint32_t timeout_ms)
{
	int rc;

	if (!lvmd_xs(l))
		return -(errno ? errno : ECONNREFUSED);
	rc = lvm_xs_request(l->xs, g->rec.domid, reboot ? "reboot" :
							  "poweroff");
	if (rc < 0)
		return rc;
	g->req = reboot ? NOXS_REQ_REBOOT : NOXS_REQ_POWEROFF;
	g->req_deadline_ns = lvmd_now_ns() +
		(uint64_t)(timeout_ms ? timeout_ms : LVM_DEFAULT_SHUTDOWN_MS) *
			1000000u;
	return 0;
}
