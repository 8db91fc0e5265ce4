/*
 * config.c — guest configs: defaults, xl.cfg-style files through
 * libxlutil, and the checks made before a request leaves the client
 * (lvm.h). Keys libxlutil cannot enumerate are found by cfgkeys.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include <lvm.h>

#include "cfgkeys.h"
#include "toolstack/common/errf.h"
#include "toolstack/proto/proto.h"
#include "xlu.h"

#define CONFIG_MAX_BYTES (1 << 20)

void lvm_config_init(struct lvm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mb = LVM_DEFAULT_MEMORY_MB;
	cfg->vcpus = LVM_DEFAULT_VCPUS;
	cfg->on_poweroff = LVM_ACTION_DESTROY;
	cfg->on_crash = LVM_ACTION_DESTROY;
	cfg->on_reboot = LVM_ACTION_RESTART;
	cfg->store = LVM_STORE_AUTO;
}

void lvm_config_clear(struct lvm_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->name);
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->cmdline);
	lvm_config_init(cfg);
}

int lvm_config_set_str(char **field, const char *value)
{
	char *s = NULL;

	if (value && !(s = strdup(value)))
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

/* The keys a config may set, and where the file set them. */
enum key {
	K_NAME, K_KERNEL, K_RAMDISK, K_CMDLINE, K_EXTRA, K_MEMORY, K_VCPUS,
	K_ON_POWEROFF, K_ON_CRASH, K_ON_REBOOT, K_VIF, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"name", "kernel", "ramdisk", "cmdline", "extra", "memory", "vcpus",
	"on_poweroff", "on_crash", "on_reboot", "vif",
};

struct keyscan {
	const char *path;
	unsigned line[K_COUNT];      /* 0: not set */
	char *err;
	size_t errlen;
};

static int on_key(void *arg, const char *key, size_t len, unsigned line,
		  bool append)
{
	struct keyscan *ks = arg;
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (strlen(key_names[k]) == len &&
		    memcmp(key_names[k], key, len) == 0)
			break;
	if (k == K_COUNT)
		return lvm_errf(ks->err, ks->errlen, EINVAL,
			        "%s:%u: unknown key '%.*s'", ks->path, line,
			        (int)(len > 64 ? 64 : len), key);
	if (ks->line[k])
		return lvm_errf(ks->err, ks->errlen, EINVAL,
			        "%s:%u: '%s' is set twice (first on line %u)",
			        ks->path, line, key_names[k], ks->line[k]);
	if (append)
		return lvm_errf(ks->err, ks->errlen, EINVAL,
			        "%s:%u: '+=' does not apply to '%s'", ks->path,
			        line, key_names[k]);
	ks->line[k] = line;
	return 0;
}

/*
 * read_file: the whole file at (path), NUL-terminated, at most
 * CONFIG_MAX_BYTES; (shown) is (path) as errors echo it. Anything but a
 * regular file is refused before a byte is read: opening never blocks (a
 * FIFO, a terminal), and reading only a regular file cannot.
 */
static int read_file(const char *path, const char *shown, char **data,
		     size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t off = 0;
	ssize_t r;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return lvm_errf(err, errlen, errno, "%s: %s", shown, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = lvm_errf(err, errlen, errno, "%s: %s", shown, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lvm_errf(err, errlen, EINVAL, "%s: not a regular file", shown);
		goto out;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		rc = lvm_errf(err, errlen, EFBIG, "%s: larger than %d bytes", shown,
			      CONFIG_MAX_BYTES);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = lvm_errf(err, errlen, ENOMEM, "%s: out of memory", shown);
		goto out;
	}
	while (off < (size_t)st.st_size) {
		r = read(fd, buf + off, (size_t)st.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = lvm_errf(err, errlen, errno, "%s: %s", shown,
				      strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	buf[off] = '\0';
	*data = buf;
	*len = off;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* report_line: the first line libxlutil reported, or (fallback). */
static void report_line(FILE *f, char **mem, const char *fallback, char *err,
			size_t errlen)
{
	size_t n;

	fflush(f);
	if (*mem && **mem) {
		n = strcspn(*mem, "\n");
		lvm_errf(err, errlen, EINVAL, "%.*s", (int)(n > 400 ? 400 : n), *mem);
	} else {
		lvm_errf(err, errlen, EINVAL, "%s", fallback);
	}
}

struct parse {
	const char *path;
	struct keyscan *ks;
	const struct lvm_xlu *fn;
	XLU_Config *xlu;
	struct lvm_config *cfg;
	char *err;
	size_t errlen;
};

static int get_str(struct parse *p, enum key k, char **dst)
{
	const char *v;
	int r;

	if (!p->ks->line[k])
		return 0;
	r = p->fn->cfg_get_string(p->xlu, key_names[k], &v, 1);
	if (r)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: %s: must be a string", p->path,
			        p->ks->line[k], key_names[k]);
	if (lvm_config_set_str(dst, v) < 0)
		return lvm_errf(p->err, p->errlen, ENOMEM, "out of memory");
	return 0;
}

static int get_num(struct parse *p, enum key k, long min, long max,
		   const char *unit, uint32_t *dst)
{
	long v;
	int r;

	if (!p->ks->line[k])
		return 0;
	r = p->fn->cfg_get_long(p->xlu, key_names[k], &v, 1);
	if (r)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: %s: must be a whole number%s", p->path,
			        p->ks->line[k], key_names[k], unit);
	if (v < min || v > max)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: %s: %ld is out of range (%ld..%ld%s)",
			        p->path, p->ks->line[k], key_names[k], v, min, max,
			        unit);
	*dst = (uint32_t)v;
	return 0;
}

/* get_action: on_poweroff and on_crash (destroy, preserve), on_reboot
 * (restart as well). */
static int get_action(struct parse *p, enum key k, enum lvm_action *dst)
{
	const char *v;
	int r;

	if (!p->ks->line[k])
		return 0;
	r = p->fn->cfg_get_string(p->xlu, key_names[k], &v, 1);
	if (r == 0 && k == K_ON_REBOOT) {
		if (lvm_reboot_action_parse(v, dst) == 0)
			return 0;
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: on_reboot: '%s' is not supported (use restart, destroy or preserve)",
			        p->path, p->ks->line[k], LVM_ESCAPED(v, 40));
	}
	if (r == 0 && lvm_action_parse(v, dst) == 0)
		return 0;
	if (r == 0 && (strcmp(v, "restart") == 0 ||
		       strcmp(v, "rename-restart") == 0 ||
		       strncmp(v, "coredump-", 9) == 0 ||
		       strcmp(v, "soft-reset") == 0))
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: %s: '%s' is not supported (use destroy or preserve)",
			        p->path, p->ks->line[k], key_names[k],
			        LVM_ESCAPED(v, 40));
	return lvm_errf(p->err, p->errlen, EINVAL,
		        "%s:%u: %s: must be %s\"destroy\" or \"preserve\"", p->path,
		        p->ks->line[k], key_names[k],
		        k == K_ON_REBOOT ? "\"restart\", " : "");
}

