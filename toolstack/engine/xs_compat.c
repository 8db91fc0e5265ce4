/*
 * xs_compat.c — the XenStore tree of a stock guest (see xs_compat.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uuid.h"
#include "xs_compat.h"

#define XS_TRIES 8

/* One write in a transaction: (path) = (value), or a directory if NULL. */
static int put(struct xs_handle *xs, xs_transaction_t t, const char *path,
	       const char *value, const struct xs_permissions *perms)
{
	bool ok;

	if (value)
		ok = xs_write(xs, t, path, value, strlen(value));
	else
		ok = xs_mkdir(xs, t, path);
	if (!ok || !xs_set_permissions(xs, t, path,
				       (struct xs_permissions *)perms, 2))
		return errno ? -errno : -EIO;
	return 0;
}

/* PUT: in a function with (xs), (t), (path) and (rc): write (path), made
 * from the format that follows, with (perm); return the error if any. */
#define PUT(perm, value, ...)                                                \
	do {                                                                 \
		snprintf(path, sizeof(path), __VA_ARGS__);                   \
		rc = put(xs, t, path, (value), (perm));                      \
		if (rc < 0)                                                  \
			return rc;                                           \
	} while (0)

/*
 * write_vif: vif (id) of (d): its backend directory, dom0's ((ro): the
 * guest reads it), and its frontend directory, the guest's ((rw): dom0
 * reads it), each pointing at the other.
 */
static int write_vif(struct xs_handle *xs, xs_transaction_t t,
		     const struct lvm_xs_dom *d, unsigned id,
		     const struct xs_permissions *ro,
		     const struct xs_permissions *rw)
{
	const struct lvm_xs_vif *v = &d->vifs[id];
	char be[96], fe[96], path[160], val[96];
	int rc;

	snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u",
		 d->domid, id);
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", d->domid,
		 id);
	PUT(ro, NULL, "/local/domain/0/backend/vif/%u", d->domid);
	PUT(ro, NULL, "%s", be);
	PUT(ro, fe, "%s/frontend", be);
	snprintf(val, sizeof(val), "%u", d->domid);
	PUT(ro, val, "%s/frontend-id", be);
	PUT(ro, "1", "%s/online", be);
	/* the netback refuses a backend without it; empty: none is run */
	PUT(ro, "", "%s/script", be);
	PUT(ro, "1", "%s/state", be);
	snprintf(val, sizeof(val), "%u", id);
	PUT(ro, val, "%s/handle", be);
	PUT(ro, v->mac, "%s/mac", be);
	PUT(ro, v->bridge, "%s/bridge", be);
	snprintf(val, sizeof(val), "%u", v->mtu);
	PUT(ro, val, "%s/mtu", be);

	PUT(rw, NULL, "/local/domain/%u/device/vif", d->domid);
	PUT(rw, NULL, "%s", fe);
	PUT(rw, be, "%s/backend", fe);
	PUT(rw, "0", "%s/backend-id", fe);
	snprintf(val, sizeof(val), "%u", id);
	PUT(rw, val, "%s/handle", fe);
	PUT(rw, v->mac, "%s/mac", fe);
	PUT(rw, "1", "%s/state", fe);
	return 0;
}

static int write_tree(struct xs_handle *xs, xs_transaction_t t,
		      const struct lvm_xs_dom *d, const char *uuid)
{
	/*
	 * ro: dom0 owns the node, the guest may read it.
	 * rw: the guest owns the node (so may write it), dom0 may read it.
	 */
	const struct xs_permissions ro[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = d->domid, .perms = XS_PERM_READ },
	};
	const struct xs_permissions rw[2] = {
		{ .id = d->domid, .perms = XS_PERM_NONE },
		{ .id = 0, .perms = XS_PERM_READ },
	};
	static const char *const rw_dirs[] = {
		"control", "data", "device", "drivers", "error", "feature",
		"attr",
	};
	char base[64], path[128], val[64];
	unsigned int i;
	int rc;

	snprintf(base, sizeof(base), "/local/domain/%u", d->domid);
	PUT(ro, NULL, "%s", base);
	PUT(ro, d->name, "%s/name", base);
	snprintf(val, sizeof(val), "%u", d->domid);
	PUT(ro, val, "%s/domid", base);
	snprintf(val, sizeof(val), "/vm/%s", uuid);
	PUT(ro, val, "%s/vm", base);
	snprintf(val, sizeof(val), "%u", d->memory_mb * 1024);
	PUT(ro, val, "%s/memory/static-max", base);
	PUT(ro, val, "%s/memory/target", base);
	for (i = 0; i < d->vcpus; i++)
		PUT(ro, "online", "%s/cpu/%u/availability", base, i);
	for (i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++)
		PUT(rw, NULL, "%s/%s", base, rw_dirs[i]);
	PUT(rw, "", "%s/control/shutdown", base);
	PUT(ro, "1", "%s/control/platform-feature-multiprocessor-suspend",
	    base);
	for (i = 0; i < d->nvifs; i++) {
		rc = write_vif(xs, t, d, i, ro, rw);
		if (rc < 0)
			return rc;
	}
	PUT(ro, d->name, "/vm/%s/name", uuid);
	PUT(ro, uuid, "/vm/%s/uuid", uuid);
	return 0;
}

