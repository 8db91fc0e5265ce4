/*
 * client.c — liblvm's client side: a connection to lvmd and one call per
 * operation (lvm.h), over the protocol in proto.h.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <lvm.h>

#include "toolstack/common/clock.h"
#include "toolstack/proto/proto.h"
#include "toolstack/proto/proto_json.h"

/* A moment on both clocks a reply's times can be on (lvm_timing's
 * tsc_khz), for the one it names, known only once the reply is read. (A
 * CLOCK_MONOTONIC read can be a system call: 18 µs in the test box's PV
 * dom0, inside the TSC's figures.) */
struct stamp {
	uint64_t ns, tsc;
};

static struct stamp stamp_now(void)
{
	struct stamp s;

	s.ns = lvm_now_ns();
	s.tsc = lvm_rdtsc();
	return s;
}

/* stamps_ns: from (a) to (b) on the clock of (khz) (0: CLOCK_MONOTONIC). */
static uint64_t stamps_ns(struct stamp a, struct stamp b, uint64_t khz)
{
	return khz ? lvm_tsc_ns(a.tsc, b.tsc, khz) : b.ns - a.ns;
}

struct lvm {
	int fd;
	unsigned busy_us;            /* lvm_set_busy_wait() */
	struct stamp sent, read;     /* the last roundtrip(): its request's
					first byte handed to the socket, its
					reply's last byte read */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char err[512];
};

__attribute__((format(printf, 3, 4)))
static int fail(lvm_t *h, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return -errnum;
}

/* dial: a connected socket to (path), or -errno. */
static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

