/*
 * regfile.c — lvm_open_regular() (engine_priv.h): a file a request names
 * is opened without blocking and kept only if it is a regular file, so
 * that reading it cannot block either (a FIFO, a terminal, a device).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_priv.h"

int lvm_open_regular(const char *what, const char *path, int *fd,
		     struct stat *st, struct lvm_error *err)
{
	int rc;

	*fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (*fd < 0)
		return lvm_error_set(err, errno, "%s %s: cannot open", what,
				     path);
	if (fstat(*fd, st) < 0)
		rc = lvm_error_set(err, errno, "%s %s: cannot stat", what, path);
	else if (!S_ISREG(st->st_mode))
		rc = lvm_error_set(err, ENOEXEC, "%s %s: not a regular file",
				   what, path);
	else
		return 0;
	close(*fd);
	*fd = -1;
	return rc;
}
