/*
 * linux.c — `lvm build --linux DIR`: a minimal Linux VM for one program
 * (Tinyx's idea, our own code). Out come DIR/NAME.cpio.xz, an initramfs
 * holding only the program's dependency closure (closure.c), the files
 * and package configuration it names, the kernel modules it asks for and
 * our own init (linux_init.c), and the application directory's own
 * tree (the manifest's `root`); DIR/NAME.vmlinuz, the kernel the SDK
 * carries (the box's Debian kernel), or with --kernel a bzImage of the
 * user's (make tiny-kernel's), its drivers built in: then no modules go
 * in; and DIR/NAME.cfg, a config for `lvm create`. Everything is written under temporary names and renamed
 * at the end: an error leaves nothing half-written.
 *
 * Cached: a build id (SHA-256) is taken over every input once the files
 * are known (the manifest, each file's path, mode and bytes, the kernel,
 * its modules, our init, the output directory); NAME.cfg records it, and
 * a build whose id matches the one recorded, with both other outputs in
 * place, writes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "build.h"
#include "file.h"
#include "closure.h"
#include "cpio.h"
#include "manifest.h"
#include "sdk.h"
#include "toolstack/common/errf.h"
#include "toolstack/common/filecopy.h"

/* A file or directory of the application's own tree (`root`). */
struct ovl {
	char *vm;                    /* owned, its path in the VM */
	char *host;                  /* owned, NULL for a directory */
};

struct vm {
	const struct build_opts *o;
	char *text;                  /* the manifest's bytes */
	size_t textlen;
	char dir[PATH_MAX];          /* the application's, absolute */
	struct ovl *ov;              /* the root tree, sorted by vm */
	unsigned nov, ovcap;
	char root[PATH_MAX];         /* DIR/ROOT, absolute; "" when none */
	char sysroot[PATH_MAX];      /* --sysroot, absolute; "" when none */
	char id[2 * SHA256_DIGEST_SIZE + 1];
	struct app_manifest m;
	struct sdk sdk;
	struct closure c;            /* sorted once complete (same_files) */
	int *same;                   /* owned, per c.paths[i]: the index of
					an earlier path of the same file, or
					-1 */
	char init[PATH_MAX + 32];    /* the SDK's init that goes in */
	bool init_shared;            /* init-shared: the program's libc */
	char cfg_path[PATH_MAX + 16];
	char outdir[PATH_MAX];
	char kernel[PATH_MAX + 32];  /* the kernel that goes in */
	char kver[128];              /* the kernel modules' version; "" with
					--kernel */
	char *mods[64];              /* owned: module paths in the VM, in
					load order */
	unsigned nmods;
	char *err;
	size_t errlen;
	int walk_rc;
};

