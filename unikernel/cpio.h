/*
 * cpio.h — writing an initramfs: a "newc" cpio archive, xz-compressed
 * (liblzma; the kernel needs CONFIG_RD_XZ), the format the Linux kernel
 * unpacks at boot. Deterministic:
 * entries in the order given, owner root, time 0, inode numbers counted
 * from 1; parent directories are the caller's to add first.
 */
#ifndef UNIKERNEL_CPIO_H
#define UNIKERNEL_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio;

/* cpio_open() - start an archive to be written to the new file (path)
 * at cpio_close(). NULL with errno set. */
struct cpio *cpio_open(const char *path);

/* cpio_dir() - a directory (path, no leading '/'), mode 0755. */
int cpio_dir(struct cpio *a, const char *path);

/* cpio_data() - a regular file (path) of mode (mode) holding (len)
 * bytes at (data). */
int cpio_data(struct cpio *a, const char *path, unsigned mode,
	      const void *data, size_t len);

/* cpio_file() - a regular file (path) with the contents and permission
 * bits of the host file (host) (links followed). */
int cpio_file(struct cpio *a, const char *path, const char *host);

/* cpio_symlink() - a symbolic link (path) to (target). */
int cpio_symlink(struct cpio *a, const char *path, const char *target);

/* cpio_node() - a character device (path) (major, minor), mode 0600. */
int cpio_node(struct cpio *a, const char *path, unsigned major,
	      unsigned minor);

/*
 * cpio_close() - end the archive (the trailer) and close it. Every call
 * returns 0 or -errno; after a failure only cpio_close() is useful, and it
 * reports the first error. The uncompressed size into (*size) if not NULL.
 */
int cpio_close(struct cpio *a, uint64_t *size);

#endif