/* get_vifs: `vif = [ 'SPEC', ... ]`, each entry lvm_vif_parse()'d; the
 * list replaces the config's vifs. */
static int get_vifs(struct parse *p)
{
	struct lvm_config *c = p->cfg;
	struct lvm_vif vifs[LVM_VIFS_MAX];
	unsigned line = p->ks->line[K_VIF];
	XLU_ConfigList *list = NULL;
	const char *spec;
	char why[256];
	int n = 0;

	if (!line)
		return 0;
	if (p->fn->cfg_get_list(p->xlu, key_names[K_VIF], &list, &n, 1) || !list)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: vif: must be a list of strings, e.g. [ 'mac=00:16:3e:01:02:03,bridge=lvmbr0', '' ]",
			        p->path, line);
	if (n > LVM_VIFS_MAX)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: vif: %d vifs, at most %d", p->path, line, n,
			        LVM_VIFS_MAX);
	for (int i = 0; i < n; i++) {
		spec = p->fn->cfg_get_listitem(list, i);
		if (!spec)
			return lvm_errf(p->err, p->errlen, EINVAL,
				        "%s:%u: vif%d: must be a string", p->path,
				        line, i);
		if (lvm_vif_parse(spec, &vifs[i], why, sizeof(why)) < 0)
			return lvm_errf(p->err, p->errlen, EINVAL, "%s:%u: vif%d: %s",
				        p->path, line, i, why);
	}
	if (lvm_vifs_check(vifs, (unsigned)n, false, why, sizeof(why)) < 0)
		return lvm_errf(p->err, p->errlen, EINVAL, "%s:%u: %s", p->path,
			        line, why);
	memcpy(c->vifs, vifs, sizeof(vifs[0]) * (size_t)n);
	c->nvifs = (unsigned)n;
	return 0;
}

static int get_values(struct parse *p)
{
	struct lvm_config *c = p->cfg;
	int rc;

	if ((rc = get_str(p, K_NAME, &c->name)) < 0 ||
	    (rc = get_str(p, K_KERNEL, &c->kernel)) < 0 ||
	    (rc = get_str(p, K_RAMDISK, &c->ramdisk)) < 0 ||
	    (rc = get_str(p, K_CMDLINE, &c->cmdline)) < 0 ||
	    (rc = get_str(p, K_EXTRA, &c->cmdline)) < 0)
		return rc;
	if (p->ks->line[K_NAME] && lvm_name_check(c->name) < 0)
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: name '%s': must be 1..%d characters of A-Z a-z 0-9 . _ - and not a number",
			        p->path, p->ks->line[K_NAME],
			        LVM_ESCAPED(c->name, 80), LVM_NAME_MAX);
	if (p->ks->line[K_KERNEL] && !c->kernel[0])
		return lvm_errf(p->err, p->errlen, EINVAL,
			        "%s:%u: kernel: empty path", p->path,
			        p->ks->line[K_KERNEL]);
	if ((rc = get_num(p, K_MEMORY, LVM_MIN_MEMORY_MB, LVM_MAX_MEMORY_MB,
			  " MiB", &c->memory_mb)) < 0 ||
	    (rc = get_num(p, K_VCPUS, 1, LVM_MAX_VCPUS, "", &c->vcpus)) < 0 ||
	    (rc = get_action(p, K_ON_POWEROFF, &c->on_poweroff)) < 0 ||
	    (rc = get_action(p, K_ON_CRASH, &c->on_crash)) < 0 ||
	    (rc = get_action(p, K_ON_REBOOT, &c->on_reboot)) < 0 ||
	    (rc = get_vifs(p)) < 0)
		return rc;
	return 0;
}

