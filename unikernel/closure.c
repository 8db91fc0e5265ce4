/*
 * closure.c — a program's dependency closure (closure.h), from its ELF
 * headers: PT_INTERP, then the dynamic section's DT_NEEDED, DT_RPATH and
 * DT_RUNPATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closure.h"
#include "toolstack/common/errf.h"
#include "toolstack/common/rootpath.h"

#define NEEDED_MAX 256

static const char *const system_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib", NULL,
};

void closure_init(struct closure *c, const char *root)
{
	memset(c, 0, sizeof(*c));
	c->root = root ? root : "";
}

void closure_sysroot(struct closure *c, const char *root)
{
	closure_init(c, root);
	c->sysroot = true;
}

void closure_free(struct closure *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	c->paths = NULL;
	c->n = c->cap = 0;
}

bool closure_has(const struct closure *c, const char *path)
{
	for (unsigned i = 0; i < c->n; i++)
		if (strcmp(c->paths[i], path) == 0)
			return true;
	return false;
}

int closure_add(struct closure *c, const char *path)
{
	char **p;

	if (closure_has(c, path))
		return 0;
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 32;

		p = realloc(c->paths, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->paths = p;
		c->cap = cap;
	}
	c->paths[c->n] = strdup(path);
	if (!c->paths[c->n])
		return -ENOMEM;
	c->n++;
	return 0;
}

/* What one ELF file asks of the loader. */
struct deps {
	char interp[PATH_MAX];
	char *needed[NEEDED_MAX];    /* owned */
	unsigned nneeded;
	char rpath[PATH_MAX];
	char runpath[PATH_MAX];
};

static void deps_free(struct deps *d)
{
	for (unsigned i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	d->nneeded = 0;
}

/* The string at (off) of the string table section (strndx), bounded. */
static const char *dyn_str(Elf *e, size_t strndx, GElf_Xword off)
{
	const char *s = elf_strptr(e, strndx, off);

	return s && strlen(s) < PATH_MAX ? s : NULL;
}

/*
 * read_deps: (fd)'s interpreter and dynamic entries into (d). -ENOEXEC if
 * it is not an x86_64 ELF64 file or its headers are bad.
 */
static int read_deps(int fd, struct deps *d)
{
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t nph;
	int rc = -ENOEXEC;

	memset(d, 0, sizeof(*d));
	if (!e || elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != ELFCLASS64 ||
	    !gelf_getehdr(e, &eh) || eh.e_machine != EM_X86_64 ||
	    elf_getphdrnum(e, &nph) != 0)
		goto out;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		size_t size;
		const char *img;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		img = elf_rawfile(e, &size);
		if (!img || ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
		    ph.p_filesz == 0 || ph.p_filesz >= sizeof(d->interp) ||
		    img[ph.p_offset + ph.p_filesz - 1] != '\0')
			goto out;
		memcpy(d->interp, img + ph.p_offset, ph.p_filesz);
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && sh.sh_entsize &&
				   i < data->d_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &dyn))
				goto out;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH &&
			    dyn.d_tag != DT_RUNPATH)
				continue;
			s = dyn_str(e, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				goto out;
			if (dyn.d_tag == DT_RPATH)
				snprintf(d->rpath, sizeof(d->rpath), "%s", s);
			else if (dyn.d_tag == DT_RUNPATH)
				snprintf(d->runpath, sizeof(d->runpath), "%s", s);
			else if (d->nneeded < NEEDED_MAX &&
				 !(d->needed[d->nneeded++] = strdup(s))) {
				rc = -ENOMEM;
				goto out;
			}
		}
	}
	rc = 0;
out:
	if (e)
		elf_end(e);
	if (rc < 0)
		deps_free(d);
	return rc;
}

int closure_host(const struct closure *c, const char *path, char *out,
		 size_t outlen)
{
	char in[PATH_MAX];
	int rc;

	if (!c->sysroot) {
		if ((size_t)snprintf(out, outlen, "%s%s", c->root, path) >= outlen)
			return -ENAMETOOLONG;
		return 0;
	}
	rc = lvm_root_resolve(c->root, path, in, sizeof(in));
	if (rc == 0 && (size_t)snprintf(out, outlen, "%s%s", c->root, in) >= outlen)
		rc = -ENAMETOOLONG;
	return rc;
}

