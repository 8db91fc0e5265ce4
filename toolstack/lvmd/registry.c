/*
 * registry.c — lvmd's guest records on disk (see registry.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"
#include "toolstack/common/errf.h"
#include "toolstack/proto/proto.h"
#include "toolstack/proto/proto_json.h"

#define REG_MAX_BYTES (64 * 1024)

void lvm_reg_entry_free(struct lvm_reg_entry *e)
{
	free(e->kernel);
	free(e->ramdisk);
	free(e->cmdline);
	free(e->noxs_copy);
	memset(e, 0, sizeof(*e));
}

int lvm_uuid_parse(const char *s, uint8_t u[16])
{
	int i = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		long off = p - s;
		int hi, lo;

		if (off == 8 || off == 13 || off == 18 || off == 23) {
			if (*p != '-')
				return -EINVAL;
			continue;
		}
		hi = lvm_hexval(p[0]);
		lo = p[1] ? lvm_hexval(p[1]) : -1;
		if (hi < 0 || lo < 0 || i >= 16)
			return -EINVAL;
		u[i++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	return i == 16 ? 0 : -EINVAL;
}

/* page_hex: the bytes of (p) up to its last non-zero one (the first at
 * least), in hex (2 a byte, malloc'd): a device page is mostly zeros past
 * its devices. */
