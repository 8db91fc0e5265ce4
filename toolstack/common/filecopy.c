/*
 * filecopy.c — a file put in a new place (filecopy.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "filecopy.h"

int lvm_file_copy(const char *from, const char *to)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		ssize_t w = write(out, buf, (size_t)n);

		if (w != n) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
	}
	if (n < 0)
		rc = -errno;
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int lvm_file_place(const char *from, const char *to)
{
	if (linkat(AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return lvm_file_copy(from, to);
}