int lvm_xs_introduce(struct xs_handle *xs, const struct lvm_xs_dom *d,
		     struct lvm_error *err)
{
	char uuid[37];
	xs_transaction_t t;
	int rc = -EIO, tries;

	if (!xs || !d || !d->name || !*d->name || !d->uuid || !d->vcpus ||
	    d->domid == 0 || !d->store_mfn || (d->nvifs && !d->vifs))
		return lvm_error_set(err, EINVAL,
				     "xenstore: bad domain description");
	lvm_uuid_format(d->uuid, uuid);

	for (tries = 0; tries < XS_TRIES; tries++) {
		t = xs_transaction_start(xs);
		if (t == XBT_NULL) {
			rc = -errno;
			break;
		}
		rc = write_tree(xs, t, d, uuid);
		if (rc < 0) {
			xs_transaction_end(xs, t, true);
			break;
		}
		if (xs_transaction_end(xs, t, false)) {
			rc = 0;
			break;
		}
		rc = -errno;
		if (errno != EAGAIN)
			break;
	}
	if (rc < 0) {
		lvm_xs_forget(xs, d->domid, d->uuid);
		return lvm_error_set(err, -rc, "xenstore: writing the tree of "
				     "domain %u", d->domid);
	}
	if (!xs_introduce_domain(xs, d->domid, d->store_mfn, d->store_port)) {
		rc = errno ? -errno : -EIO;
		lvm_xs_forget(xs, d->domid, d->uuid);
		return lvm_error_set(err, -rc, "xenstore: introducing domain %u",
				     d->domid);
	}
	return 0;
}

int lvm_xs_vif_connected(struct xs_handle *xs, uint32_t domid, unsigned id)
{
	char path[96];
	unsigned int len;
	void *be;

	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u/%u",
		 domid, id);
	/* Only into a backend that exists: never make one again. */
	be = xs_read(xs, XBT_NULL, path, &len);
	if (!be)
		return errno ? -errno : -ENOENT;
	free(be);
	strcat(path, "/hotplug-status");
	if (!xs_write(xs, XBT_NULL, path, "connected", strlen("connected")))
		return errno ? -errno : -EIO;
	return 0;
}

int lvm_xs_request(struct xs_handle *xs, uint32_t domid, const char *what,
		   struct lvm_error *err)
{
	char path[64];

	if (!what || (strcmp(what, "poweroff") && strcmp(what, "reboot") &&
		      strcmp(what, "suspend")))
		return lvm_error_set(err, EINVAL, "xenstore: unknown request");
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 domid);
	if (!xs_write(xs, XBT_NULL, path, what, strlen(what)))
		return lvm_error_set(err, errno, "xenstore: asking domain %u "
				     "to %s", domid, what);
	return 0;
}

int lvm_xs_forget(struct xs_handle *xs, uint32_t domid, const uint8_t *uuid)
{
	char path[64], u[37];
	int rc = 0;

	if (!xs)
		return -EINVAL;
	/* A domain that was never introduced answers ENOENT/EINVAL here. */
	if (!xs_release_domain(xs, domid) && errno != ENOENT &&
	    errno != EINVAL && errno != ESRCH)
		rc = -errno;
	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
	if (!xs_rm(xs, XBT_NULL, path) && errno != ENOENT && !rc)
		rc = -errno;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if (!xs_rm(xs, XBT_NULL, path) && errno != ENOENT && !rc)
		rc = -errno;
	if (uuid) {
		lvm_uuid_format(uuid, u);
		snprintf(path, sizeof(path), "/vm/%s", u);
		if (!xs_rm(xs, XBT_NULL, path) && errno != ENOENT && !rc)
			rc = -errno;
	}
	return rc;
}