static char *page_hex(const struct noxs_page *p)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = (const uint8_t *)p;
	size_t n = NOXS_PAGE_SIZE;
	char *s;

	while (n > 1 && !b[n - 1])
		n--;
	s = malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hex[b[i] >> 4];
		s[2 * i + 1] = hex[b[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

/* page_unhex: (p) from (s), the page's first bytes in hex (version 1
 * records have all 4096), the rest zero. 0 or -EINVAL. */
static int page_unhex(const char *s, struct noxs_page *p)
{
	uint8_t *b = (uint8_t *)p;
	size_t len = strlen(s);

	if (len % 2 || len > 2 * NOXS_PAGE_SIZE)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < len / 2; i++) {
		int hi = lvm_hexval(s[2 * i]), lo = lvm_hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* vifs_to_json: (e)'s vifs, each with its guest port, into (o) as
 * "vifs" (none: nothing). 0 or -ENOMEM. */
static int vifs_to_json(json_object *o, const struct lvm_reg_entry *e)
{
	json_object *a;
	int rc = 0;

	if (!e->nvifs)
		return 0;
	a = lvm_proto_vifs_to_json(e->vifs, e->nvifs, 0, false);
	if (!a)
		return -ENOMEM;
	for (unsigned i = 0; i < e->nvifs; i++)
		rc |= lvm_json_add_u64(json_object_array_get_idx(a, i), "port",
				       e->vif_port[i]);
	if (rc || json_object_object_add(o, "vifs", a) < 0) {
		json_object_put(a);
		return -ENOMEM;
	}
	return 0;
}

static json_object *to_json(const struct lvm_reg_entry *e)
{
	json_object *o = json_object_new_object(), *c = NULL, *n = NULL;
	char uuid[37], *hex = NULL;
	int rc = 0;

	if (!o)
		return NULL;
	lvm_uuid_format(e->uuid, uuid);
	rc |= lvm_json_add_u64(o, "version", LVM_REG_VERSION);
	rc |= lvm_json_add_str(o, "name", e->name);
	rc |= lvm_json_add_u64(o, "domid", e->domid);
	rc |= lvm_json_add_str(o, "uuid", uuid);
	rc |= lvm_json_add_str(o, "kernel", e->kernel);
	rc |= lvm_json_add_str(o, "ramdisk", e->ramdisk);
	rc |= lvm_json_add_str(o, "cmdline", e->cmdline);
	rc |= lvm_json_add_u64(o, "memory_mb", e->memory_mb);
	rc |= lvm_json_add_u64(o, "vcpus", e->vcpus);
	rc |= lvm_json_add_str(o, "on_poweroff", lvm_action_name(e->on_poweroff));
	rc |= lvm_json_add_str(o, "on_crash", lvm_action_name(e->on_crash));
	rc |= lvm_json_add_str(o, "on_reboot", lvm_action_name(e->on_reboot));
	rc |= lvm_json_add_str(o, "store", lvm_store_name(e->store));
	rc |= lvm_json_add_i64(o, "created_ns", e->created_ns);
	rc |= lvm_json_add_bool(o, "preserved", e->preserved);
	rc |= lvm_json_add_bool(o, "created_paused", e->created_paused);
	rc |= vifs_to_json(o, e);
	rc |= lvm_proto_app_to_json(o, &e->app);
	c = json_object_new_object();
	if (!c)
		goto fail;
	rc |= lvm_json_add_u64(c, "gfn", e->console_gfn);
	rc |= lvm_json_add_u64(c, "mfn", e->console_mfn);
	rc |= lvm_json_add_u64(c, "port", e->console_port);
	json_object_object_add(o, "console", c);
	if (e->noxs) {
		n = json_object_new_object();
		hex = e->noxs_copy ? page_hex(e->noxs_copy) : NULL;
		if (!n || !hex)
			goto fail;
		rc |= lvm_json_add_u64(n, "gfn", e->noxs_gfn);
		rc |= lvm_json_add_u64(n, "mfn", e->noxs_mfn);
		rc |= lvm_json_add_u64(n, "sysctl_port", e->sysctl_port);
		rc |= lvm_json_add_u64(n, "request_seq", e->request_seq);
		rc |= lvm_json_add_str(n, "page", hex);
		json_object_object_add(o, "noxs", n);
		n = NULL;
	}
	free(hex);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
fail:
	free(hex);
	json_object_put(n);
	json_object_put(o);
	return NULL;
}

/* serialize: (e) as its file's bytes, one line ending in a newline
 * (malloc'd into (*buf), (*len) bytes). 0 or -ENOMEM. */
static int serialize(const struct lvm_reg_entry *e, char **buf, size_t *len)
{
	json_object *o = to_json(e);
	const char *s;
	size_t n;

	*buf = NULL;
	if (!o)
		return -ENOMEM;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	n = s ? strlen(s) : 0;
	*buf = s ? malloc(n + 1) : NULL;
	if (*buf) {
		memcpy(*buf, s, n);
		(*buf)[n++] = '\n';
		*len = n;
	}
	json_object_put(o);
	return *buf ? 0 : -ENOMEM;
}

/* write_all: (len) bytes of (s) to (fd). 0 or -errno. */
static int write_all(int fd, const char *s, size_t len)
{
	size_t off = 0;
	ssize_t r;

	while (off < len) {
		r = write(fd, s + off, len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		off += (size_t)r;
	}
	return 0;
}

int lvm_reg_save(const char *dir, const struct lvm_reg_entry *e)
{
	char path[4096], tmp[4096], *buf;
	size_t len;
	int fd, rc;

	rc = serialize(e, &buf, &len);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%u.json", dir, e->domid);
	snprintf(tmp, sizeof(tmp), "%s/.%u.json.tmp", dir, e->domid);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		free(buf);
		return rc;
	}
	rc = write_all(fd, buf, len);
	if (close(fd) < 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(buf);
	return rc;
}

int lvm_reg_open_new(const char *dir, uint32_t domid)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%u.json", dir, domid);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

int lvm_reg_save_fd(int fd, const struct lvm_reg_entry *e)
{
	char *buf;
	size_t len;
	int rc;

	rc = serialize(e, &buf, &len);
	if (rc < 0)
		return rc;
	rc = write_all(fd, buf, len);
	free(buf);
	return rc;
}

void lvm_reg_discard_new(const char *dir, uint32_t domid, int *fd)
{
	if (*fd < 0)
		return;
	lvm_reg_remove(dir, domid);
	close(*fd);
	*fd = -1;
}

int lvm_reg_save_new(const char *dir, const struct lvm_reg_entry *e)
{
	int fd = lvm_reg_open_new(dir, e->domid), rc;

	/* A record left under this domain's number: replaced whole. */
	if (fd == -EEXIST)
		return lvm_reg_save(dir, e);
	if (fd < 0)
		return fd;
	rc = lvm_reg_save_fd(fd, e);
	if (close(fd) < 0 && rc == 0)
		rc = -EIO;
	if (rc < 0)
		lvm_reg_remove(dir, e->domid);
	return rc;
}

int lvm_reg_remove(const char *dir, uint32_t domid)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%u.json", dir, domid);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int get_u32(json_object *o, const char *key, uint32_t *out)
{
	uint64_t v;

	if (lvm_json_get_u64(o, key, true, UINT32_MAX, &v) < 0)
		return -EPROTO;
	*out = (uint32_t)v;
	return 0;
}

static int get_frames(json_object *o, const char *what, uint64_t *gfn,
		      uint64_t *mfn, const char *portkey, uint32_t *port,
		      char *err, size_t errlen)
{
	if (lvm_json_get_u64(o, "gfn", true, UINT64_MAX, gfn) < 0 ||
	    lvm_json_get_u64(o, "mfn", true, UINT64_MAX, mfn) < 0 ||
	    get_u32(o, portkey, port) < 0)
		return lvm_errf(err, errlen, EPROTO, "'%s' needs integers gfn, mfn, %s",
			        what, portkey);
	return 0;
}

/* vifs_from_json: "vifs" of (o) (absent: none, an older record) into
 * (e): resolved vifs, each with its port. */
static int vifs_from_json(json_object *o, struct lvm_reg_entry *e, char *err,
			  size_t errlen)
{
	json_object *a;
	char line[200];

	if (!json_object_object_get_ex(o, "vifs", &a))
		return 0;
	if (lvm_proto_vifs_from_json(a, e->vifs, &e->nvifs, true, line,
				     sizeof(line)) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'vifs': %s", line);
	for (unsigned i = 0; i < e->nvifs; i++)
		if (get_u32(json_object_array_get_idx(a, i), "port",
			    &e->vif_port[i]) < 0)
			return lvm_errf(err, errlen, EPROTO,
				        "bad 'vifs': vif%u has no port", i);
	return 0;
}

static int from_json(json_object *o, struct lvm_reg_entry *e, char *err,
		     size_t errlen)
{
	const char *s = NULL, *pg = NULL;
	json_object *c, *n;
	uint64_t v;
	int rc;

	if (lvm_json_get_u64(o, "version", true, 1000, &v) < 0 || v < 1 ||
	    v > LVM_REG_VERSION)
		return lvm_errf(err, errlen, EPROTO, "not a version 1 to %d record", LVM_REG_VERSION);
	if (lvm_json_get_str(o, "name", true, LVM_NAME_MAX, &s) < 0 ||
	    lvm_name_check(s) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'name'");
	strcpy(e->name, s);
	if (get_u32(o, "domid", &e->domid) < 0 || e->domid == 0 ||
	    e->domid >= 0x7ff0)
		return lvm_errf(err, errlen, EPROTO, "bad 'domid'");
	if (lvm_json_get_str(o, "uuid", true, 36, &s) < 0 ||
	    lvm_uuid_parse(s, e->uuid) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'uuid'");
	if ((rc = lvm_json_dup_str(o, "kernel", true, &e->kernel)) < 0 ||
	    (rc = lvm_json_dup_str(o, "ramdisk", false, &e->ramdisk)) < 0 ||
	    (rc = lvm_json_dup_str(o, "cmdline", false, &e->cmdline)) < 0)
		return rc == -ENOMEM ? rc :
		       lvm_errf(err, errlen, EPROTO, "bad 'kernel', 'ramdisk' or 'cmdline'");
	if (get_u32(o, "memory_mb", &e->memory_mb) < 0 ||
	    get_u32(o, "vcpus", &e->vcpus) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'memory_mb' or 'vcpus'");
	if (lvm_json_get_str(o, "on_poweroff", true, 16, &s) < 0 ||
	    lvm_action_parse(s, &e->on_poweroff) < 0 ||
	    lvm_json_get_str(o, "on_crash", true, 16, &s) < 0 ||
	    lvm_action_parse(s, &e->on_crash) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'on_poweroff' or 'on_crash'");
	s = "restart";
	if (lvm_json_get_str(o, "on_reboot", false, 16, &s) < 0 ||
	    lvm_reboot_action_parse(s, &e->on_reboot) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'on_reboot'");
	if (lvm_json_get_str(o, "store", true, 16, &s) < 0 ||
	    lvm_store_parse(s, &e->store) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'store'");
	if (lvm_json_get_i64(o, "created_ns", &e->created_ns) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'created_ns'");
	if (lvm_json_get_bool(o, "preserved", &e->preserved) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'preserved'");
	if (lvm_json_get_bool(o, "created_paused", &e->created_paused) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'created_paused'");
	if (lvm_proto_app_from_json(o, &e->app) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'app'");
	rc = vifs_from_json(o, e, err, errlen);
	if (rc < 0)
		return rc;
	if (!json_object_object_get_ex(o, "console", &c) ||
	    !json_object_is_type(c, json_type_object))
		return lvm_errf(err, errlen, EPROTO, "no 'console' object");
	rc = get_frames(c, "console", &e->console_gfn, &e->console_mfn, "port",
			&e->console_port, err, errlen);
	if (rc < 0)
		return rc;
	if (!json_object_object_get_ex(o, "noxs", &n))
		return 0;
	if (!json_object_is_type(n, json_type_object))
		return lvm_errf(err, errlen, EPROTO, "'noxs' is not an object");
	e->noxs = true;
	rc = get_frames(n, "noxs", &e->noxs_gfn, &e->noxs_mfn, "sysctl_port",
			&e->sysctl_port, err, errlen);
	if (rc < 0)
		return rc;
	if (get_u32(n, "request_seq", &e->request_seq) < 0)
		return lvm_errf(err, errlen, EPROTO, "bad 'noxs.request_seq'");
	if (lvm_json_get_str(n, "page", true, 4 * NOXS_PAGE_SIZE, &pg) < 0)
		return lvm_errf(err, errlen, EPROTO, "no 'noxs.page'");
	e->noxs_copy = malloc(sizeof(*e->noxs_copy));
	if (!e->noxs_copy)
		return -ENOMEM;
	if (page_unhex(pg, e->noxs_copy) < 0)
		return lvm_errf(err, errlen, EPROTO, "'noxs.page' is not up to %u bytes in hex",
			        NOXS_PAGE_SIZE);
	return 0;
}

int lvm_reg_parse(const char *buf, size_t n, struct lvm_reg_entry *e,
		  char *err, size_t errlen)
{
	json_object *o = NULL;
	json_tokener *tok = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if (n > REG_MAX_BYTES)
		return lvm_errf(err, errlen, EPROTO, "larger than %d bytes", REG_MAX_BYTES);
	tok = json_tokener_new_ex(8);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, buf, (int)n);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		rc = lvm_errf(err, errlen, EPROTO, "not a JSON object (truncated or corrupt)");
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < n; i++) {
		if (buf[i] != '\n' && buf[i] != ' ') {
			rc = lvm_errf(err, errlen, EPROTO, "trailing bytes after the record");
			goto out;
		}
	}
	rc = from_json(o, e, err, errlen);
out:
	if (rc < 0)
		lvm_reg_entry_free(e);
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

int lvm_reg_read(const char *path, struct lvm_reg_entry *e, char *err,
		 size_t errlen)
{
	char *buf = NULL;
	ssize_t n;
	int fd, rc;

	memset(e, 0, sizeof(*e));
	snprintf(err, errlen, "cannot read");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(REG_MAX_BYTES + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	n = read(fd, buf, REG_MAX_BYTES + 1);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty: a pool shell's record, never written");
		rc = -ENODATA;
		goto out;
	}
	rc = lvm_reg_parse(buf, (size_t)n, e, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

/* is_record: DIGITS.json */
static bool is_record(const char *name)
{
	const char *p = name;

	while (*p >= '0' && *p <= '9')
		p++;
	return p != name && p - name <= 5 && strcmp(p, ".json") == 0;
}

int lvm_reg_scan(const char *dir, lvm_reg_fn *fn, void *arg)
{
	struct lvm_reg_entry e;
	char path[4096], err[256];
	struct dirent *d;
	DIR *dp;
	int rc;

	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		if (!is_record(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		err[0] = '\0';
		rc = lvm_reg_read(path, &e, err, sizeof(err));
		fn(arg, path, rc, &e, err);
	}
	closedir(dp);
	return 0;
}
