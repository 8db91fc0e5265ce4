/*
 * cpio.c — an xz-compressed newc cpio archive (cpio.h), through liblzma:
 * the archive is assembled in memory and compressed in one call at the
 * end, with a dictionary no larger than the archive (the kernel's
 * decompressor allocates the whole dictionary the stream names).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <lzma.h>

#include "cpio.h"

struct cpio {
	char *path;                  /* owned, the file to write */
	uint8_t *buf;                /* owned, the archive so far */
	size_t cap;
	uint64_t off;                /* uncompressed bytes written */
	uint32_t ino;
	int err;                     /* the first error, -errno */
};

struct cpio *cpio_open(const char *path)
{
	struct cpio *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->path = strdup(path);
	if (!a->path) {
		free(a);
		errno = ENOMEM;
		return NULL;
	}
	return a;
}

static void put(struct cpio *a, const void *p, size_t n)
{
	if (a->err || n == 0)
		return;
	if (a->off + n > a->cap) {
		size_t cap = a->cap ? a->cap : 1 << 20;
		uint8_t *b;

		while (cap < a->off + n)
			cap *= 2;
		b = realloc(a->buf, cap);
		if (!b) {
			a->err = -ENOMEM;
			return;
		}
		a->buf = b;
		a->cap = cap;
	}
	memcpy(a->buf + a->off, p, n);
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

/*
 * xz: (a)'s archive compressed into (a->path): the x86 branch filter
 * (the archive is mostly x86-64 code) and LZMA2 at preset 6 with a
 * dictionary of the archive's size (at least 4 KiB), CRC32 check (the
 * kernel's decompressor checks CRC32, not xz's default CRC64). One call,
 * single-threaded: the same archive gives the same bytes.
 */
static int xz(struct cpio *a)
{
	lzma_options_lzma opt;
	lzma_filter f[3] = {
		{ .id = LZMA_FILTER_X86, .options = NULL },
		{ .id = LZMA_FILTER_LZMA2, .options = &opt },
		{ .id = LZMA_VLI_UNKNOWN, .options = NULL },
	};
	size_t cap = lzma_stream_buffer_bound(a->off), len = 0, done = 0;
	uint8_t *out;
	int fd, rc = 0;

	if (lzma_lzma_preset(&opt, 6))
		return -EINVAL;
	opt.dict_size = a->off < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN :
		a->off > (1u << 30) ? 1u << 30 : (uint32_t)a->off;
	out = cap ? malloc(cap) : NULL;
	if (!out)
		return -ENOMEM;
	if (lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, a->buf, a->off,
				      out, &len, cap) != LZMA_OK) {
		free(out);
		return -EIO;
	}
	fd = open(a->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = -errno;
	while (rc == 0 && done < len) {
		ssize_t w = write(fd, out + done, len - done);

		if (w <= 0)
			rc = w < 0 ? -errno : -EIO;
		else
			done += (size_t)w;
	}
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = -errno;
	free(out);
	return rc;
}

int cpio_close(struct cpio *a, uint64_t *size)
{
	int rc;

	header(a, "TRAILER!!!", 0, 0, 0, 0);
	rc = a->err ? a->err : xz(a);
	if (size)
		*size = a->off;
	free(a->buf);
	free(a->path);
	free(a);
	return rc;
}
