/*
 * closure.h — the files a program needs to run, found the way the dynamic
 * loader finds them: the ELF interpreter (PT_INTERP) and every DT_NEEDED
 * library, recursively, searched in DT_RPATH (when there is no
 * DT_RUNPATH), DT_RUNPATH ($ORIGIN expanded) and the system's library
 * directories. Read with libelf. For `lvm build --linux`.
 *
 * Paths are as the program sees them (absolute); (root) is prefixed to
 * each to read it on this host ("" for the host itself, a test tree in the
 * tests). Every file is untrusted input: a bad one is an error, never a
 * crash.
 */
#ifndef UNIKERNEL_CLOSURE_H
#define UNIKERNEL_CLOSURE_H

#include <stdbool.h>
#include <stddef.h>

struct closure {
	char **paths;                /* owned, absolute, each once, in the
					order found */
	unsigned n, cap;
	const char *root;            /* prefix for reading; "" */
	bool sysroot;                /* (root) is a root file system: paths
					are looked up inside it, links
					followed there (closure_sysroot) */
	const char *const *libdirs;  /* NULL-ended; NULL: the system's */
};

/* closure_init() - an empty set reading under (root) ("" or NULL: /). */
void closure_init(struct closure *c, const char *root);

/*
 * closure_sysroot() - an empty set reading from the root file system
 * (root) (absolute, no trailing '/'): each path is looked up inside it
 * as a process chrooted there would, its symbolic links followed there
 * (toolstack/common/rootpath.h), never out of it.
 */
void closure_sysroot(struct closure *c, const char *root);

/*
 * closure_host() - where the file (path) of (c) is read on this host:
 * (root)(path), or inside a sysroot the path with its links followed
 * there. 0 or -errno (-ENOENT: not there).
 */
int closure_host(const struct closure *c, const char *path, char *out,
		 size_t outlen);

/* closure_free() - free (c)'s paths. */
void closure_free(struct closure *c);

/* closure_has() - (path) is in (c). */
bool closure_has(const struct closure *c, const char *path);

/*
 * closure_add() - add (path) and nothing else (a data file). 0 or
 * -ENOMEM.
 */
int closure_add(struct closure *c, const char *path);

/*
 * closure_add_elf() - add the ELF file (path), its interpreter and every
 * library it needs, recursively. (what) names it in messages ("the
 * executable", "a file").
 * Returns 0, or -errno with one line in (err): -ENOEXEC (not an ELF file
 * of this machine: x86_64, 64-bit), -ENOENT (it, or a library it needs,
 * is not found: the line names both), -ENOMEM.
 */
int closure_add_elf(struct closure *c, const char *path, const char *what,
		    char *err, size_t errlen);

#endif
