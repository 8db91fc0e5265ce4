/*
 * xenstore.c — the XenStore backend and the XenStore control, lvmd's side
 * of XenStore compatibility mode: the connection to xenstored, each
 * guest's tree introduced before it runs and forgotten when it is gone,
 * lifecycle requests through control/shutdown (see backend.h), and the
 * vifs of these guests (xsvif.c: the kernel's netback serves them). The
 * tree, vif entries included, is written by the engine (xs_compat.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <noxs/abi.h>
#include <xenstore_lib.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/error.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/xs_compat.h"
#include "xsvif.h"

/*
 * lvmd_xenstored_listening: something accepts connections on xenstored's
 * socket. Checked before libxenstore is asked for a connection, because
 * without xenstored it may fall back to the kernel's xenbus device, where
 * every request then waits forever.
 */
bool lvmd_xenstored_listening(void)
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
	if (!l->xs && lvmd_xenstored_listening())
		l->xs = xs_open(XS_OPEN_SOCKETONLY);
	if (!l->xs && !errno)
		errno = ECONNREFUSED;
	return l->xs;
}

void lvmd_xs_close(struct lvmd *l)
{
	if (l->xs)
		xs_close(l->xs);
	l->xs = NULL;
}

static int reach(struct lvmd *l)
{
	return lvmd_xs(l) ? 0 : -(errno ? errno : ECONNREFUSED);
}

/* introduce: write (g)'s tree (its vifs' entries with it), introduce it
 * to xenstored, and mark its record as a XenStore guest. */
static int introduce(struct lvmd *l, struct guest *g,
		     const struct lvm_built *b, struct lvm_error *err)
{
	struct lvmd_xsvif_spec specs[LVM_VIFS_MAX];
	struct lvm_xs_vif vifs[LVM_VIFS_MAX];
	struct lvm_xs_dom d = {
		.domid = g->rec.domid, .name = g->rec.name, .uuid = g->rec.uuid,
		.memory_mb = g->rec.memory_mb, .vcpus = g->rec.vcpus,
		.store_mfn = b->store_mfn, .store_port = b->store_port,
		.vifs = vifs,
	};
	int rc;

	d.nvifs = lvmd_xsvif_specs(l, g, specs);
	for (unsigned i = 0; i < d.nvifs; i++)
		vifs[i] = specs[i].xs;
	rc = lvm_xs_introduce(l->xs, &d, err);
	if (rc < 0)
		return rc;
	g->rec.store = LVM_STORE_XENSTORE;
	return 0;
}

static bool can_request(const struct guest *g)
{
	(void)g;
	return true;
}

static int request(struct lvmd *l, struct guest *g, bool reboot,
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
	lvmd_guest_deadline(l, g, timeout_ms);
	return 0;
}

/* poll: a XenStore guest reports no ready mark lvmd reads. */
static void poll_guest(struct lvmd *l, struct guest *g)
{
	(void)l;
	(void)g;
}

const struct lvmd_control lvmd_control_xenstore = {
	.name = "xenstore",
	.xenstore = true,
	.reports_ready = false,
	.reach = reach,
	.introduce = introduce,
	.can_request = can_request,
	.request = request,
	.poll = poll_guest,
};

/* attach, adopt: a XenStore guest's vifs wait for their vifD.N (one
 * plugged already is plugged again, to no effect); the connection to
 * xenstored, which xsvif.c writes hotplug-status through, opened (an
 * adopted guest's may not be yet). */
static int attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	(void)flags;
	if (g->rec.store != LVM_STORE_XENSTORE)
		return 0;
	if (g->rec.nvifs && !lvmd_xs(l))
		lvm_log_warn(errno, "%s (d%u): xenstored not reachable: its vifs stay unplugged",
			     g->rec.name, g->rec.domid);
	return lvmd_xsvif_attach(l, g);
}

static int adopt(struct lvmd *l, struct guest *g)
{
	return attach(l, g, 0);
}

/* detach: a guest gone for good leaves xenstored's tables (its vifs'
 * backend entries with them: the kernel's netback removes vifD.N). */
static void detach(struct lvmd *l, struct guest *g, bool gone)
{
	lvmd_xsvif_detach(l, g);
	if (gone && g->rec.store == LVM_STORE_XENSTORE && lvmd_xs(l))
		lvm_xs_forget(l->xs, g->rec.domid, g->rec.uuid);
}

const struct lvmd_backend lvmd_backend_xenstore = {
	.name = "xenstore",
	.usage = "guests with no noxs note or --xenstore: a XenStore tree, vifs through the kernel's netback",
	/* the tree was introduced before the guest ran (the control's
	 * introduce()); attach and adopt await its vifs' devices */
	.attach = attach,
	.adopt = adopt,
	.detach = detach,
};
