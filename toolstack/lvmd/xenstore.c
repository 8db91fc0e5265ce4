/*
 * xenstore.c — lvmd's side of XenStore compatibility mode: the connection
 * to xenstored, and lifecycle requests through control/shutdown. The tree
 * itself is written by liblvm (xs_compat.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <noxs/abi.h>
#include <xenstore_lib.h>

#include "lvmd.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/xs_compat.h"

/*
 * xenstored_listening: something accepts connections on xenstored's
 * socket. Checked before libxenstore is asked for a connection, because
 * without xenstored it may fall back to the kernel's xenbus device, where
 * every request then waits forever.
 */
static bool xenstored_listening(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = xs_daemon_socket();
	int fd, r;

	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0) {
		errno = -r;
		return false;
	}
	return true;
}

struct xs_handle *lvmd_xs(struct lvmd *l)
{
	if (!l->xs && xenstored_listening())
		l->xs = xs_open(XS_OPEN_SOCKETONLY);
	if (!l->xs && !errno)
		errno = ECONNREFUSED;
	return l->xs;
}
int lvmd_xs_request(struct lvmd *l, struct guest *g, bool reboot,
		    uint32_t timeout_ms)
{
	struct lvm_error e = { 0 };
	int rc;

	if (!lvmd_xs(l))
		return -(errno ? errno : ECONNREFUSED);
	rc = lvm_xs_request(l->xs, g->rec.domid, reboot ? "reboot" :
							  "poweroff", &e);
	if (rc < 0) {
		lvm_log_warn(0, "%s", e.msg);
		return rc;
	}
	g->req = reboot ? NOXS_REQ_REBOOT : NOXS_REQ_POWEROFF;
	lvmd_request_deadline(g, timeout_ms);
	return 0;
}
