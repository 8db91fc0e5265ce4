/*
 * cpio.c — a gzip'd newc cpio archive (cpio.h), through zlib.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zlib.h>

#include "cpio.h"

struct cpio {
	gzFile gz;
	uint64_t off;                /* uncompressed bytes written */
	uint32_t ino;
	int err;                     /* the first error, -errno */
};

struct cpio *cpio_open(const char *path)
{
	struct cpio *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	/* -n: no name or time in the gzip header, for the same bytes. */
	a->gz = gzopen(path, "wb9");
	if (!a->gz) {
		free(a);
		errno = errno ? errno : ENOMEM;
		return NULL;
	}
	return a;
}

static void put(struct cpio *a, const void *p, size_t n)
{
	if (a->err || n == 0)
		return;
	if (gzwrite(a->gz, p, (unsigned)n) != (int)n)
		a->err = -EIO;
	a->off += n;
}

static void pad4(struct cpio *a)
{
	static const char zero[4];

	put(a, zero, (4 - a->off % 4) % 4);
}

/* header: one entry's header and name. */
static void header(struct cpio *a, const char *name, unsigned mode,
		   uint64_t size, unsigned rmaj, unsigned rmin)
{
	char h[111];
	size_t namesz = strlen(name) + 1;

	if (size > 0xffffffffu) {
		a->err = a->err ? a->err : -EFBIG;
		return;
	}
	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++a->ino, mode, 0, 0, 1, 0, (unsigned)size, 0, 0, rmaj, rmin,
		 (unsigned)namesz, 0);
	put(a, h, 110);
	put(a, name, namesz);
	pad4(a);
}

int cpio_dir(struct cpio *a, const char *path)
{
	header(a, path, S_IFDIR | 0755, 0, 0, 0);
	return a->err;
}

int cpio_data(struct cpio *a, const char *path, unsigned mode,
	      const void *data, size_t len)
{
	header(a, path, S_IFREG | (mode & 07777), len, 0, 0);
	put(a, data, len);
	pad4(a);
	return a->err;
}

int cpio_file(struct cpio *a, const char *path, const char *host)
{
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char buf[65536];
	uint64_t left;
	ssize_t r;

	if (fd < 0)
		return a->err ? a->err : (a->err = -errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return a->err ? a->err : (a->err = -EINVAL);
	}
	header(a, path, S_IFREG | (st.st_mode & 0777), (uint64_t)st.st_size,
	       0, 0);
	for (left = (uint64_t)st.st_size; left > 0 && !a->err; left -= (uint64_t)r) {
		r = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (r <= 0) {
			a->err = r < 0 ? -errno : -EIO;
			break;
		}
		put(a, buf, (size_t)r);
	}
	close(fd);
	pad4(a);
	return a->err;
}

int cpio_symlink(struct cpio *a, const char *path, const char *target)
{
	header(a, path, S_IFLNK | 0777, strlen(target), 0, 0);
	put(a, target, strlen(target));
	pad4(a);
	return a->err;
}

int cpio_node(struct cpio *a, const char *path, unsigned major,
	      unsigned minor)
{
	header(a, path, S_IFCHR | 0600, 0, major, minor);
	return a->err;
}

int cpio_close(struct cpio *a, uint64_t *size)
{
	int rc;

	header(a, "TRAILER!!!", 0, 0, 0, 0);
	rc = a->err;
	if (gzclose(a->gz) != Z_OK && rc == 0)
		rc = -EIO;
	if (size)
		*size = a->off;
	free(a);
	return rc;
}
