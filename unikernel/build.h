/*
 * build.h — `lvm build`: an application directory made into an image
 * (build.c), and a new application directory (newapp.c). The program's
 * main() is in main.c.
 */
#ifndef UNIKERNEL_BUILD_H
#define UNIKERNEL_BUILD_H

#include <stdbool.h>
#include <stddef.h>

struct build_opts {
	const char *dir;             /* the application's directory */
	const char *out;             /* where NAME.xen goes; NULL: dir */
	const char *sdk;             /* NULL: found (sdk.h) */
	const char *kernel;          /* --linux: this bzImage instead of the
					SDK's, its drivers built in: no
					modules go in; NULL: the SDK's */
	const char *sysroot;         /* --linux: the executable and its
					libraries read from this root file
					system; NULL: this host's */
	bool force;                  /* build even if up to date */
	bool verbose;                /* show the commands run */
	bool quiet;                  /* no size report */
};

/*
 * app_build() - build (o->dir) into OUT/NAME.xen, or leave it when its
 * build id says it is up to date. Prints the size report on stdout.
 * Returns 0, or -errno with one line in (err) (compiler messages have
 * gone to stderr before it); nothing is left half-written in OUT.
 */
int app_build(const struct build_opts *o, char *err, size_t errlen);

/*
 * app_build_linux() - `lvm build --linux`: (o->dir)'s manifest made into
 * OUT/NAME.cpio.xz, OUT/NAME.vmlinuz and OUT/NAME.cfg (linux.c).
 * Returns 0, or -errno with one line in (err); nothing half-written.
 */
int app_build_linux(const struct build_opts *o, char *err, size_t errlen);

/*
 * app_new() - write a starting application directory (name): app.cfg and
 * main.c. Returns 0 or -errno with one line in (err); an existing
 * directory is refused.
 */
int app_new(const char *name, char *err, size_t errlen);

#endif