lvm_t *lvm_open(const char *sock_path)
{
	const char *path = sock_path ? sock_path : LVM_DEFAULT_SOCK;
	lvm_t *h;
	int fd;

	if (strlen(path) >= sizeof(h->path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = dial(path);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	h->fd = fd;
	strcpy(h->path, path);
	return h;
}

void lvm_close(lvm_t *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

void lvm_set_busy_wait(lvm_t *h, unsigned usec)
{
	if (h)
		h->busy_us = usec < LVM_BUSY_WAIT_MAX ? usec : LVM_BUSY_WAIT_MAX;
}

/* busy_wait: poll (fd) for a reply for up to (h)'s busy_us, yielding the
 * CPU between polls; the read that follows blocks if none came. */
static void busy_wait(const lvm_t *h, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t t0;

	if (!h->busy_us)
		return;
	t0 = lvm_now_ns();
	while (poll(&p, 1, 0) == 0 &&
	       lvm_now_ns() - t0 < (uint64_t)h->busy_us * 1000u)
		sched_yield();
}

const char *lvm_last_error(const lvm_t *h)
{
	return h && h->err[0] ? h->err : "no error";
}

/* transport: the line for a failure to talk to lvmd. */
static int transport(lvm_t *h, int rc)
{
	switch (rc) {
	case -ECONNRESET:
	case -EPIPE:
		return fail(h, ECONNRESET, "lvmd at %s closed the connection",
			    h->path);
	case -EMSGSIZE:
	case -EPROTO:
		return fail(h, EPROTO, "lvmd at %s sent a malformed reply",
			    h->path);
	default:
		return fail(h, -rc, "talking to lvmd at %s: %s", h->path,
			    strerror(-rc));
	}
}

/*
 * roundtrip: send (req) (consumed) on (fd), read the reply into (*reply)
 * when it is ok. Returns 0, the reply's -errno (its line in h->err), or a
 * transport error. Times the exchange itself, its JSON apart (h->sent,
 * h->read).
 */
static int roundtrip(lvm_t *h, int fd, json_object *req, json_object **reply)
{
	json_object *rep = NULL;
	char line[LVM_ESCAPE_LEN(400)];
	char *buf;
	size_t len;
	const char *msg;
	int rc, e;

	if (!req)
		return fail(h, ENOMEM, "out of memory");
	h->err[0] = '\0';
	rc = lvm_proto_encode(req, &buf, &len);
	json_object_put(req);
	if (rc < 0)
		return transport(h, rc);
	h->sent = stamp_now();
	rc = lvm_proto_write(fd, buf, len);
	free(buf);
	if (rc < 0)
		return transport(h, rc);
	busy_wait(h, fd);
	rc = lvm_proto_read(fd, &buf, &len);
	if (rc < 0)
		return transport(h, rc);
	h->read = stamp_now();
	rc = lvm_proto_parse(buf, len, &rep);
	free(buf);
	if (rc < 0)
		return transport(h, rc);
	if (lvm_proto_parse_reply(rep, &e, &msg) < 0) {
		json_object_put(rep);
		return transport(h, -EPROTO);
	}
	if (e) {
		/* lvmd's line stays one line whatever it echoes */
		rc = fail(h, e, "%s", msg[0] ? lvm_escape(msg, 400, line,
							  sizeof(line)) :
				     strerror(e));
		json_object_put(rep);
		return rc;
	}
	if (reply)
		*reply = rep;
	else
		json_object_put(rep);
	return 0;
}

static int simple(lvm_t *h, enum lvm_op op, const char *target,
		  uint32_t timeout_ms, json_object **reply)
{
	struct lvm_req r = { .op = op, .target = target,
			     .timeout_ms = timeout_ms };

	if (!target || !target[0])
		return fail(h, EINVAL, "no guest given");
	return roundtrip(h, h->fd, lvm_proto_request(&r), reply);
}

/* absolute: (*out) = (path) made absolute against the cwd (malloc'd). */
static int absolute(const char *path, char **out)
{
	char cwd[PATH_MAX];

	if (!path) {
		*out = NULL;
		return 0;
	}
	if (path[0] == '/') {
		*out = strdup(path);
		return *out ? 0 : -ENOMEM;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if (asprintf(out, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
		return -ENOMEM;
	return 0;
}

/* reply_info: decode the "info" member of (rep) into (info), if wanted. */
static int reply_info(lvm_t *h, json_object *rep, struct lvm_info *info)
{
	json_object *o;

	if (!info)
		return 0;
	if (!json_object_object_get_ex(rep, "info", &o) ||
	    lvm_proto_info_from_json(o, info) < 0)
		return transport(h, -EPROTO);
	return 0;
}

int lvm_create(lvm_t *h, const struct lvm_config *cfg, unsigned flags,
	       struct lvm_info *info, struct lvm_timing *timing)
{
	struct lvm_req r = { .op = LVM_OP_CREATE };
	char *kernel = NULL, *ramdisk = NULL;
	json_object *rep = NULL, *o;
	struct stamp t0;
	int rc;

	if (info)
		memset(info, 0, sizeof(*info));
	if (timing)
		memset(timing, 0, sizeof(*timing));
	rc = lvm_config_check(cfg, h->err, sizeof(h->err));
	if (rc < 0)
		return rc;
	if (absolute(cfg->kernel, &kernel) < 0 ||
	    absolute(cfg->ramdisk, &ramdisk) < 0) {
		rc = fail(h, ENOMEM, "cannot make the image paths absolute");
		goto out;
	}
	r.cfg = (struct lvm_req_cfg){
		.name = cfg->name, .kernel = kernel, .ramdisk = ramdisk,
		.cmdline = cfg->cmdline, .memory_mb = cfg->memory_mb,
		.vcpus = cfg->vcpus, .on_poweroff = cfg->on_poweroff,
		.on_crash = cfg->on_crash, .on_reboot = cfg->on_reboot,
		.store = cfg->store, .paused = cfg->paused,
		.wait_ready = (flags & LVM_CREATE_WAIT_READY) != 0,
		.nvifs = cfg->nvifs,
	};
	memcpy(r.cfg.vifs, cfg->vifs, sizeof(r.cfg.vifs));
	t0 = stamp_now();
	rc = roundtrip(h, h->fd, lvm_proto_request(&r), &rep);
	if (rc < 0)
		goto out;
	if (timing) {
		if (!json_object_object_get_ex(rep, "timing", &o) ||
		    lvm_proto_timing_from_json(o, timing) < 0) {
			rc = transport(h, -EPROTO);
			goto out;
		}
	}
	rc = reply_info(h, rep, info);
	if (rc == 0 && timing) {
		/* The exchange, and the JSON on this side of it, on the
		 * clock of lvmd's times. */
		uint64_t khz = timing->tsc_khz;

		timing->encode_ns = stamps_ns(t0, h->sent, khz);
		timing->client_ns = stamps_ns(h->sent, h->read, khz);
		timing->decode_ns = stamps_ns(h->read, stamp_now(), khz);
	}
out:
	json_object_put(rep);
	free(kernel);
	free(ramdisk);
	return rc;
}

int lvm_destroy(lvm_t *h, const char *target)
{
	return simple(h, LVM_OP_DESTROY, target, 0, NULL);
}

int lvm_shutdown(lvm_t *h, const char *target, uint32_t timeout_ms)
{
	return simple(h, LVM_OP_SHUTDOWN, target, timeout_ms, NULL);
}

int lvm_reboot(lvm_t *h, const char *target, uint32_t timeout_ms,
	       struct lvm_info *info)
{
	json_object *rep = NULL;
	int rc;

	if (info)
		memset(info, 0, sizeof(*info));
	rc = simple(h, LVM_OP_REBOOT, target, timeout_ms, &rep);
	if (rc == 0)
		rc = reply_info(h, rep, info);
	json_object_put(rep);
	return rc;
}

int lvm_pause(lvm_t *h, const char *target)
{
	return simple(h, LVM_OP_PAUSE, target, 0, NULL);
}

int lvm_unpause(lvm_t *h, const char *target)
{
	return simple(h, LVM_OP_UNPAUSE, target, 0, NULL);
}

int lvm_info(lvm_t *h, const char *target, struct lvm_info *out)
{
	json_object *rep = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = simple(h, LVM_OP_INFO, target, 0, &rep);
	if (rc == 0)
		rc = reply_info(h, rep, out);
	json_object_put(rep);
	return rc;
}

void lvm_list_free(struct lvm_info *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		lvm_info_clear(&list[i]);
	free(list);
}

/* list_page: append the guests of one reply to (*list); (*next) is the
 * domain id to ask from next, or 0 when this was the last page. */
static int list_page(lvm_t *h, json_object *rep, struct lvm_info **list,
		     size_t *len, size_t *cap, uint32_t *next)
{
	json_object *arr;
	size_t k, i;
	uint64_t v = 0;

	if (!json_object_object_get_ex(rep, "guests", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    lvm_json_get_u64(rep, "next", false, UINT32_MAX, &v) < 0)
		return transport(h, -EPROTO);
	k = json_object_array_length(arr);
	if (*len + k > *cap) {
		size_t nc = (*len + k) * 2 + 1;
		struct lvm_info *nl = realloc(*list, nc * sizeof(*nl));

		if (!nl)
			return fail(h, ENOMEM, "out of memory");
		memset(nl + *cap, 0, (nc - *cap) * sizeof(*nl));
		*list = nl;
		*cap = nc;
	}
	for (i = 0; i < k; i++) {
		if (lvm_proto_info_from_json(json_object_array_get_idx(arr, i),
					     &(*list)[*len]) < 0)
			return transport(h, -EPROTO);
		(*len)++;
	}
	/* lvmd pages forward only: a next at or below this page's start
	 * would loop forever. */
	if (v && (k == 0 || v <= (*list)[*len - 1].domid))
		return transport(h, -EPROTO);
	*next = (uint32_t)v;
	return 0;
}

int lvm_list(lvm_t *h, bool all, struct lvm_info **out, size_t *n)
{
	struct lvm_req r = { .op = LVM_OP_LIST, .all = all };
	struct lvm_info *list = NULL;
	size_t len = 0, cap = 0;
	json_object *rep;
	uint32_t next = 0;
	int rc;

	*out = NULL;
	*n = 0;
	do {
		rep = NULL;
		rc = roundtrip(h, h->fd, lvm_proto_request(&r), &rep);
		if (rc == 0)
			rc = list_page(h, rep, &list, &len, &cap, &next);
		json_object_put(rep);
		if (rc < 0)
			goto out;
		r.from = next;
	} while (next);
	if (!list && !(list = calloc(1, sizeof(*list)))) {
		rc = fail(h, ENOMEM, "out of memory");
		goto out;
	}
	*out = list;
	*n = len;
	list = NULL;
out:
	lvm_list_free(list, len);
	return rc;
}

int lvm_console_attach(lvm_t *h, const char *target)
{
	struct lvm_req r = { .op = LVM_OP_CONSOLE, .target = target };
	int fd, rc;

	if (!target || !target[0])
		return fail(h, EINVAL, "no guest given");
	fd = dial(h->path);
	if (fd < 0)
		return fail(h, -fd, "cannot reach lvmd at %s: %s", h->path,
			    strerror(-fd));
	rc = roundtrip(h, fd, lvm_proto_request(&r), NULL);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int lvm_pool_list(lvm_t *h, struct lvm_pool_info **out, size_t *n,
		  uint64_t *other_misses)
{
	struct lvm_req r = { .op = LVM_OP_POOL };
	json_object *rep = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*other_misses = 0;
	rc = roundtrip(h, h->fd, lvm_proto_request(&r), &rep);
	if (rc < 0)
		return rc;
	rc = lvm_proto_pools_from_json(rep, out, n, other_misses);
	if (rc == -ENOMEM)
		rc = fail(h, ENOMEM, "out of memory");
	else if (rc < 0)
		rc = transport(h, -EPROTO);
	json_object_put(rep);
	return rc;
}

int lvm_pool_set_image(lvm_t *h, uint32_t memory_mb, uint32_t vcpus,
		       uint32_t target, const char *image)
{
	struct lvm_req r = { .op = LVM_OP_POOL_SET, .pool_target = target };

	if (image && image[0] &&
	    (image[0] != '/' || strlen(image) >= LVM_POOL_IMAGE_MAX))
		return fail(h, EINVAL, "pool image '%s': want an absolute "
			    "path shorter than %d bytes",
			    LVM_ESCAPED(image, 200),
			    LVM_POOL_IMAGE_MAX);
	r.cfg.memory_mb = memory_mb;
	r.cfg.vcpus = vcpus;
	r.cfg.kernel = image && image[0] ? image : NULL;
	return roundtrip(h, h->fd, lvm_proto_request(&r), NULL);
}

int lvm_pool_set(lvm_t *h, uint32_t memory_mb, uint32_t vcpus,
		 uint32_t target)
{
	return lvm_pool_set_image(h, memory_mb, vcpus, target, NULL);
}

void lvm_top_clear(struct lvm_top *t)
{
	if (!t)
		return;
	free(t->pools);
	free(t->guests);
	memset(t, 0, sizeof(*t));
}

int lvm_top(lvm_t *h, struct lvm_top *out)
{
	struct lvm_req r = { .op = LVM_OP_TOP };
	json_object *rep;
	size_t cap = 0, had;
	uint64_t next;
	int rc;

	memset(out, 0, sizeof(*out));
	do {
		rep = NULL;
		next = 0;
		rc = roundtrip(h, h->fd, lvm_proto_request(&r), &rep);
		if (rc < 0)
			break;
		/* lvmd's own figures come from the first page */
		if (r.from == 0)
			rc = lvm_proto_top_head_from_json(rep, out);
		had = out->nguests_listed;
		if (rc == 0)
			rc = lvm_proto_top_guests_from_json(rep, out, &cap);
		if (rc == 0 && lvm_json_get_u64(rep, "next", false, UINT32_MAX,
						&next) < 0)
			rc = -EPROTO;
		/* pages go forward only, past what they held, or this would
		 * never end */
		if (rc == 0 && next && (out->nguests_listed == had ||
		    next <= out->guests[out->nguests_listed - 1].domid))
			rc = -EPROTO;
		json_object_put(rep);
		if (rc == -ENOMEM)
			rc = fail(h, ENOMEM, "out of memory");
		else if (rc == -EPROTO)
			rc = transport(h, -EPROTO);
		r.from = (uint32_t)next;
	} while (rc == 0 && next);
	if (rc == 0 && !out->guests &&
	    !(out->guests = calloc(1, sizeof(*out->guests))))
		rc = fail(h, ENOMEM, "out of memory");
	if (rc < 0)
		lvm_top_clear(out);
	return rc;
}
