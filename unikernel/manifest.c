/*
 * manifest.c — reading an application's manifest (manifest.h): the keys
 * found and placed by cfgkeys.c (libxlutil cannot enumerate them), their
 * values read by libxlutil, each checked here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "manifest.h"
#include "toolstack/common/errf.h"
#include "toolstack/liblvm/cfgkeys.h"

enum key { K_NAME, K_VERSION, K_SOURCES, K_MODULES, K_MEMORY, K_CMDLINE,
	   K_DEVICES, K_EXECUTABLE, K_PACKAGE, K_ARGS, K_ENV, K_FILES,
	   K_ROOT, K_CONFFILES, K_COUNT };
static const char *const key_names[K_COUNT] = {
	"name", "version", "sources", "modules", "memory", "cmdline",
	"devices", "executable", "package", "args", "env", "files",
	"root", "conffiles",
};
/* Which keys each kind of manifest has. */
#define UNIKERNEL_KEYS ((1u << K_EXECUTABLE) - 1)
#define LINUX_KEYS (((1u << K_COUNT) - 1) & ~(1u << K_SOURCES))

struct scan {
	unsigned keys;               /* UNIKERNEL_KEYS or LINUX_KEYS */
	unsigned line[K_COUNT];      /* 0: not in the file */
	const char *shown;
	char *err;
	size_t errlen;
};

static int on_key(void *arg, const char *key, size_t len, unsigned line,
		  bool append)
{
	struct scan *s = arg;

	for (unsigned k = 0; k < K_COUNT; k++) {
		if (!(s->keys & (1u << k)) || strlen(key_names[k]) != len ||
		    memcmp(key_names[k], key, len) != 0)
			continue;
		if (append)
			return lvm_errf(s->err, s->errlen, EINVAL,
					"%s:%u: '%s +=' is not supported; give the whole value once",
					s->shown, line, key_names[k]);
		if (s->line[k])
			return lvm_errf(s->err, s->errlen, EINVAL,
					"%s:%u: '%s' is set twice (first on line %u)",
					s->shown, line, key_names[k], s->line[k]);
		s->line[k] = line;
		return 0;
	}
	return lvm_errf(s->err, s->errlen, EINVAL, "%s:%u: unknown key '%.*s'%s",
			s->shown, line, (int)(len > 64 ? 64 : len), key,
			s->keys == LINUX_KEYS ? " in a --linux manifest" : "");
}