static bool is_elf(const char *path)
{
	unsigned char h[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool elf = fd >= 0 && read(fd, h, 4) == 4 && memcmp(h, "\177ELF", 4) == 0;

	if (fd >= 0)
		close(fd);
	return elf;
}

/* ---- the package ---- */

static int package(struct vm *v)
{
	char cmd[256], st[64] = "", path[PATH_MAX], line[PATH_MAX + 32];
	bool listed[APP_FILES_MAX] = { false };
	FILE *p, *f;
	int rc = 0;

	snprintf(cmd, sizeof(cmd),
		 "dpkg-query -W -f='${db:Status-Status}' %s 2>/dev/null",
		 v->m.package);
	p = popen(cmd, "r");
	if (!p || !fgets(st, sizeof(st), p))
		st[0] = '\0';
	if (p)
		pclose(p);
	if (strcmp(st, "installed") != 0)
		return lvm_errf(v->err, v->errlen, ENOENT,
				"%s: package %s is not installed (apt-get install %s)",
				v->cfg_path, v->m.package, v->m.package);
	snprintf(path, sizeof(path), "/var/lib/dpkg/info/%s.conffiles",
		 v->m.package);
	f = fopen(path, "re");
	if (!f) {
		snprintf(path, sizeof(path),
			 "/var/lib/dpkg/info/%s:amd64.conffiles", v->m.package);
		f = fopen(path, "re");
	}
	while (f && rc == 0 && fgets(line, sizeof(line), f)) {
		struct stat sb;
		bool want = !v->m.conffiles_line;

		line[strcspn(line, " \n")] = '\0';
		for (unsigned i = 0; i < v->m.nconffiles; i++)
			if (strcmp(v->m.conffiles[i], line) == 0) {
				want = true;
				listed[i] = true;
			}
		if (want && line[0] == '/' && stat(line, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			rc = closure_add(&v->c, line);
	}
	if (f)
		fclose(f);
	/* Each conffile named must be one of the package's, on this host. */
	for (unsigned i = 0; rc == 0 && i < v->m.nconffiles; i++)
		if (!listed[i] || !closure_has(&v->c, v->m.conffiles[i]))
			rc = lvm_errf(v->err, v->errlen, ENOENT,
				      "%s:%u: %s is not a conffile of package %s on this host",
				      v->cfg_path, v->m.conffiles_line,
				      v->m.conffiles[i], v->m.package);
	return rc;
}

/* ---- files ---- */

static struct vm *walking;

static int walk_one(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	walking->walk_rc = is_elf(path) ?
		closure_add_elf(&walking->c, path, "the file", walking->err,
				walking->errlen) :
		closure_add(&walking->c, path);
	return walking->walk_rc ? 1 : 0;
}

static int files(struct vm *v)
{
	for (unsigned i = 0; i < v->m.nfiles; i++) {
		const char *f = v->m.files[i];
		struct stat sb;
		int rc;

		if (stat(f, &sb) < 0)
			return lvm_errf(v->err, v->errlen, errno, "%s:%u: file %s: %s",
					v->cfg_path, v->m.files_line, f,
					strerror(errno));
		if (S_ISDIR(sb.st_mode)) {
			walking = v;
			v->walk_rc = 0;
			if (nftw(f, walk_one, 16, FTW_PHYS) < 0)
				return lvm_errf(v->err, v->errlen, errno, "%s: %s",
						f, strerror(errno));
			if (v->walk_rc)
				return v->walk_rc;
			continue;
		}
		rc = is_elf(f) ? closure_add_elf(&v->c, f, "the file", v->err,
						 v->errlen) :
				 closure_add(&v->c, f);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- the application's own tree (root) ---- */

static int ov_add(struct vm *v, const char *vm, const char *host)
{
	if (v->nov == v->ovcap) {
		unsigned cap = v->ovcap ? v->ovcap * 2 : 16;
		struct ovl *p = realloc(v->ov, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->ov = p;
		v->ovcap = cap;
	}
	v->ov[v->nov].vm = strdup(vm);
	v->ov[v->nov].host = host ? strdup(host) : NULL;
	if (!v->ov[v->nov].vm || (host && !v->ov[v->nov].host)) {
		free(v->ov[v->nov].vm);
		free(v->ov[v->nov].host);
		return -ENOMEM;
	}
	v->nov++;
	return 0;
}

static int root_one(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	const char *rel = path + strlen(walking->root);

	(void)sb;
	if (ftw->level == 0)
		return 0;
	if (type == FTW_D)
		walking->walk_rc = ov_add(walking, rel, NULL);
	else if (type == FTW_F)
		walking->walk_rc = ov_add(walking, rel, path);
	else
		walking->walk_rc = lvm_errf(walking->err, walking->errlen, EINVAL,
					    "%s:%u: root: %s is neither a file nor a directory",
					    walking->cfg_path, walking->m.root_line, path);
	return walking->walk_rc ? 1 : 0;
}

static int cmp_ovl(const void *a, const void *b)
{
	return strcmp(((const struct ovl *)a)->vm, ((const struct ovl *)b)->vm);
}

/* root_tree: the files and directories under DIR/ROOT, by their VM path. */
static int root_tree(struct vm *v)
{
	char path[PATH_MAX + 260];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", v->dir, v->m.root);
	if (!realpath(path, v->root) || stat(v->root, &sb) < 0 ||
	    !S_ISDIR(sb.st_mode))
		return lvm_errf(v->err, v->errlen, errno ? errno : ENOTDIR,
				"%s:%u: root %s: %s", v->cfg_path, v->m.root_line,
				path, errno ? strerror(errno) : "not a directory");
	walking = v;
	v->walk_rc = 0;
	if (nftw(v->root, root_one, 16, FTW_PHYS) < 0 && !v->walk_rc)
		return lvm_errf(v->err, v->errlen, errno, "%s: %s", v->root,
				strerror(errno));
	if (v->walk_rc)
		return v->walk_rc;
	qsort(v->ov, v->nov, sizeof(*v->ov), cmp_ovl);
	return 0;
}

static bool overlaid(const struct vm *v, const char *vm)
{
	struct ovl key = { .vm = (char *)vm };

	return v->nov && bsearch(&key, v->ov, v->nov, sizeof(*v->ov), cmp_ovl);
}

/* ---- kernel modules ---- */

/* find_ko: (name).ko (or with '-' and '_' swapped) under (dir). */
static struct { const char *want; char found[PATH_MAX]; } ko;

static int ko_one(const char *path, const struct stat *sb, int type,
		  struct FTW *ftw)
{
	const char *base = path + ftw->base;
	size_t n = strlen(ko.want);

	(void)sb;
	if (type != FTW_F || strncmp(base + n, ".ko", 4) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char a = base[i] == '-' ? '_' : base[i];
		char b = ko.want[i] == '-' ? '_' : ko.want[i];

		if (a != b)
			return 0;
	}
	snprintf(ko.found, sizeof(ko.found), "%s", path);
	return 1;
}

static int module(struct vm *v, const char *name, unsigned depth)
{
	char dir[PATH_MAX + 32], cmd[PATH_MAX + 64], deps[1024] = "", *d, *save;
	char inside[PATH_MAX + 64];
	FILE *p;
	int rc;

	if (depth > 16)
		return lvm_errf(v->err, v->errlen, ELOOP, "kernel module %s: dependencies too deep",
				name);
	snprintf(dir, sizeof(dir), "%s/linux/modules", v->sdk.dir);
	ko.want = name;
	ko.found[0] = '\0';
	nftw(dir, ko_one, 16, 0);
	if (!ko.found[0])
		return lvm_errf(v->err, v->errlen, ENOENT,
				"%s:%u: kernel module %s is not in %s",
				v->cfg_path, v->m.modules_line, name, dir);
	/* the path inside the VM: /lib/modules/VERSION/... */
	snprintf(inside, sizeof(inside), "/lib/modules/%s%s", v->kver,
		 ko.found + strlen(dir));
	for (unsigned i = 0; i < v->nmods; i++)
		if (strcmp(v->mods[i], inside) == 0)
			return 0;
	snprintf(cmd, sizeof(cmd), "modinfo -F depends '%s' 2>/dev/null", ko.found);
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(deps, sizeof(deps), p))
			deps[0] = '\0';
		pclose(p);
	}
	deps[strcspn(deps, "\n")] = '\0';
	for (d = strtok_r(deps, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
		char dep[64];

		snprintf(dep, sizeof(dep), "%s", d);
		rc = module(v, dep, depth + 1);
		if (rc < 0)
			return rc;
	}
	if (v->nmods == 64)
		return lvm_errf(v->err, v->errlen, E2BIG, "too many kernel modules");
	v->mods[v->nmods] = strdup(inside);
	return v->mods[v->nmods++] ? 0 : -ENOMEM;
}

/* ---- our init ---- */

/*
 * choose_init: the SDK's init-shared (linked against the C library) when
 * every file it needs is in the program's closure already (the same
 * loader and libc of this host): then /init costs its own few KiB
 * instead of a static C library's. Otherwise, or without it in the SDK,
 * the static init.
 */
static int choose_init(struct vm *v)
{
	char shared[PATH_MAX + 32];
	struct closure ic;
	bool ok;
	int rc;

	snprintf(v->init, sizeof(v->init), "%s/linux/init", v->sdk.dir);
	snprintf(shared, sizeof(shared), "%s/linux/init-shared", v->sdk.dir);
	/* a sysroot's C library is not this host's: the static one */
	if (v->o->sysroot || access(shared, F_OK) < 0)
		return 0;
	closure_init(&ic, "");
	rc = closure_add_elf(&ic, shared, "our init", v->err, v->errlen);
	ok = rc == 0 && ic.n > 1;
	for (unsigned i = 1; ok && i < ic.n; i++)
		ok = closure_has(&v->c, ic.paths[i]) && !overlaid(v, ic.paths[i]);
	closure_free(&ic);
	if (ok) {
		memcpy(v->init, shared, sizeof(shared));
		v->init_shared = true;
	}
	return rc;
}

/* ---- the initramfs ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * same_files: the closure sorted, and each path that names a file an
 * earlier one names too (the same device and inode once links are
 * followed: the loader as /lib64/ld-linux-x86-64.so.2 and as
 * /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2) marked, to go in as a
 * symbolic link to the first rather than a second copy. A path the
 * root tree replaces is never the one linked to.
 */
static int same_files(struct vm *v)
{
	struct stat *st;

	qsort(v->c.paths, v->c.n, sizeof(char *), cmp_str);
	v->same = malloc((v->c.n + 1) * sizeof(*v->same));
	st = calloc(v->c.n + 1, sizeof(*st));
	if (!v->same || !st) {
		free(st);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < v->c.n; i++) {
		char host[PATH_MAX * 2];

		v->same[i] = -1;
		if (closure_host(&v->c, v->c.paths[i], host, sizeof(host)) < 0 ||
		    stat(host, &st[i]) < 0 || overlaid(v, v->c.paths[i])) {
			st[i].st_ino = 0;
			continue;
		}
		for (unsigned j = 0; j < i; j++)
			if (st[j].st_ino && st[j].st_ino == st[i].st_ino &&
			    st[j].st_dev == st[i].st_dev && v->same[j] < 0) {
				v->same[i] = (int)j;
				break;
			}
	}
	free(st);
	return 0;
}

/* add_dirs: every parent directory of (path) not yet in (dirs). */
static int add_dirs(struct closure *dirs, const char *path)
{
	char d[PATH_MAX];
	int rc = 0;

	snprintf(d, sizeof(d), "%s", path);
	for (char *s = strchr(d + 1, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		rc = closure_add(dirs, d);
		*s = '/';
	}
	return rc;
}

/* nul_list: (v, n) as NUL-separated strings into (*out). */
static size_t nul_list(char *const *v, unsigned n, char *buf, size_t cap)
{
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		if (len + l > cap)
			break;
		memcpy(buf + len, v[i], l);
		len += l;
	}
	return len;
}

static int initramfs(struct vm *v, const char *tmp, uint64_t *raw)
{
	static char buf[65536];
	char modbuf[16384] = "", host[PATH_MAX * 2];
	char *argv0[APP_ARGS_MAX + 1];
	struct closure dirs;
	struct cpio *a = cpio_open(tmp);
	size_t len;
	int rc = 0;

	if (!a)
		return lvm_errf(v->err, v->errlen, errno, "%s: %s", tmp, strerror(errno));
	closure_init(&dirs, "");
	/* what /init needs, then the closure */
	for (const char *const *d = (const char *const[]){ "/dev", "/etc/lvm", "/proc",
							   "/sbin", "/sys", "/tmp", "/run",
							   NULL };
	     *d && rc == 0; d++)
		rc = add_dirs(&dirs, *d) ?: closure_add(&dirs, *d);
	for (unsigned i = 0; rc == 0 && i < v->c.n; i++)
		rc = add_dirs(&dirs, v->c.paths[i]);
	for (unsigned i = 0; rc == 0 && i < v->nmods; i++)
		rc = add_dirs(&dirs, v->mods[i]);
	for (unsigned i = 0; rc == 0 && i < v->nov; i++)
		rc = add_dirs(&dirs, v->ov[i].vm) ?:
			(v->ov[i].host ? 0 : closure_add(&dirs, v->ov[i].vm));
	if (rc < 0)
		goto out;
	qsort(dirs.paths, dirs.n, sizeof(char *), cmp_str);
	for (unsigned i = 0; i < dirs.n; i++)
		cpio_dir(a, dirs.paths[i] + 1);
	cpio_file(a, "init", v->init);
	cpio_symlink(a, "sbin/poweroff", "/init");
	cpio_symlink(a, "sbin/reboot", "/init");
	cpio_node(a, "dev/console", 5, 1);
	argv0[0] = v->m.executable;
	for (unsigned i = 0; i < v->m.nargs; i++)
		argv0[i + 1] = v->m.args[i];
	len = nul_list(argv0, v->m.nargs + 1, buf, sizeof(buf));
	cpio_data(a, "etc/lvm/argv", 0644, buf, len);
	len = nul_list(v->m.env, v->m.nenv, buf, sizeof(buf));
	cpio_data(a, "etc/lvm/env", 0644, buf, len);
	for (unsigned i = 0; i < v->nmods; i++)
		snprintf(modbuf + strlen(modbuf), sizeof(modbuf) - strlen(modbuf),
			 "%s\n", v->mods[i]);
	cpio_data(a, "etc/lvm/modules", 0644, modbuf, strlen(modbuf));
	for (unsigned i = 0; i < v->nmods; i++) {
		snprintf(host, sizeof(host), "%s/linux/modules%s", v->sdk.dir,
			 v->mods[i] + strlen("/lib/modules/") + strlen(v->kver));
		cpio_file(a, v->mods[i] + 1, host);
	}
	/* the closure, sorted (same_files): a second path of a file as a
	 * link to the first */
	for (unsigned i = 0; i < v->c.n; i++)
		if (overlaid(v, v->c.paths[i]))
			continue;
		else if (v->same[i] >= 0)
			cpio_symlink(a, v->c.paths[i] + 1, v->c.paths[v->same[i]]);
		else if (closure_host(&v->c, v->c.paths[i], host, sizeof(host)) == 0)
			cpio_file(a, v->c.paths[i] + 1, host);
		else
			rc = lvm_errf(v->err, v->errlen, ENOENT, "%s: cannot read it",
				      v->c.paths[i]);
	/* the application's own tree last: its files replace the host's */
	for (unsigned i = 0; i < v->nov; i++)
		if (v->ov[i].host)
			cpio_file(a, v->ov[i].vm + 1, v->ov[i].host);
out:
	rc = cpio_close(a, raw) ?: rc;
	if (rc < 0 && !v->err[0])
		lvm_errf(v->err, v->errlen, -rc, "%s: cannot write it: %s", tmp,
			 strerror(-rc));
	closure_free(&dirs);
	return rc;
}

/* ---- the build id ---- */

static void hash_str(struct sha256_ctx *h, const char *s)
{
	sha256_update(h, strlen(s) + 1, (const uint8_t *)s);
}

/* hash_file: (path)'s permission bits, size and bytes (links followed). */
static int hash_file(struct vm *v, struct sha256_ctx *h, const char *path)
{
	static uint8_t buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char meta[64];
	struct stat st;
	ssize_t r;
	int rc = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = fd < 0 ? errno : S_ISREG(st.st_mode) ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		return lvm_errf(v->err, v->errlen, rc, "%s: %s", path,
				rc == EINVAL ? "not a regular file" : strerror(rc));
	}
	snprintf(meta, sizeof(meta), "%o %lld", (unsigned)(st.st_mode & 07777),
		 (long long)st.st_size);
	hash_str(h, meta);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(h, (size_t)r, buf);
	if (r < 0)
		rc = lvm_errf(v->err, v->errlen, errno, "%s: %s", path,
			      strerror(errno));
	close(fd);
	return rc;
}

/* build_id: a SHA-256 over every input of the VM into (v->id). */
static int build_id(struct vm *v)
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	char host[PATH_MAX * 2];
	int rc;

	sha256_init(&h);
	hash_str(&h, "lvm build --linux 3 xz");
	sha256_update(&h, v->textlen, (const uint8_t *)v->text);
	hash_str(&h, v->outdir);
	hash_str(&h, v->kver);
	hash_str(&h, v->init_shared ? "init-shared" : "init");
	/* a sysroot's files are hashed below, wherever it is */
	hash_str(&h, v->o->sysroot ? "sysroot" : "host");
	rc = hash_file(v, &h, v->init);
	hash_str(&h, v->o->kernel ? "kernel given" : "the SDK's kernel");
	rc = rc ?: hash_file(v, &h, v->kernel);
	for (unsigned i = 0; rc == 0 && i < v->nmods; i++) {
		hash_str(&h, v->mods[i]);
		snprintf(host, sizeof(host), "%s/linux/modules%s", v->sdk.dir,
			 v->mods[i] + strlen("/lib/modules/") + strlen(v->kver));
		rc = hash_file(v, &h, host);
	}
	for (unsigned i = 0; rc == 0 && i < v->c.n; i++) {
		hash_str(&h, v->c.paths[i]);
		if (v->same[i] >= 0) {
			hash_str(&h, "(link)");
			hash_str(&h, v->c.paths[v->same[i]]);
		} else {
			rc = closure_host(&v->c, v->c.paths[i], host, sizeof(host));
			rc = rc < 0 ? lvm_errf(v->err, v->errlen, -rc, "%s: %s",
					       v->c.paths[i], strerror(-rc))
				    : hash_file(v, &h, host);
		}
	}
	for (unsigned i = 0; rc == 0 && i < v->nov; i++) {
		hash_str(&h, v->ov[i].vm);
		if (v->ov[i].host)
			rc = hash_file(v, &h, v->ov[i].host);
		else
			hash_str(&h, "(dir)");
	}
	if (rc < 0)
		return rc;
	sha256_digest(&h, sizeof(d), d);
	for (unsigned i = 0; i < sizeof(d); i++)
		sprintf(v->id + 2 * i, "%02x", d[i]);
	return 0;
}

/* NAME.cfg's second line, written and read back. */
#define ID_LINE "# lvm build id %s, initramfs %llu bytes, %llu unpacked\n"
#define ID_SCAN "# lvm build id %64[0-9a-f], initramfs %llu bytes, %llu unpacked"

/*
 * up_to_date: OUT/NAME.cfg records (v->id), and the initramfs it names
 * has the size recorded and the kernel is there. Its sizes into (*size,
 * *raw).
 */
static bool up_to_date(struct vm *v, const char *cfg, const char *cpio,
		       const char *kernel, unsigned long long *size,
		       unsigned long long *raw)
{
	char *text = NULL, id[65] = "";
	const char *line;
	size_t len;
	struct stat sc, sk;
	bool ok;

	if (app_slurp(cfg, 65536, &text, &len) < 0)
		return false;
	line = strstr(text, "\n# lvm build id ");
	ok = line && sscanf(line + 1, ID_SCAN, id, size, raw) == 3 &&
	     strcmp(id, v->id) == 0 && stat(cpio, &sc) == 0 &&
	     S_ISREG(sc.st_mode) && (unsigned long long)sc.st_size == *size &&
	     stat(kernel, &sk) == 0 && S_ISREG(sk.st_mode);
	free(text);
	return ok;
}

static void report(struct vm *v, const char *cpio, const char *kernel,
		   const char *cfg, bool fresh, unsigned long long raw)
{
	struct stat sc, sk;
	unsigned files = 0;

	if (v->o->quiet || stat(cpio, &sc) < 0 || stat(kernel, &sk) < 0)
		return;
	unsigned links = 0;

	for (unsigned i = 0; i < v->nov; i++)
		files += v->ov[i].host && !closure_has(&v->c, v->ov[i].vm);
	for (unsigned i = 0; i < v->c.n; i++)
		links += v->same[i] >= 0;
	printf("%s: %s, %lld bytes (%.1f MiB; %.1f MiB unpacked), %u files (%u as links), %u kernel modules\n",
	       cpio, fresh ? "built" : "up to date", (long long)sc.st_size,
	       sc.st_size / 1048576.0, raw / 1048576.0, v->c.n + files, links,
	       v->nmods);
	printf("  %s %s, build id %.16s, our init %s\n", v->m.name, v->m.version,
	       v->id, v->init_shared ? "shares its C library" : "static");
	printf("%s: %lld bytes%s\n%s: lvm create %s\n", kernel,
	       (long long)sk.st_size,
	       v->o->kernel ? " (--kernel: its drivers built in)" : "", cfg, cfg);
}

static int outputs(struct vm *v)
{
	char tmp_cpio[PATH_MAX + 64], tmp_k[PATH_MAX + 64], tmp_cfg[PATH_MAX + 64];
	char cpio[PATH_MAX + 64], kernel[PATH_MAX + 64], cfg[PATH_MAX + 64];
	uint32_t mem = v->m.memory_mb ? v->m.memory_mb : 128;
	unsigned long long have_size = 0, have_raw = 0;
	uint64_t raw = 0;
	struct stat sc;
	FILE *f;
	int rc;

	snprintf(cpio, sizeof(cpio), "%s/%s.cpio.xz", v->outdir, v->m.name);
	snprintf(kernel, sizeof(kernel), "%s/%s.vmlinuz", v->outdir, v->m.name);
	snprintf(cfg, sizeof(cfg), "%s/%s.cfg", v->outdir, v->m.name);
	if (!v->o->force &&
	    up_to_date(v, cfg, cpio, kernel, &have_size, &have_raw)) {
		report(v, cpio, kernel, cfg, false, have_raw);
		return 0;
	}
	snprintf(tmp_cpio, sizeof(tmp_cpio), "%s/.%s.cpio.xz.tmp", v->outdir, v->m.name);
	snprintf(tmp_k, sizeof(tmp_k), "%s/.%s.vmlinuz.tmp", v->outdir, v->m.name);
	snprintf(tmp_cfg, sizeof(tmp_cfg), "%s/.%s.cfg.tmp", v->outdir, v->m.name);
	unlink(tmp_cpio);
	unlink(tmp_k);
	unlink(tmp_cfg);
	rc = initramfs(v, tmp_cpio, &raw);
	if (rc == 0 && stat(tmp_cpio, &sc) < 0)
		rc = lvm_errf(v->err, v->errlen, errno, "%s: %s", tmp_cpio,
			      strerror(errno));
	if (rc == 0) {
		rc = lvm_file_place(v->kernel, tmp_k);
		if (rc < 0)
			lvm_errf(v->err, v->errlen, -rc, "the kernel %s: %s", v->kernel,
				 strerror(-rc));
	}
	if (rc == 0) {
		f = fopen(tmp_cfg, "wxe");
		if (!f) {
			rc = lvm_errf(v->err, v->errlen, errno, "%s: %s", tmp_cfg,
				      strerror(errno));
		} else {
			fprintf(f, "# %s %s: a minimal Linux VM written by lvm build --linux\n"
				   ID_LINE
				   "name = \"%s\"\nkernel = \"%s\"\nramdisk = \"%s\"\n"
				   "cmdline = \"console=hvc0 quiet%s%s\"\nmemory = %u\n%s",
				v->m.name, v->m.version, v->id,
				(unsigned long long)sc.st_size, (unsigned long long)raw,
				v->m.name, kernel, cpio,
				v->m.cmdline[0] ? " " : "", v->m.cmdline, mem,
				(v->m.devices & APP_DEV_VIF) ? "vif = [ '' ]\n" : "");
			if (fclose(f) != 0)
				rc = lvm_errf(v->err, v->errlen, EIO, "%s: cannot write it",
					      tmp_cfg);
		}
	}
	/* The config last: it is what says the other two are complete. */
	if (rc == 0 && (rename(tmp_cpio, cpio) < 0 || rename(tmp_k, kernel) < 0 ||
			rename(tmp_cfg, cfg) < 0))
		rc = lvm_errf(v->err, v->errlen, errno, "%s: %s", v->outdir,
			      strerror(errno));
	/* rename() of a link onto the same file (the kernel linked again)
	 * does nothing: the temporary name goes here. */
	unlink(tmp_k);
	if (rc < 0) {
		unlink(tmp_cpio);
		unlink(tmp_cfg);
		return rc;
	}
	report(v, cpio, kernel, cfg, true, raw);
	return 0;
}

static int kernel_version(struct vm *v)
{
	char link[PATH_MAX + 32], target[PATH_MAX], *base;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/linux/modules", v->sdk.dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return lvm_errf(v->err, v->errlen, ENOENT,
				"the SDK %s has no Linux kernel (make deps fetches the box's)",
				v->sdk.dir);
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= sizeof(v->kver))
		return lvm_errf(v->err, v->errlen, ENAMETOOLONG, "%s: a kernel version too long",
				link);
	memcpy(v->kver, base, strlen(base) + 1);
	return 0;
}

/*
 * given_kernel: --kernel PATH, absolute, into (v->kernel): a regular file
 * with a bzImage's boot header ("HdrS" at 0x202), the form Xen's PV
 * loader takes.
 */
static int given_kernel(struct vm *v)
{
	char hdr[4];
	struct stat sb;
	int fd;

	if (!realpath(v->o->kernel, v->kernel))
		return lvm_errf(v->err, v->errlen, errno, "--kernel %s: %s",
				v->o->kernel, strerror(errno));
	fd = open(v->kernel, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return lvm_errf(v->err, v->errlen, errno, "--kernel %s: %s",
				v->o->kernel, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    pread(fd, hdr, sizeof(hdr), 0x202) != sizeof(hdr) ||
	    memcmp(hdr, "HdrS", 4) != 0) {
		close(fd);
		return lvm_errf(v->err, v->errlen, EINVAL,
				"--kernel %s: not a Linux bzImage", v->o->kernel);
	}
	close(fd);
	return 0;
}

int app_build_linux(const struct build_opts *o, char *err, size_t errlen)
{
	struct vm *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return lvm_errf(err, errlen, ENOMEM, "out of memory");
	v->o = o;
	v->err = err;
	v->errlen = errlen;
	closure_init(&v->c, "");
	if (o->sysroot && !realpath(o->sysroot, v->sysroot)) {
		rc = lvm_errf(err, errlen, errno, "--sysroot %s: %s", o->sysroot,
			      strerror(errno));
		goto out;
	}
	if (o->sysroot)
		closure_sysroot(&v->c, strcmp(v->sysroot, "/") ? v->sysroot : "");
	snprintf(v->cfg_path, sizeof(v->cfg_path), "%s/app.cfg", o->dir);
	rc = app_slurp(v->cfg_path, 65536, &v->text, &v->textlen);
	if (rc < 0) {
		lvm_errf(err, errlen, -rc, "%s: %s", v->cfg_path,
			 rc == -EFBIG ? "over 64 KiB" : strerror(-rc));
		goto out;
	}
	if (!realpath(o->dir, v->dir)) {
		rc = lvm_errf(err, errlen, errno, "%s: %s", o->dir, strerror(errno));
		goto out;
	}
	rc = app_manifest_parse_linux(v->text, v->textlen, v->cfg_path, &v->m,
				      err, errlen);
	if (rc == 0)
		rc = sdk_find(&v->sdk, o->sdk, err, errlen);
	if (rc == 0 && o->kernel)
		rc = given_kernel(v);
	if (rc == 0 && !o->kernel) {
		snprintf(v->kernel, sizeof(v->kernel), "%s/linux/vmlinuz", v->sdk.dir);
		rc = kernel_version(v);
	}
	if (rc == 0 && !realpath(o->out ? o->out : o->dir, v->outdir))
		rc = lvm_errf(err, errlen, errno, "output directory %s: %s",
			      o->out ? o->out : o->dir, strerror(errno));
	if (rc == 0 && o->sysroot && (v->m.package || v->m.nfiles))
		rc = lvm_errf(err, errlen, EINVAL,
			      "%s: 'package' and 'files' name this host's files, not --sysroot's",
			      v->cfg_path);
	if (rc == 0 && v->m.package)
		rc = package(v);
	if (rc == 0)
		rc = closure_add_elf(&v->c, v->m.executable, "the executable", err,
				     errlen);
	if (rc == 0)
		rc = files(v);
	if (rc == 0 && v->m.root)
		rc = root_tree(v);
	/* a kernel given has its drivers built in: the manifest's modules
	 * are the SDK kernel's */
	for (unsigned i = 0; rc == 0 && !o->kernel && i < v->m.nmodules; i++)
		rc = module(v, v->m.modules[i], 0);
	if (rc == 0)
		rc = choose_init(v);
	if (rc == 0)
		rc = same_files(v);
	if (rc == 0)
		rc = build_id(v);
	if (rc == 0)
		rc = outputs(v);
out:
	free(v->text);
	free(v->same);
	for (unsigned i = 0; i < v->nmods; i++)
		free(v->mods[i]);
	for (unsigned i = 0; i < v->nov; i++) {
		free(v->ov[i].vm);
		free(v->ov[i].host);
	}
	free(v->ov);
	closure_free(&v->c);
	app_manifest_free(&v->m);
	sdk_close(&v->sdk);
	free(v);
	return rc;
}
