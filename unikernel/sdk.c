/*
 * sdk.c — finding the SDK and reading its tables (sdk.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "sdk.h"
#include "toolstack/common/errf.h"

static bool is_sdk(const char *dir)
{
	char p[PATH_MAX];

	return snprintf(p, sizeof(p), "%s/modules", dir) < (int)sizeof(p) &&
	       access(p, R_OK) == 0;
}

/* find: the SDK's directory into (s->dir). */
static int find(struct sdk *s, const char *dir, char *err, size_t errlen)
{
	char self[PATH_MAX], *d;
	const char *tries[] = { "../sdk", "../lib/lvm/sdk" };
	ssize_t n;

	if (!dir)
		dir = getenv("LVM_SDK");
	if (dir) {
		if (!realpath(dir, s->dir) || !is_sdk(s->dir))
			return lvm_errf(err, errlen, ENOENT,
					"%s is not an lvm build SDK (no modules table)",
					dir);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return lvm_errf(err, errlen, errno, "cannot find this program: %s",
				strerror(errno));
	self[n] = '\0';
	d = dirname(self);
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/%s", d, tries[i]);
		if (realpath(p, s->dir) && is_sdk(s->dir))
			return 0;
	}
	return lvm_errf(err, errlen, ENOENT,
			"no SDK next to %s (../sdk, ../lib/lvm/sdk): run make, or give --sdk DIR",
			d);
}

static void module_free(struct sdk_module *m)
{
	for (unsigned i = 0; i < m->nobjs; i++)
		free(m->objs[i]);
	for (unsigned i = 0; i < m->nrequires; i++)
		free(m->requires[i]);
	memset(m, 0, sizeof(*m));
}

void sdk_close(struct sdk *s)
{
	for (unsigned i = 0; i < s->nmods; i++)
		module_free(&s->mods[i]);
	for (unsigned i = 0; i < s->ncflags; i++)
		free(s->cflags[i]);
	s->nmods = s->ncflags = 0;
}

/* One line of the module table, split in place. */
static int module_line(struct sdk *s, char *line, unsigned no, char *err,
		       size_t errlen)
{
	struct sdk_module *m;
	bool req = false;
	char *tok, *save = NULL;

	tok = strtok_r(line, " \t", &save);
	if (!tok)
		return 0;
	if (s->nmods == SDK_MODULES_MAX || strlen(tok) >= sizeof(m->name))
		return lvm_errf(err, errlen, EINVAL, "%u: too many modules, or a name too long",
				no);
	if (sdk_module(s, tok))
		return lvm_errf(err, errlen, EINVAL, "%u: module %s twice", no, tok);
	m = &s->mods[s->nmods++];
	strcpy(m->name, tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char **slot;

		if (strcmp(tok, "<") == 0) {
			req = true;
			continue;
		}
		if (req ? m->nrequires == SDK_MODULES_MAX : m->nobjs == SDK_OBJS_MAX)
			return lvm_errf(err, errlen, EINVAL, "%u: too many entries", no);
		slot = req ? &m->requires[m->nrequires++] : &m->objs[m->nobjs++];
		*slot = strdup(tok);
		if (!*slot)
			return -ENOMEM;
	}
	return 0;
}

int sdk_modules_parse(struct sdk *s, const char *text, size_t len, char *err,
		      size_t errlen)
{
	char *copy = strndup(text, len), *line, *save = NULL, *hash;
	unsigned no = 0;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	/* strtok_r would merge empty lines: count them by hand. */
	for (line = copy; line && rc == 0; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		no++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		rc = module_line(s, line, no, err, errlen);
	}
	free(copy);
	if (rc == 0 && !sdk_module(s, "core"))
		rc = lvm_errf(err, errlen, EINVAL, "no core module");
	for (unsigned i = 0; rc == 0 && i < s->nmods; i++)
		for (unsigned j = 0; rc == 0 && j < s->mods[i].nrequires; j++)
			if (!sdk_module(s, s->mods[i].requires[j]))
				rc = lvm_errf(err, errlen, EINVAL,
					      "module %s requires %s, which is not in the table",
					      s->mods[i].name, s->mods[i].requires[j]);
	return rc;
}

const struct sdk_module *sdk_module(const struct sdk *s, const char *name)
{
	for (unsigned i = 0; i < s->nmods; i++)
		if (strcmp(s->mods[i].name, name) == 0)
			return &s->mods[i];
	return NULL;
}

