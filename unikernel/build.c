/*
 * build.c — one application directory made into one image (build.h):
 * the manifest read, the modules resolved against the SDK, a build id
 * computed from every input, and, unless the image already carries that
 * id, the sources compiled, the application note written, everything
 * linked with section garbage collection and stripped, in a temporary
 * directory renamed into place at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "appnote.h"
#include "build.h"
#include "file.h"
#include "manifest.h"
#include "sdk.h"
#include "toolstack/common/errf.h"

extern char **environ;

#define CFG_MAX (64u * 1024)
#define SRC_MAX (16u * 1024 * 1024)
#define ARGV_MAX (SDK_CFLAGS_MAX + APP_SOURCES_MAX + SDK_MODULES_MAX * SDK_OBJS_MAX + 32)

struct job {
	const struct build_opts *o;
	char dir[PATH_MAX];          /* the application's, absolute */
	char cfg_path[PATH_MAX + 16];
	char *cfg;
	size_t cfglen;
	struct app_manifest m;
	struct sdk sdk;
	bool on[SDK_MODULES_MAX];
	char id[APP_BUILD_ID_HEX + 1];
	char outdir[PATH_MAX];
	char image[PATH_MAX + 64];   /* OUT/NAME.xen */
	char tmp[PATH_MAX + 64];     /* OUT/.NAME.XXXXXX, "" when none */
	char *argv[ARGV_MAX];
	unsigned argc;
	char *owned[ARGV_MAX];       /* the argv strings to free */
	unsigned nowned;
};

/* ---- the command lines ---- */

static void args_reset(struct job *j)
{
	for (unsigned i = 0; i < j->nowned; i++)
		free(j->owned[i]);
	j->argc = j->nowned = 0;
}

static void arg(struct job *j, const char *a)
{
	if (j->argc < ARGV_MAX - 1)
		j->argv[j->argc++] = (char *)a;
}

__attribute__((format(printf, 2, 3)))
static void argf(struct job *j, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s && j->nowned < ARGV_MAX && j->argc < ARGV_MAX - 1) {
		j->owned[j->nowned++] = s;
		j->argv[j->argc++] = s;
	} else {
		free(s);
	}
}

/*
 * run: the command in (j->argv); its stderr to ours, or into the file
 * (errfile) when not NULL. Returns its exit status, or -errno.
 */
static int run(struct job *j, const char *errfile)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	j->argv[j->argc] = NULL;
	if (j->o->verbose) {
		for (unsigned i = 0; i < j->argc; i++)
			fprintf(stderr, "%s%s", i ? " " : "  ", j->argv[i]);
		fputc('\n', stderr);
	}
	posix_spawn_file_actions_init(&fa);
	if (errfile)
		posix_spawn_file_actions_addopen(&fa, 2, errfile,
						 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&pid, j->argv[0], &fa, NULL, j->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -rc;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char *cc(void)
{
	const char *c = getenv("CC");

	return c && *c ? c : "cc";
}

/* ---- the build id ---- */

static void hash_str(struct sha256_ctx *h, const char *s)
{
	sha256_update(h, strlen(s) + 1, (const uint8_t *)s);
}

/* The compiler's identity: its --version line. */
static void hash_cc(struct sha256_ctx *h)
{
	char cmd[PATH_MAX], line[256] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s --version 2>/dev/null", cc());
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
	}
	hash_str(h, line);
}

static int build_id(struct job *j, char *err, size_t errlen)
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	char path[PATH_MAX * 2], *src;
	size_t len;
	int rc;

	sha256_init(&h);
	hash_str(&h, "lvm build 1");
	sha256_update(&h, j->cfglen, (const uint8_t *)j->cfg);
	for (unsigned i = 0; i < j->m.nsources; i++) {
		snprintf(path, sizeof(path), "%s/%s", j->dir, j->m.sources[i]);
		rc = app_slurp(path, SRC_MAX, &src, &len);
		if (rc < 0)
			return lvm_errf(err, errlen, -rc, "%s:%u: source %s: %s",
					j->cfg_path, j->m.sources_line,
					j->m.sources[i], strerror(-rc));
		hash_str(&h, j->m.sources[i]);
		sha256_update(&h, len, (const uint8_t *)src);
		free(src);
	}
	hash_str(&h, j->sdk.stamp);
	for (unsigned i = 0; i < j->sdk.ncflags; i++)
		hash_str(&h, j->sdk.cflags[i]);
	hash_cc(&h);
	sha256_digest(&h, sizeof(d), d);
	for (unsigned i = 0; i < sizeof(d); i++)
		sprintf(j->id + 2 * i, "%02x", d[i]);
	return 0;
}

