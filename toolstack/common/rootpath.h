/*
 * rootpath.h — a path looked up inside a directory taken as the root of
 * a file system (a container's root file system, a sysroot), the way a
 * process chrooted there would see it: symbolic links are followed
 * inside it (an absolute target starts again at that root, ".." stops
 * at it), so no path, however its links point, leads out of it.
 * For lightvm-oci (the program of a bundle) and `lvm build --linux
 * --sysroot` (a program's closure read from a root file system).
 */
#ifndef LVM_COMMON_ROOTPATH_H
#define LVM_COMMON_ROOTPATH_H

#include <stddef.h>

#define LVM_ROOT_LINKS_MAX 40 /* symbolic links followed in one lookup */

/*
 * lvm_root_resolve() - (path) (absolute, as seen inside (root)) with every
 * symbolic link followed inside (root) (a host directory, absolute, no
 * trailing '/'; "" for the host's own /) into (out): an absolute path
 * inside (root) naming no link, "/" for the root itself. (root) joined
 * with (out) is where it is on the host.
 * Returns 0, or -EINVAL (a relative path), -ENOENT (a component
 * missing), -ENOTDIR, -ELOOP (more than LVM_ROOT_LINKS_MAX links),
 * -ENAMETOOLONG, or another -errno of lstat() or readlink().
 */
int lvm_root_resolve(const char *root, const char *path, char *out,
		     size_t outlen);

#endif