static void mark(const struct sdk *s, unsigned i, bool *on)
{
	if (on[i])
		return;
	on[i] = true;
	for (unsigned j = 0; j < s->mods[i].nrequires; j++)
		mark(s, (unsigned)(sdk_module(s, s->mods[i].requires[j]) - s->mods),
		     on);
}

int sdk_closure(const struct sdk *s, char *const *names, unsigned n,
		bool *on, unsigned *bad)
{
	memset(on, 0, s->nmods * sizeof(*on));
	for (unsigned i = 0; i < n; i++)
		if (!sdk_module(s, names[i])) {
			*bad = i;
			return -ENOENT;
		}
	mark(s, (unsigned)(sdk_module(s, "core") - s->mods), on);
	for (unsigned i = 0; i < n; i++)
		mark(s, (unsigned)(sdk_module(s, names[i]) - s->mods), on);
	return 0;
}

/* cflags: the SDK's flags, placeholders replaced. */
static int read_cflags(struct sdk *s, const char *text, char *err,
		       size_t errlen)
{
	char gccinc[PATH_MAX] = "", *copy = strdup(text), *line, *save = NULL;
	FILE *p;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	p = popen("${CC:-cc} -print-file-name=include", "r");
	if (p) {
		if (!fgets(gccinc, sizeof(gccinc), p))
			gccinc[0] = '\0';
		pclose(p);
	}
	gccinc[strcspn(gccinc, "\n")] = '\0';
	if (!gccinc[0]) {
		free(copy);
		return lvm_errf(err, errlen, ENOENT,
				"cannot ask the C compiler (cc) where its headers are: is gcc installed?");
	}
	for (line = strtok_r(copy, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char buf[PATH_MAX * 2];
		const char *rest = line, *pre = "";

		if (!*line)
			continue;
		if (s->ncflags == SDK_CFLAGS_MAX) {
			rc = lvm_errf(err, errlen, EINVAL, "%s/cflags: too many flags",
				      s->dir);
			break;
		}
		if (strncmp(line, "@SDK@", 5) == 0)
			pre = s->dir, rest = line + 5;
		else if (strncmp(line, "-I@SDK@", 7) == 0) {
			snprintf(buf, sizeof(buf), "-I%s%s", s->dir, line + 7);
			rest = NULL;
		} else if (strcmp(line, "@GCCINC@") == 0)
			pre = gccinc, rest = "";
		if (rest)
			snprintf(buf, sizeof(buf), "%s%s", pre, rest);
		s->cflags[s->ncflags] = strdup(buf);
		if (!s->cflags[s->ncflags++])
			rc = -ENOMEM;
	}
	free(copy);
	return rc;
}

int sdk_find(struct sdk *s, const char *dir, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return find(s, dir, err, errlen);
}

int sdk_open(struct sdk *s, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], *text = NULL;
	size_t len;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = find(s, dir, err, errlen);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/modules", s->dir);
	rc = app_slurp(path, 65536, &text, &len);
	if (rc == 0) {
		char why[200];

		rc = sdk_modules_parse(s, text, len, why, sizeof(why));
		if (rc == -EINVAL)
			lvm_errf(err, errlen, EINVAL, "%s:%s", path, why);
		free(text);
	}
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/cflags", s->dir);
		rc = app_slurp(path, 65536, &text, &len);
		if (rc == 0) {
			rc = read_cflags(s, text, err, errlen);
			free(text);
		}
	}
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/stamp", s->dir);
		rc = app_slurp(path, 65536, &text, &len);
		if (rc == 0) {
			snprintf(s->stamp, sizeof(s->stamp), "%.*s",
				 (int)strcspn(text, " \n"), text);
			free(text);
		}
	}
	if (rc < 0 && rc != -EINVAL && !(err && *err))
		lvm_errf(err, errlen, -rc, "%s: %s", path, strerror(-rc));
	if (rc < 0)
		sdk_close(s);
	return rc;
}

bool sdk_symbol_module(const struct sdk *s, const char *sym, char *out,
		       size_t cap)
{
	char path[PATH_MAX + 16], line[256], name[200], mod[40];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/symbols", s->dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%199s %39s", name, mod) == 2 &&
		    strcmp(name, sym) == 0) {
			snprintf(out, cap, "%s", mod);
			found = true;
		}
	fclose(f);
	return found;
}
