/*
 * file.h — reading a whole small file, for lvm build (manifests, SDK
 * tables, sources to hash). Opened without blocking and checked to be a
 * regular file first: a FIFO or a directory named by a manifest is an
 * error, never a hang.
 */
#ifndef UNIKERNEL_FILE_H
#define UNIKERNEL_FILE_H

#include <stddef.h>

/*
 * app_slurp() - the contents of (path), at most (max) bytes, into a new
 * NUL-terminated buffer (*out) of (*len) bytes (free it).
 * Returns 0, -EFBIG past (max), -EISDIR, -EINVAL (not a regular file),
 * -ENOMEM, or the -errno of open or read.
 */
int app_slurp(const char *path, size_t max, char **out, size_t *len);

#endif