/* ---- reading an image back ---- */

/* image_note: the application note of the image at (path) into (n). */
static int image_note(const char *path, struct app_note *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -ENOENT;
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && rc == -ENOENT && (scn = elf_nextscn(e, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && rc == -ENOENT &&
		       (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const char *why;

			if (nh.n_type != APP_NOTE_TYPE ||
			    nh.n_namesz != sizeof(APP_NOTE_NAME) ||
			    memcmp((char *)data->d_buf + noff, APP_NOTE_NAME,
				   sizeof(APP_NOTE_NAME)) != 0)
				continue;
			rc = app_note_parse((char *)data->d_buf + doff,
					    nh.n_descsz, n, &why);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

/* report: the image's sizes, on stdout. */
static void report(struct job *j, bool fresh)
{
	uint64_t text = 0, ro = 0, data = 0, bss = 0;
	int fd = open(j->image, O_RDONLY | O_CLOEXEC);
	struct stat st;
	Elf *e = NULL;
	size_t n = 0;

	if (j->o->quiet || fd < 0 || fstat(fd, &st) < 0)
		goto out;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_getphdrnum(e, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			if (ph.p_flags & PF_X)
				text += ph.p_filesz;
			else if (ph.p_flags & PF_W)
				data += ph.p_filesz, bss += ph.p_memsz - ph.p_filesz;
			else
				ro += ph.p_filesz;
		}
	printf("%s: %s, %lld bytes (%.1f KiB): text %llu, rodata %llu, data %llu, bss %llu\n",
	       j->image, fresh ? "built" : "up to date", (long long)st.st_size,
	       st.st_size / 1024.0, (unsigned long long)text,
	       (unsigned long long)ro, (unsigned long long)data,
	       (unsigned long long)bss);
	printf("  %s %s, build id %.16s, modules:", j->m.name, j->m.version,
	       j->id);
	for (unsigned i = 0; i < j->sdk.nmods; i++)
		if (j->on[i])
			printf(" %s", j->sdk.mods[i].name);
	printf("\n");
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
}

/* ---- compiling and linking ---- */

static void base_cflags(struct job *j)
{
	arg(j, cc());
	for (unsigned i = 0; i < j->sdk.ncflags; i++)
		arg(j, j->sdk.cflags[i]);
	arg(j, "-ffunction-sections");
	arg(j, "-fdata-sections");
	argf(j, "-ffile-prefix-map=%s=%s", j->dir, j->m.name);
	argf(j, "-I%s", j->dir);
	/* A module that brings an archive (@NAME) brings its headers too. */
	for (unsigned i = 0; i < j->sdk.nmods; i++)
		for (unsigned k = 0; j->on[i] && k < j->sdk.mods[i].nobjs; k++)
			if (j->sdk.mods[i].objs[k][0] == '@')
				argf(j, "-I%s/include-%s", j->sdk.dir,
				     j->sdk.mods[i].objs[k] + 1);
}

static int compile(struct job *j, char *err, size_t errlen)
{
	int rc;

	for (unsigned i = 0; i < j->m.nsources; i++) {
		const char *s = j->m.sources[i];

		args_reset(j);
		base_cflags(j);
		argf(j, "-frandom-seed=%s/%s", j->m.name, s);
		if (strcmp(s + strlen(s) - 2, ".S") == 0)
			arg(j, "-D__ASSEMBLY__");
		arg(j, "-c");
		arg(j, "-o");
		argf(j, "%s/%u.o", j->tmp, i);
		argf(j, "%s/%s", j->dir, s);
		rc = run(j, NULL);
		if (rc != 0)
			return lvm_errf(err, errlen, rc < 0 ? -rc : EINVAL,
					"%s: %s did not compile%s", j->m.name, s,
					rc < 0 ? " (cannot run the C compiler)" : "");
	}
	return 0;
}

static int note(struct job *j, char *err, size_t errlen)
{
	struct app_note n = { .memory_mb = j->m.memory_mb,
			      .devices = j->m.devices };
	char desc[APP_NOTE_DESC_MAX + 1], path[PATH_MAX + 80];
	FILE *f;
	int len, rc;

	snprintf(n.name, sizeof(n.name), "%s", j->m.name);
	snprintf(n.version, sizeof(n.version), "%s", j->m.version);
	snprintf(n.build_id, sizeof(n.build_id), "%s", j->id);
	snprintf(n.cmdline, sizeof(n.cmdline), "%s", j->m.cmdline);
	len = app_note_desc(&n, desc, sizeof(desc));
	if (len < 0)
		return lvm_errf(err, errlen, -len, "%s: the application note does not fit",
				j->m.name);
	snprintf(path, sizeof(path), "%s/appnote.S", j->tmp);
	f = fopen(path, "we");
	if (!f)
		return lvm_errf(err, errlen, errno, "%s: %s", path, strerror(errno));
	rc = app_note_asm(desc, (size_t)len, f);
	if (fclose(f) != 0 || rc < 0)
		return lvm_errf(err, errlen, EIO, "%s: cannot write it", path);
	args_reset(j);
	arg(j, cc());
	arg(j, "-c");
	arg(j, "-o");
	argf(j, "%s/appnote.o", j->tmp);
	arg(j, path);
	rc = run(j, NULL);
	return rc ? lvm_errf(err, errlen, EINVAL, "%s: the application note did not assemble",
			     j->m.name) : 0;
}

/* explain: the first undefined symbol in the linker's messages (file),
 * told as the module that has it, into (err). */
static int explain(struct job *j, const char *file, char *err, size_t errlen)
{
	char line[512], mod[40], sym[200];
	const char *p, *q;
	FILE *f = fopen(file, "re");
	int rc = lvm_errf(err, errlen, EINVAL, "%s: the image did not link",
			  j->m.name);

	while (f && fgets(line, sizeof(line), f)) {
		fputs(line, stderr);
		p = strstr(line, "undefined reference to `");
		if (!p || rc != -EINVAL || strstr(err, "uses"))
			continue;
		p += strlen("undefined reference to `");
		q = strchr(p, '\'');
		if (!q || q - p >= (long)sizeof(sym))
			continue;
		snprintf(sym, sizeof(sym), "%.*s", (int)(q - p), p);
		if (sdk_symbol_module(&j->sdk, sym, mod, sizeof(mod)))
			lvm_errf(err, errlen, EINVAL,
				 "%s: it uses %s of libos module '%s', which %s does not name in 'modules'",
				 j->m.name, sym, mod, j->cfg_path);
		else
			lvm_errf(err, errlen, EINVAL,
				 "%s: the image did not link: %s is defined nowhere",
				 j->m.name, sym);
	}
	if (f)
		fclose(f);
	return rc;
}

static int link_image(struct job *j, char *err, size_t errlen)
{
	char errfile[PATH_MAX + 80];
	int rc;

	args_reset(j);
	arg(j, cc());
	arg(j, "-nostdlib");
	arg(j, "-static");
	arg(j, "-no-pie");
	argf(j, "-Wl,-T,%s/lib/libos.ld", j->sdk.dir);
	arg(j, "-Wl,--build-id=none");
	arg(j, "-Wl,--gc-sections");
	arg(j, "-Wl,--strip-all");
	arg(j, "-o");
	argf(j, "%s/%s.xen", j->tmp, j->m.name);
	argf(j, "%s/lib/start.o", j->sdk.dir);
	for (unsigned i = 0; i < j->m.nsources; i++)
		argf(j, "%s/%u.o", j->tmp, i);
	argf(j, "%s/appnote.o", j->tmp);
	for (unsigned i = 0; i < j->sdk.nmods; i++) {
		const struct sdk_module *m = &j->sdk.mods[i];

		if (!j->on[i])
			continue;
		for (unsigned k = 0; k < m->nobjs; k++) {
			char obj[64], *s;

			if (m->objs[k][0] == '@') {
				argf(j, "%s/lib/%s.a", j->sdk.dir, m->objs[k] + 1);
				continue;
			}
			snprintf(obj, sizeof(obj), "%s", m->objs[k]);
			for (s = obj; *s; s++)
				if (*s == '/')
					*s = '_';
			argf(j, "%s/lib/libos/%s.o", j->sdk.dir, obj);
		}
	}
	snprintf(errfile, sizeof(errfile), "%s/link.err", j->tmp);
	rc = run(j, errfile);
	if (rc < 0)
		return lvm_errf(err, errlen, -rc, "cannot run the C compiler %s: %s",
				cc(), strerror(-rc));
	if (rc > 0)
		return explain(j, errfile, err, errlen);
	return 0;
}

/* cleanup: remove the temporary directory and what is in it. */
static void cleanup(struct job *j)
{
	char p[PATH_MAX + 128];

	if (!j->tmp[0])
		return;
	for (unsigned i = 0; i < j->m.nsources; i++) {
		snprintf(p, sizeof(p), "%s/%u.o", j->tmp, i);
		unlink(p);
	}
	for (const char *const *f = (const char *const[]){ "appnote.S", "appnote.o",
							   "link.err", NULL };
	     *f; f++) {
		snprintf(p, sizeof(p), "%s/%s", j->tmp, *f);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/%s.xen", j->tmp, j->m.name);
	unlink(p);
	rmdir(j->tmp);
	j->tmp[0] = '\0';
}

static int prepare(struct job *j, char *err, size_t errlen)
{
	unsigned bad;
	int rc;

	if (!realpath(j->o->dir, j->dir))
		return lvm_errf(err, errlen, errno, "%s: %s", j->o->dir,
				strerror(errno));
	snprintf(j->cfg_path, sizeof(j->cfg_path), "%s/app.cfg", j->o->dir);
	rc = app_slurp(j->cfg_path, CFG_MAX, &j->cfg, &j->cfglen);
	if (rc < 0)
		return lvm_errf(err, errlen, -rc, "%s: %s", j->cfg_path,
				rc == -EFBIG ? "over 64 KiB" : strerror(-rc));
	rc = app_manifest_parse(j->cfg, j->cfglen, j->cfg_path, &j->m, err,
				errlen);
	if (rc < 0)
		return rc;
	rc = sdk_open(&j->sdk, j->o->sdk, err, errlen);
	if (rc < 0)
		return rc;
	if (sdk_closure(&j->sdk, j->m.modules, j->m.nmodules, j->on, &bad) < 0) {
		char have[256] = "";

		for (unsigned i = 0; i < j->sdk.nmods; i++)
			snprintf(have + strlen(have), sizeof(have) - strlen(have),
				 "%s%s", i ? " " : "", j->sdk.mods[i].name);
		return lvm_errf(err, errlen, EINVAL,
				"%s:%u: unknown module '%s' (libos has: %s)",
				j->cfg_path, j->m.modules_line,
				j->m.modules[bad], have);
	}
	if (!realpath(j->o->out ? j->o->out : j->o->dir, j->outdir))
		return lvm_errf(err, errlen, errno, "output directory %s: %s",
				j->o->out, strerror(errno));
	snprintf(j->image, sizeof(j->image), "%s/%s.xen", j->outdir, j->m.name);
	return build_id(j, err, errlen);
}

int app_build(const struct build_opts *o, char *err, size_t errlen)
{
	struct job *j = calloc(1, sizeof(*j));
	struct app_note have;
	char built[PATH_MAX + 128];
	int rc;

	if (!j)
		return lvm_errf(err, errlen, ENOMEM, "out of memory");
	j->o = o;
	rc = prepare(j, err, errlen);
	if (rc < 0)
		goto out;
	if (!o->force && image_note(j->image, &have) == 0 &&
	    strcmp(have.build_id, j->id) == 0) {
		report(j, false);
		goto out;
	}
	snprintf(j->tmp, sizeof(j->tmp), "%s/.%s.XXXXXX", j->outdir, j->m.name);
	if (!mkdtemp(j->tmp)) {
		rc = lvm_errf(err, errlen, errno, "%s: %s", j->outdir,
			      strerror(errno));
		j->tmp[0] = '\0';
		goto out;
	}
	rc = compile(j, err, errlen);
	if (rc == 0)
		rc = note(j, err, errlen);
	if (rc == 0)
		rc = link_image(j, err, errlen);
	if (rc == 0) {
		snprintf(built, sizeof(built), "%s/%s.xen", j->tmp, j->m.name);
		if (chmod(built, 0644) < 0 || rename(built, j->image) < 0)
			rc = lvm_errf(err, errlen, errno, "%s: %s", j->image,
				      strerror(errno));
	}
	if (rc == 0)
		report(j, true);
out:
	cleanup(j);
	args_reset(j);
	app_manifest_free(&j->m);
	sdk_close(&j->sdk);
	free(j->cfg);
	free(j);
	return rc;
}
