/*
 * spec.c — a bundle's config.json, as far as an lvm guest uses it: the
 * root fs (to find the image), process.args and env (the command line),
 * the memory limit and CPU quota (memory and vCPUs), the annotations.
 * Everything else in it (mounts, namespaces, capabilities, hooks) has no
 * meaning for a guest and is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "oci.h"
#include "toolstack/common/rootpath.h"

static void clear_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void oci_spec_clear(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root);
	clear_list(s->args);
	clear_list(s->env);
	free(s->image);
	free(s->annotations);
	free(s->cpus);
	memset(s, 0, sizeof(*s));
}

/* get: (obj).(key) of (type), or NULL when absent or null; a wrong type
 * is an error (-EINVAL, with the key's (what) in err). */
static int get(json_object *obj, const char *key, json_type type,
	       const char *what, json_object **out, char *err, size_t len)
{
	json_object *v = NULL;

	*out = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, type) &&
	    !(type == json_type_double &&
	      json_object_is_type(v, json_type_int))) {
		snprintf(err, len, "config.json: %s is not %s", what,
			 type == json_type_object    ? "an object"
			 : type == json_type_array   ? "an array"
			 : type == json_type_string  ? "a string"
			 : type == json_type_boolean ? "a boolean"
						     : "a number");
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* strings: a JSON array of strings as a NULL-terminated malloc'd list. */
static int strings(json_object *arr, const char *what, char ***out, size_t *n,
		   char *err, size_t len)
{
	size_t cnt = arr ? json_object_array_length(arr) : 0;
	char **v = calloc(cnt + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(e, json_type_string)) {
			snprintf(err, len,
				 "config.json: %s[%zu] is not a string", what,
				 i);
			clear_list(v);
			return -EINVAL;
		}
		v[i] = strdup(json_object_get_string(e));
		if (!v[i]) {
			clear_list(v);
			return -ENOMEM;
		}
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* number: a non-negative integer key into (*out) (absent: left alone). */
static int number(json_object *obj, const char *key, const char *what,
		  uint64_t *out, char *err, size_t len)
{
	json_object *v;
	int rc = get(obj, key, json_type_int, what, &v, err, len);
	int64_t x;

	if (rc < 0 || !v)
		return rc;
	errno = 0;
	x = json_object_get_int64(v);
	if (x < 0 || errno) {
		/* -1 is runc's "no limit" */
		if (x == -1)
			return 0;
		snprintf(err, len, "config.json: %s is negative or too large",
			 what);
		return -EINVAL;
	}
	*out = (uint64_t)x;
	return 0;
}

static int dup_str(json_object *v, char **out)
{
	if (!v)
		return 0;
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

static int parse_tree(const char *bundle, json_object *top, struct oci_spec *s,
		      char *err, size_t len)
{
	json_object *ver, *root, *path, *proc, *args, *env, *term, *ann, *img,
	    *cri;
	json_object *linux_, *res, *mem, *cpu, *cpus;
	int rc;

	if (!json_object_is_type(top, json_type_object)) {
		snprintf(err, len, "config.json: not a JSON object");
		return -EINVAL;
	}
	if ((rc = get(top, "ociVersion", json_type_string, "ociVersion", &ver,
		      err, len)) ||
	    (rc = dup_str(ver, &s->oci_version)))
		return rc;
	if ((rc =
		 get(top, "root", json_type_object, "root", &root, err, len)) ||
	    (rc = get(root, "path", json_type_string, "root.path", &path, err,
		      len)))
		return rc;
	if (!path || !json_object_get_string_len(path)) {
		snprintf(err, len,
			 "config.json: no root.path (the bundle's root file "
			 "system)");
		return -EINVAL;
	}
	if (json_object_get_string(path)[0] == '/')
		rc = asprintf(&s->root, "%s", json_object_get_string(path));
	else
		rc = asprintf(&s->root, "%s/%s", bundle,
			      json_object_get_string(path));
	if (rc < 0) {
		s->root = NULL;
		return -ENOMEM;
	}
	if ((rc = get(top, "process", json_type_object, "process", &proc, err,
		      len)) ||
	    (rc = get(proc, "args", json_type_array, "process.args", &args, err,
		      len)) ||
	    (rc = get(proc, "env", json_type_array, "process.env", &env, err,
		      len)) ||
	    (rc = get(proc, "terminal", json_type_boolean, "process.terminal",
		      &term, err, len)))
		return rc;
	if (!args || !json_object_array_length(args)) {
		snprintf(err, len, "config.json: no process.args");
		return -EINVAL;
	}
	if ((rc = strings(args, "process.args", &s->args, &s->nargs, err,
			  len)) ||
	    (rc = strings(env, "process.env", &s->env, &s->nenv, err, len)))
		return rc;
	s->terminal = term && json_object_get_boolean(term);
	if ((rc = get(top, "annotations", json_type_object, "annotations", &ann,
		      err, len)) ||
	    (rc = get(ann, OCI_ANNOT_IMAGE, json_type_string,
		      "annotations." OCI_ANNOT_IMAGE, &img, err, len)) ||
	    (rc = dup_str(img, &s->image)) ||
	    (rc = get(ann, OCI_ANNOT_CRI_TYPE, json_type_string,
		      "annotations." OCI_ANNOT_CRI_TYPE, &cri, err, len)))
		return rc;
	s->sandbox = cri && !strcmp(json_object_get_string(cri), "sandbox");
	if (ann && !(s->annotations = strdup(json_object_to_json_string_ext(
			 ann, JSON_C_TO_STRING_PLAIN))))
		return -ENOMEM;
	if ((rc = get(top, "linux", json_type_object, "linux", &linux_, err,
		      len)) ||
	    (rc = get(linux_, "resources", json_type_object, "linux.resources",
		      &res, err, len)) ||
	    (rc = get(res, "memory", json_type_object, "linux.resources.memory",
		      &mem, err, len)) ||
	    (rc = get(res, "cpu", json_type_object, "linux.resources.cpu", &cpu,
		      err, len)) ||
	    (rc = number(mem, "limit", "linux.resources.memory.limit",
			 &s->memory_limit, err, len)) ||
	    (rc = number(cpu, "quota", "linux.resources.cpu.quota",
			 &s->cpu_quota, err, len)) ||
	    (rc = number(cpu, "period", "linux.resources.cpu.period",
			 &s->cpu_period, err, len)) ||
	    (rc = get(cpu, "cpus", json_type_string, "linux.resources.cpu.cpus",
		      &cpus, err, len)) ||
	    (rc = dup_str(cpus, &s->cpus)))
		return rc;
	return 0;
}

int oci_spec_parse(const char *bundle, const char *json, struct oci_spec *s,
		   char *err, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *top;
	enum json_tokener_error jerr;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!tok)
		return -ENOMEM;
	top = json_tokener_parse_ex(tok, json, (int)strlen(json));
	jerr = json_tokener_get_error(tok);
	if (!top || jerr != json_tokener_success ||
	    json[json_tokener_get_parse_end(tok) +
		 strspn(json + json_tokener_get_parse_end(tok), " \t\r\n")]) {
		snprintf(err, len,
			 "config.json: not valid JSON (%s at byte %zu)",
			 jerr == json_tokener_success ? "text after the object"
			 : jerr == json_tokener_continue
			     ? "it ends early"
			     : json_tokener_error_desc(jerr),
			 json_tokener_get_parse_end(tok));
		json_object_put(top);
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);
	rc = parse_tree(bundle, top, s, err, len);
	json_object_put(top);
	if (rc == -ENOMEM)
		snprintf(err, len, "config.json: out of memory");
	if (rc < 0)
		oci_spec_clear(s);
	return rc;
}

int oci_spec_load(const char *bundle, struct oci_spec *s, char *err, size_t len)
{
	char path[PATH_MAX];
	struct stat sb;
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd, rc;

	memset(s, 0, sizeof(*s));
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >=
	    sizeof(path)) {
		snprintf(err, len, "bundle path too long");
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, len, "cannot read %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > OCI_CONFIG_MAX) {
		snprintf(err, len, "%s: not a regular file of at most %u bytes",
			 path, OCI_CONFIG_MAX);
		close(fd);
		return -EINVAL;
	}
	text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)sb.st_size &&
	       (n = read(fd, text + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	text[got] = '\0';
	if (strlen(text) != got) {
		snprintf(err, len, "%s: has a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	rc = oci_spec_parse(bundle, text, s, err, len);
	free(text);
	return rc;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && strcmp(s + n - t, tail) == 0;
}

/* has_dotdot: (p) has a ".." component. */
static bool has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")); c += 2)
		if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

int oci_spec_image(const struct oci_spec *s, char *path, size_t pathlen,
		   size_t *skip, char *err, size_t len)
{
	char root[PATH_MAX], joined[PATH_MAX * 2], real[PATH_MAX];
	const char *want, *from;
	struct stat sb;
	size_t rl;

	*skip = 0;
	if (!realpath(s->root, root) || stat(root, &sb) < 0 ||
	    !S_ISDIR(sb.st_mode)) {
		snprintf(
		    err, len,
		    "no root file system at %s: the bundle has no lvm image",
		    LVM_ESCAPED(s->root, 200));
		return -ENOENT;
	}
	if (s->image) {
		want = s->image;
		from = "the " OCI_ANNOT_IMAGE " annotation";
	} else if (s->nargs && ends_with(s->args[0], ".xen")) {
		want = s->args[0];
		from = "process.args[0]";
		*skip = 1;
	} else {
		want = OCI_DEFAULT_IMAGE;
		from = NULL;
	}
	if (!*want || has_dotdot(want)) {
		snprintf(
		    err, len,
		    "image '%s' of %s: not a path inside the root file system",
		    LVM_ESCAPED(want, 200), from ? from : "the bundle");
		return -EINVAL;
	}
	snprintf(joined, sizeof(joined), "%s/%s", root,
		 want + strspn(want, "/"));
	if (!realpath(joined, real) || stat(real, &sb) < 0) {
		if (from)
			snprintf(
			    err, len,
			    "image '%s' of %s: not in the root file system",
			    LVM_ESCAPED(want, 200), from);
		else
			snprintf(err, len,
				 "no lvm image in the bundle: no %s in its "
				 "root file system, no " OCI_ANNOT_IMAGE
				 " annotation, no .xen in process.args[0] "
				 "(a root file system alone cannot run as an "
				 "lvm guest yet)",
				 OCI_DEFAULT_IMAGE);
		return -ENOENT;
	}
	rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && rl > 1)) {
		snprintf(err, len,
			 "image '%s' of %s: leads out of the root file system",
			 LVM_ESCAPED(want, 200), from ? from : "the bundle");
		return -EINVAL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, len, "image '%s' of %s: not a regular file",
			 LVM_ESCAPED(want, 200), from ? from : "the bundle");
		return -EINVAL;
	}
	if ((size_t)snprintf(path, pathlen, "%s", real) >= pathlen) {
		snprintf(err, len, "image path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

bool oci_spec_names_image(const struct oci_spec *s)
{
	return s->image || (s->nargs && ends_with(s->args[0], ".xen"));
}

/* program_at: (cand), a path inside (root), is an executable regular
 * file there (its links followed inside the root fs). */
static bool program_at(const char *root, const char *cand)
{
	char in[PATH_MAX], host[PATH_MAX * 2];
	struct stat sb;

	return lvm_root_resolve(root, cand, in, sizeof(in)) == 0 &&
	       (size_t)snprintf(host, sizeof(host), "%s%s", root, in) <
		   sizeof(host) &&
	       stat(host, &sb) == 0 && S_ISREG(sb.st_mode) &&
	       (sb.st_mode & 0111);
}

int oci_spec_program(const struct oci_spec *s, char *path, size_t pathlen,
		     char *err, size_t len)
{
	const char *dirs = OCI_DEFAULT_PATH, *a0;
	char root[PATH_MAX], list[PATH_MAX], cand[PATH_MAX], *d, *save = NULL;

	if (!realpath(s->root, root) || strlen(root) <= 1) {
		snprintf(err, len,
			 "no lvm image in the bundle, and no root file system "
			 "at %s to make a Linux VM of",
			 LVM_ESCAPED(s->root, 200));
		return -ENOENT;
	}
	a0 = s->nargs ? s->args[0] : "";
	if (!*a0 || strlen(a0) >= PATH_MAX - 2) {
		snprintf(err, len,
			 "no lvm image in the bundle, and no program in "
			 "process.args[0] to make a Linux VM of");
		return -EINVAL;
	}
	if (strchr(a0, '/')) {
		snprintf(cand, sizeof(cand), "%s%s", a0[0] == '/' ? "" : "/",
			 a0);
		if (program_at(root, cand))
			goto found;
	} else {
		for (size_t i = 0; i < s->nenv; i++)
			if (!strncmp(s->env[i], "PATH=", 5))
				dirs = s->env[i] + 5;
		snprintf(list, sizeof(list), "%s", dirs);
		for (d = strtok_r(list, ":", &save); d;
		     d = strtok_r(NULL, ":", &save))
			if (d[0] == '/' &&
			    (size_t)snprintf(cand, sizeof(cand), "%s/%s", d,
					     a0) < sizeof(cand) &&
			    program_at(root, cand))
				goto found;
	}
	snprintf(err, len,
		 "no lvm image in the bundle (no " OCI_DEFAULT_IMAGE
		 ", no " OCI_ANNOT_IMAGE " annotation, no .xen in "
		 "process.args[0]), and no program '%s' in its root file "
		 "system to make a Linux VM of",
		 LVM_ESCAPED(a0, 200));
	return -ENOENT;
found:
	if ((size_t)snprintf(path, pathlen, "%s", cand) >= pathlen) {
		snprintf(err, len, "program path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* manifest_str: (w) as a manifest's quoted string at (*at); -EINVAL for
 * what the manifest cannot carry, -ENOSPC when (buf) is full. */
static int manifest_str(const char *w, char *buf, size_t buflen, size_t *at)
{
	int n;

	for (const char *c = w; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '"' ||
		    *c == '\\')
			return -EINVAL;
	n = snprintf(buf + *at, buflen - *at, "\"%s\"", w);
	if (n < 0 || (size_t)n >= buflen - *at)
		return -ENOSPC;
	*at += (size_t)n;
	return 0;
}

int oci_spec_linux_manifest(const struct oci_spec *s, const char *program,
			    char *buf, size_t buflen, char *err, size_t len)
{
	size_t at;
	int rc;

	(void)s;
	at = (size_t)snprintf(buf, buflen,
			      "# a Linux VM of a container's root file system "
			      "(lightvm-oci)\nname = \"" OCI_LINUX_NAME
			      "\"\nexecutable = ");
	if (at >= buflen)
		return -ENOSPC;
	rc = manifest_str(program, buf, buflen, &at);
	if (rc == 0 && at + 2 > buflen)
		rc = -ENOSPC;
	if (rc == 0)
		at += (size_t)snprintf(buf + at, buflen - at, "\n");
	else if (rc == -EINVAL)
		snprintf(err, len, "program '%s': a character a Linux VM's "
			 "manifest cannot carry", LVM_ESCAPED(program, 200));
	else
		snprintf(err, len, "program path too long");
	return rc;
}

/* nul_words: (v, n) as NUL-ended words into (buf) at (*at). */
static int nul_words(const char *key, char *const *v, size_t n, char *buf,
		     size_t buflen, size_t *at, char *err, size_t len)
{
	if (n > OCI_LINUX_ARGS_MAX) {
		snprintf(err, len, "%s: over %u words, more than a Linux VM's "
			 "init takes", key, OCI_LINUX_ARGS_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		if (l > buflen - *at) {
			snprintf(err, len, "process.args and env: over %zu "
				 "bytes, more than a Linux VM's init takes",
				 buflen);
			return -E2BIG;
		}
		memcpy(buf + *at, v[i], l);
		*at += l;
	}
	return 0;
}

int oci_spec_linux_argv(const struct oci_spec *s, const char *program,
			char *argv, size_t *argvlen, char *env, size_t *envlen,
			char *err, size_t len)
{
	char *const p[1] = {(char *)program};
	size_t a = 0, e = 0;
	int rc;

	if (s->nargs > OCI_LINUX_ARGS_MAX) {
		snprintf(err, len, "process.args: over %u words, more than a "
			 "Linux VM's init takes", OCI_LINUX_ARGS_MAX);
		return -EINVAL;
	}
	rc = nul_words("process.args", p, 1, argv, OCI_LINUX_WORDS_MAX, &a,
		       err, len) ?:
	     nul_words("process.args", s->args + 1,
		       s->nargs ? s->nargs - 1 : 0, argv, OCI_LINUX_WORDS_MAX,
		       &a, err, len) ?:
	     nul_words("process.env", s->env, s->nenv, env,
		       OCI_LINUX_WORDS_MAX, &e, err, len);
	*argvlen = a;
	*envlen = e;
	return rc;
}

uint64_t oci_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* word: append (w) to (buf) at (*at), quoted when needed. */
static int word(const char *w, char *buf, size_t buflen, size_t *at)
{
	bool quote = !*w || strpbrk(w, " \t\"\\") != NULL;
	size_t need = strlen(w) + (quote ? 2 : 0) + (*at ? 1 : 0);

	for (const char *c = w; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
		if (quote && (*c == '"' || *c == '\\'))
			need++;
	}
	if (*at + need + 1 > buflen)
		return -E2BIG;
	if (*at)
		buf[(*at)++] = ' ';
	if (quote)
		buf[(*at)++] = '"';
	for (const char *c = w; *c; c++) {
		if (quote && (*c == '"' || *c == '\\'))
			buf[(*at)++] = '\\';
		buf[(*at)++] = *c;
	}
	if (quote)
		buf[(*at)++] = '"';
	buf[*at] = '\0';
	return 0;
}

int oci_spec_cmdline(const struct oci_spec *s, size_t skip, char *buf,
		     size_t buflen, char *err, size_t len)
{
	size_t at = 0, lim = buflen < OCI_CMDLINE_MAX + 1 ? buflen
							  : OCI_CMDLINE_MAX + 1;
	int rc = 0;

	buf[0] = '\0';
	for (size_t i = skip; i < s->nargs && !rc; i++)
		if ((rc = word(s->args[i], buf, lim, &at)) == -EINVAL)
			snprintf(err, len,
				 "process.args[%zu] has a control character",
				 i);
	for (size_t i = 0; i < s->nenv && !rc; i++)
		if ((rc = word(s->env[i], buf, lim, &at)) == -EINVAL)
			snprintf(err, len,
				 "process.env[%zu] has a control character", i);
	if (rc == -E2BIG)
		snprintf(
		    err, len,
		    "process.args and env make a command line over %u bytes",
		    OCI_CMDLINE_MAX);
	if (rc)
		buf[0] = '\0';
	return rc;
}

int oci_spec_memory_mb(const struct oci_spec *s, uint32_t *mb, char *err,
		       size_t len)
{
	uint64_t m;

	if (!s->memory_limit) {
		*mb = LVM_DEFAULT_MEMORY_MB;
		return 0;
	}
	m = s->memory_limit / (1024 * 1024) +
	    (s->memory_limit % (1024 * 1024) != 0);
	if (m < LVM_MIN_MEMORY_MB || m > LVM_MAX_MEMORY_MB) {
		snprintf(err, len,
			 "memory limit of %llu bytes: an lvm guest has %u MiB "
			 "to %u MiB",
			 (unsigned long long)s->memory_limit, LVM_MIN_MEMORY_MB,
			 LVM_MAX_MEMORY_MB);
		return -EINVAL;
	}
	*mb = (uint32_t)m;
	return 0;
}

/* count_cpus: the CPUs of a list like "0-3,5"; -1 when it is not one. */
static long count_cpus(const char *l)
{
	long n = 0;
	const char *p = l;

	while (*p) {
		char *e;
		unsigned long a = strtoul(p, &e, 10), b = a;

		if (e == p || a > 65535)
			return -1;
		p = e;
		if (*p == '-') {
			b = strtoul(++p, &e, 10);
			if (e == p || b < a || b > 65535)
				return -1;
			p = e;
		}
		n += (long)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return n;
}

int oci_spec_vcpus(const struct oci_spec *s, uint32_t *vcpus, char *err,
		   size_t len)
{
	uint64_t v = LVM_DEFAULT_VCPUS;

	if (s->cpu_quota && s->cpu_period)
		v = s->cpu_quota / s->cpu_period +
		    (s->cpu_quota % s->cpu_period != 0);
	else if (s->cpus && *s->cpus) {
		long n = count_cpus(s->cpus);

		if (n < 1) {
			snprintf(
			    err, len,
			    "linux.resources.cpu.cpus '%s': not a CPU list",
			    LVM_ESCAPED(s->cpus, 64));
			return -EINVAL;
		}
		v = (uint64_t)n;
	}
	if (v > LVM_MAX_VCPUS) {
		snprintf(err, len,
			 "%llu vCPUs asked: an lvm guest has at most %u",
			 (unsigned long long)v, LVM_MAX_VCPUS);
		return -EINVAL;
	}
	*vcpus = (uint32_t)v;
	return 0;
}

static bool id_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' ||
	       c == '-';
}

int oci_id_check(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (!n || n > OCI_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!id_byte(id[i]))
			return -EINVAL;
	return 0;
}

void oci_guest_name(const char *id, char out[LVM_NAME_MAX + 1])
{
	size_t pre = strlen(OCI_NAME_PREFIX), n = strlen(id), k = 0;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	snprintf(out, LVM_NAME_MAX + 1, "%s%s", OCI_NAME_PREFIX, id);
	if (n + pre <= LVM_NAME_MAX && lvm_name_check(out) == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)id[i];
		h *= 1099511628211ull;
	}
	memcpy(out, OCI_NAME_PREFIX, pre);
	for (size_t i = 0; i < n && k < 42; i++)
		if (id[i] != '+')
			out[pre + k++] = id[i];
	snprintf(out + pre + k, LVM_NAME_MAX + 1 - pre - k, "-%016llx",
		 (unsigned long long)h);
}