void app_manifest_free(struct app_manifest *m)
{
	for (unsigned i = 0; i < m->nsources; i++)
		free(m->sources[i]);
	for (unsigned i = 0; i < m->nmodules; i++)
		free(m->modules[i]);
	for (unsigned i = 0; i < m->nargs; i++)
		free(m->args[i]);
	for (unsigned i = 0; i < m->nenv; i++)
		free(m->env[i]);
	for (unsigned i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	for (unsigned i = 0; i < m->nconffiles; i++)
		free(m->conffiles[i]);
	free(m->executable);
	free(m->package);
	free(m->root);
	memset(m, 0, sizeof(*m));
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > APP_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool version_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > APP_VERSION_MAX)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

/* A source: relative, no "..", ending in .c or .S, printable. */
static const char *source_bad(const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (n < 3 || n > 255)
		return "not a file name of 3 to 255 bytes";
	for (p = s; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '\\')
			return "has a space, a backslash or a control byte";
	if (s[0] == '/')
		return "is not relative to the application's directory";
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return "leaves the application's directory";
	if (strcmp(s + n - 2, ".c") != 0 && strcmp(s + n - 2, ".S") != 0)
		return "is neither C (.c) nor assembly (.S)";
	return NULL;
}

struct reader {
	XLU_Config *x;
	struct scan *s;
};

/* get_str: key (k) as a string into (out) of (cap) bytes; 0 if absent. */
static int get_str(struct reader *r, enum key k, char *out, size_t cap)
{
	const char *v;

	if (!r->s->line[k])
		return 0;
	if (xlu_cfg_get_string(r->x, key_names[k], &v, 1) != 0)
		return lvm_errf(r->s->err, r->s->errlen, EINVAL,
				"%s:%u: '%s' must be a string", r->s->shown,
				r->s->line[k], key_names[k]);
	if (strlen(v) >= cap)
		return lvm_errf(r->s->err, r->s->errlen, EINVAL,
				"%s:%u: '%s' is longer than %zu bytes",
				r->s->shown, r->s->line[k], key_names[k],
				cap - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/*
 * get_list: key (k) as a list of strings, each copied into (out), at most
 * (max); (*n) their number.
 */
static int get_list(struct reader *r, enum key k, char **out, unsigned max,
		    unsigned *n)
{
	XLU_ConfigList *list;
	int count;

	*n = 0;
	if (!r->s->line[k])
		return 0;
	if (xlu_cfg_get_list(r->x, key_names[k], &list, &count, 1) != 0)
		return lvm_errf(r->s->err, r->s->errlen, EINVAL,
				"%s:%u: '%s' must be a list of strings, [ \"...\", ... ]",
				r->s->shown, r->s->line[k], key_names[k]);
	if (count < 0 || (unsigned)count > max)
		return lvm_errf(r->s->err, r->s->errlen, EINVAL,
				"%s:%u: '%s' has more than %u entries",
				r->s->shown, r->s->line[k], key_names[k], max);
	for (int i = 0; i < count; i++) {
		const char *v = xlu_cfg_get_listitem(list, i);

		if (!v)
			return lvm_errf(r->s->err, r->s->errlen, EINVAL,
					"%s:%u: '%s' entry %d is not a string",
					r->s->shown, r->s->line[k],
					key_names[k], i + 1);
		out[*n] = strdup(v);
		if (!out[*n])
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

static int check_sources(struct reader *r, struct app_manifest *m)
{
	struct scan *s = r->s;
	int rc;

	rc = get_list(r, K_SOURCES, m->sources, APP_SOURCES_MAX, &m->nsources);
	if (rc < 0)
		return rc;
	m->sources_line = s->line[K_SOURCES];
	if (m->nsources == 0)
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s:%u: 'sources' is empty", s->shown,
				s->line[K_SOURCES]);
	for (unsigned i = 0; i < m->nsources; i++) {
		const char *why = source_bad(m->sources[i]);

		for (unsigned j = 0; !why && j < i; j++)
			if (strcmp(m->sources[i], m->sources[j]) == 0)
				why = "is listed twice";
		if (why)
			return lvm_errf(s->err, s->errlen, EINVAL,
					"%s:%u: source \"%.64s\" %s", s->shown,
					s->line[K_SOURCES], m->sources[i], why);
	}
	return 0;
}

/* A directory under the application's: relative, printable, no "..". */
static bool rel_dir_ok(const char *s)
{
	const char *p;

	if (!s[0] || s[0] == '/' || strlen(s) > 255)
		return false;
	for (p = s; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '\\')
			return false;
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* A host path: absolute, printable, no "..". */
static bool host_path_ok(const char *p)
{
	const char *q;

	if (p[0] != '/' || strlen(p) > 1024)
		return false;
	for (q = p; *q; q++)
		if (*q < ' ' || *q > '~')
			return false;
	for (q = p; (q = strstr(q, "..")) != NULL; q += 2)
		if (q[-1] == '/' && (q[2] == '/' || q[2] == '\0'))
			return false;
	return true;
}

static int check_linux(struct reader *r, struct app_manifest *m)
{
	struct scan *s = r->s;
	char buf[1025];
	int rc;

	m->linux_vm = true;
	if (!s->line[K_EXECUTABLE])
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s: 'executable' is missing", s->shown);
	rc = get_str(r, K_EXECUTABLE, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	if (!host_path_ok(buf))
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s:%u: 'executable' must be an absolute path",
				s->shown, s->line[K_EXECUTABLE]);
	m->executable = strdup(buf);
	if (!m->executable)
		return -ENOMEM;
	if (s->line[K_PACKAGE]) {
		rc = get_str(r, K_PACKAGE, buf, 128);
		if (rc < 0)
			return rc;
		if (!buf[0] || strspn(buf, "abcdefghijklmnopqrstuvwxyz0123456789+-.") !=
				       strlen(buf))
			return lvm_errf(s->err, s->errlen, EINVAL,
					"%s:%u: 'package' is not a Debian package name",
					s->shown, s->line[K_PACKAGE]);
		m->package = strdup(buf);
		if (!m->package)
			return -ENOMEM;
	}
	rc = get_list(r, K_ARGS, m->args, APP_ARGS_MAX, &m->nargs);
	if (rc == 0)
		rc = get_list(r, K_ENV, m->env, APP_ARGS_MAX, &m->nenv);
	for (unsigned i = 0; rc == 0 && i < m->nenv; i++)
		if (!strchr(m->env[i], '=') || m->env[i][0] == '=')
			rc = lvm_errf(s->err, s->errlen, EINVAL,
				      "%s:%u: env entry \"%.64s\" is not NAME=VALUE",
				      s->shown, s->line[K_ENV], m->env[i]);
	if (rc == 0)
		rc = get_list(r, K_FILES, m->files, APP_FILES_MAX, &m->nfiles);
	m->files_line = s->line[K_FILES];
	for (unsigned i = 0; rc == 0 && i < m->nfiles; i++)
		if (!host_path_ok(m->files[i]))
			rc = lvm_errf(s->err, s->errlen, EINVAL,
				      "%s:%u: file \"%.64s\" is not an absolute path",
				      s->shown, s->line[K_FILES], m->files[i]);
	if (rc == 0 && s->line[K_CONFFILES] && !m->package)
		rc = lvm_errf(s->err, s->errlen, EINVAL,
			      "%s:%u: 'conffiles' names a package's files, and there is no 'package'",
			      s->shown, s->line[K_CONFFILES]);
	if (rc == 0)
		rc = get_list(r, K_CONFFILES, m->conffiles, APP_FILES_MAX,
			      &m->nconffiles);
	m->conffiles_line = s->line[K_CONFFILES];
	for (unsigned i = 0; rc == 0 && i < m->nconffiles; i++)
		if (!host_path_ok(m->conffiles[i]))
			rc = lvm_errf(s->err, s->errlen, EINVAL,
				      "%s:%u: conffile \"%.64s\" is not an absolute path",
				      s->shown, s->line[K_CONFFILES], m->conffiles[i]);
	if (rc == 0 && s->line[K_ROOT]) {
		rc = get_str(r, K_ROOT, buf, 256);
		if (rc == 0 && !rel_dir_ok(buf))
			rc = lvm_errf(s->err, s->errlen, EINVAL,
				      "%s:%u: 'root' must be a directory under the application's",
				      s->shown, s->line[K_ROOT]);
		if (rc == 0 && !(m->root = strdup(buf)))
			rc = -ENOMEM;
		m->root_line = s->line[K_ROOT];
	}
	return rc;
}

static int check(struct reader *r, struct app_manifest *m)
{
	struct scan *s = r->s;
	char *devs[8];
	unsigned ndevs = 0;
	long mem;
	int rc;

	if (!s->line[K_NAME])
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s: 'name' is missing", s->shown);
	if ((rc = get_str(r, K_NAME, m->name, sizeof(m->name))) < 0)
		return rc;
	if (!name_ok(m->name))
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s:%u: 'name' must be 1 to %d of a-z 0-9 _ -",
				s->shown, s->line[K_NAME], APP_NAME_MAX);
	strcpy(m->version, "0");
	if ((rc = get_str(r, K_VERSION, m->version, sizeof(m->version))) < 0)
		return rc;
	if (!version_ok(m->version))
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s:%u: 'version' must be 1 to %d printable bytes, no space",
				s->shown, s->line[K_VERSION], APP_VERSION_MAX);
	if ((rc = get_str(r, K_CMDLINE, m->cmdline, sizeof(m->cmdline))) < 0)
		return rc;
	if (s->keys == LINUX_KEYS)
		rc = check_linux(r, m);
	else if (!s->line[K_SOURCES])
		return lvm_errf(s->err, s->errlen, EINVAL,
				"%s: 'sources' is missing", s->shown);
	else
		rc = check_sources(r, m);
	if (rc < 0)
		return rc;
	rc = get_list(r, K_MODULES, m->modules, APP_MODULES_MAX, &m->nmodules);
	if (rc < 0)
		return rc;
	m->modules_line = s->line[K_MODULES];
	if (s->line[K_MEMORY]) {
		if (xlu_cfg_get_long(r->x, "memory", &mem, 1) != 0 ||
		    mem < APP_MEMORY_MIN || mem > APP_MEMORY_MAX)
			return lvm_errf(s->err, s->errlen, EINVAL,
					"%s:%u: 'memory' must be a number of MiB, %d to %d",
					s->shown, s->line[K_MEMORY],
					APP_MEMORY_MIN, APP_MEMORY_MAX);
		m->memory_mb = (uint32_t)mem;
	}
	rc = get_list(r, K_DEVICES, devs, 8, &ndevs);
	for (unsigned i = 0; i < ndevs; i++) {
		if (rc == 0 && strcmp(devs[i], "vif") == 0)
			m->devices |= APP_DEV_VIF;
		else if (rc == 0)
			rc = lvm_errf(s->err, s->errlen, EINVAL,
				      "%s:%u: unknown device \"%.32s\" (known: vif)",
				      s->shown, s->line[K_DEVICES], devs[i]);
		free(devs[i]);
	}
	return rc;
}

static int parse(const char *data, size_t len, const char *shown,
		 unsigned keys, struct app_manifest *m, char *err,
		 size_t errlen)
{
	struct scan s = { .keys = keys, .shown = shown, .err = err,
			  .errlen = errlen };
	struct reader r = { .s = &s };
	const char *what = "";
	char *mem = NULL, *nl;
	size_t memlen = 0;
	FILE *report = NULL;
	unsigned line = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	if (memchr(data, '\0', len))
		return lvm_errf(err, errlen, EINVAL, "%s: has a NUL byte",
				shown);
	rc = lvm_cfgkeys_scan(data, len, on_key, &s, &line, &what);
	if (rc == -EINVAL && line)
		return lvm_errf(err, errlen, EINVAL, "%s:%u: syntax error: %s",
				shown, line, what);
	if (rc < 0)
		return rc;
	report = open_memstream(&mem, &memlen);
	if (!report)
		return -ENOMEM;
	r.x = xlu_cfg_init(report, shown);
	if (!r.x) {
		rc = -ENOMEM;
		goto out;
	}
	if (xlu_cfg_readdata(r.x, data, (int)len) != 0) {
		fflush(report);
		nl = mem ? strchr(mem, '\n') : NULL;
		if (nl)
			*nl = '\0';
		rc = lvm_errf(err, errlen, EINVAL, "%s",
			      mem && *mem ? mem : "syntax error");
		goto out;
	}
	rc = check(&r, m);
out:
	if (r.x)
		xlu_cfg_destroy(r.x);
	fclose(report);
	free(mem);
	if (rc < 0)
		app_manifest_free(m);
	return rc;
}

int app_manifest_parse(const char *data, size_t len, const char *shown,
		       struct app_manifest *m, char *err, size_t errlen)
{
	return parse(data, len, shown, UNIKERNEL_KEYS, m, err, errlen);
}

int app_manifest_parse_linux(const char *data, size_t len, const char *shown,
			     struct app_manifest *m, char *err,
			     size_t errlen)
{
	return parse(data, len, shown, LINUX_KEYS, m, err, errlen);
}