int lvm_config_parse_file(const char *path, struct lvm_config *cfg,
			  char *err, size_t errlen)
{
	char shown[LVM_ESCAPE_LEN(200)];
	struct keyscan ks = { .path = shown, .err = err, .errlen = errlen };
	struct parse p = { .path = shown, .ks = &ks, .cfg = cfg, .err = err,
			   .errlen = errlen };
	char *data = NULL, *mem = NULL;
	size_t len = 0, memlen = 0;
	const char *what = "";
	unsigned line = 0;
	FILE *report = NULL;
	char why[256];
	int rc;

	lvm_escape(path, 200, shown, sizeof(shown));
	rc = read_file(path, shown, &data, &len, err, errlen);
	if (rc < 0)
		return rc;
	rc = lvm_cfgkeys_scan(data, len, on_key, &ks, &line, &what);
	if (rc == -EINVAL && line) {
		rc = lvm_errf(err, errlen, EINVAL, "%s:%u: syntax error: %s", shown,
			      line, what);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (ks.line[K_CMDLINE] && ks.line[K_EXTRA]) {
		unsigned l = ks.line[K_CMDLINE] > ks.line[K_EXTRA] ?
				     ks.line[K_CMDLINE] : ks.line[K_EXTRA];
		rc = lvm_errf(err, errlen, EINVAL,
			      "%s:%u: 'cmdline' and 'extra' are the same setting; use one",
			      shown, l);
		goto out;
	}
	p.fn = lvm_xlu(why, sizeof(why));
	if (!p.fn) {
		rc = lvm_errf(err, errlen, ENOSYS,
			      "%s: cannot read xl config files: %s", shown, why);
		goto out;
	}
	report = open_memstream(&mem, &memlen);
	if (!report) {
		rc = lvm_errf(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	p.xlu = p.fn->cfg_init(report, shown);
	if (!p.xlu) {
		rc = lvm_errf(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	if (p.fn->cfg_readdata(p.xlu, data, (int)len)) {
		report_line(report, &mem, "cannot parse the file", err, errlen);
		rc = -EINVAL;
		goto out;
	}
	rc = get_values(&p);
out:
	if (p.xlu)
		p.fn->cfg_destroy(p.xlu);
	if (report)
		fclose(report);
	free(mem);
	free(data);
	return rc;
}

int lvm_config_check(const struct lvm_config *cfg, char *err, size_t errlen)
{

	if (!cfg->name)
		return lvm_errf(err, errlen, EINVAL,
			        "no name: set 'name' in the config or give --name");
	if (lvm_name_check(cfg->name) < 0)
		return lvm_errf(err, errlen, EINVAL,
			        "name '%s': must be 1..%d characters of A-Z a-z 0-9 . _ - and not a number",
			        LVM_ESCAPED(cfg->name, 80), LVM_NAME_MAX);
	if (!cfg->kernel || !cfg->kernel[0])
		return lvm_errf(err, errlen, EINVAL, "no kernel: set 'kernel' in the config");
	if (cfg->memory_mb < LVM_MIN_MEMORY_MB ||
	    cfg->memory_mb > LVM_MAX_MEMORY_MB)
		return lvm_errf(err, errlen, EINVAL,
			        "memory: %u MiB is out of range (%d..%u MiB)",
			        cfg->memory_mb, LVM_MIN_MEMORY_MB, LVM_MAX_MEMORY_MB);
	if (cfg->vcpus < 1 || cfg->vcpus > LVM_MAX_VCPUS)
		return lvm_errf(err, errlen, EINVAL,
			        "vcpus: %u is out of range (1..%d)", cfg->vcpus,
			        LVM_MAX_VCPUS);
	if ((unsigned)cfg->on_poweroff > LVM_ACTION_PRESERVE ||
	    (unsigned)cfg->on_crash > LVM_ACTION_PRESERVE)
		return lvm_errf(err, errlen, EINVAL, "bad on_poweroff or on_crash");
	if ((unsigned)cfg->on_reboot > LVM_ACTION_RESTART)
		return lvm_errf(err, errlen, EINVAL, "bad on_reboot");
	if ((unsigned)cfg->store > LVM_STORE_XENSTORE)
		return lvm_errf(err, errlen, EINVAL, "bad store mode");
	if (lvm_vifs_check(cfg->vifs, cfg->nvifs, false, err, errlen) < 0)
		return -EINVAL;
	return 0;
}