/* is_file: (root)(path) is a regular file (following links). */
static bool is_file(const struct closure *c, const char *path)
{
	char full[PATH_MAX * 2];
	struct stat st;

	return closure_host(c, path, full, sizeof(full)) == 0 &&
	       stat(full, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * search: a library (name) in the colon-separated list (dirs), $ORIGIN
 * standing for (origin); the path found into (out). True if found.
 */
static bool search(const struct closure *c, const char *dirs,
		   const char *origin, const char *name, char *out, size_t cap)
{
	char list[PATH_MAX], *dir, *save = NULL;

	snprintf(list, sizeof(list), "%s", dirs);
	for (dir = strtok_r(list, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char d[PATH_MAX * 2];

		if (strncmp(dir, "$ORIGIN", 7) == 0)
			snprintf(d, sizeof(d), "%s%s", origin, dir + 7);
		else if (strncmp(dir, "${ORIGIN}", 9) == 0)
			snprintf(d, sizeof(d), "%s%s", origin, dir + 9);
		else
			snprintf(d, sizeof(d), "%s", dir);
		if ((size_t)snprintf(out, cap, "%s/%s", d, name) < cap &&
		    d[0] == '/' && is_file(c, out))
			return true;
	}
	return false;
}

static int find_lib(const struct closure *c, const struct deps *d,
		    const char *origin, const char *name, char *out,
		    size_t cap)
{
	const char *const *dirs = c->libdirs ? c->libdirs : system_dirs;

	if (strchr(name, '/')) {
		snprintf(out, cap, "%s", name);
		return is_file(c, out) ? 0 : -ENOENT;
	}
	if (!d->runpath[0] && d->rpath[0] &&
	    search(c, d->rpath, origin, name, out, cap))
		return 0;
	if (d->runpath[0] && search(c, d->runpath, origin, name, out, cap))
		return 0;
	for (; *dirs; dirs++)
		if (search(c, *dirs, origin, name, out, cap))
			return 0;
	return -ENOENT;
}

static int add_elf(struct closure *c, const char *path, const char *what,
		   unsigned depth, char *err, size_t errlen)
{
	char full[PATH_MAX * 2], origin[PATH_MAX], lib[PATH_MAX * 2];
	struct deps d;
	int fd, rc;

	if (closure_has(c, path))
		return 0;
	if (depth > 64)
		return lvm_errf(err, errlen, ELOOP, "%s: libraries nested too deep",
				path);
	rc = closure_host(c, path, full, sizeof(full));
	fd = rc < 0 ? rc : open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return lvm_errf(err, errlen, rc < 0 ? -rc : errno, "%s %s: %s",
				what, path, strerror(rc < 0 ? -rc : errno));
	elf_version(EV_CURRENT);
	rc = read_deps(fd, &d);
	close(fd);
	if (rc == -ENOEXEC)
		return lvm_errf(err, errlen, ENOEXEC,
				"%s %s is not an x86_64 ELF file", what, path);
	if (rc < 0)
		return rc;
	rc = closure_add(c, path);
	snprintf(origin, sizeof(origin), "%s", path);
	*strrchr(origin, '/') = '\0';
	if (rc == 0 && d.interp[0])
		rc = add_elf(c, d.interp, "the ELF interpreter", depth + 1, err,
			     errlen);
	for (unsigned i = 0; rc == 0 && i < d.nneeded; i++) {
		if (find_lib(c, &d, origin, d.needed[i], lib, sizeof(lib)) < 0) {
			rc = lvm_errf(err, errlen, ENOENT,
				      "%s (needed by %s) is not found", d.needed[i],
				      path);
			break;
		}
		rc = add_elf(c, lib, "the library", depth + 1, err, errlen);
	}
	deps_free(&d);
	return rc;
}

int closure_add_elf(struct closure *c, const char *path, const char *what,
		    char *err, size_t errlen)
{
	if (path[0] != '/')
		return lvm_errf(err, errlen, EINVAL, "%s %s is not an absolute path",
				what, path);
	return add_elf(c, path, what, 0, err, errlen);
}
