/*
 * error.c — filling the engine's error values (see error.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lvm.h>

#include "error.h"

int lvm_error_set(struct lvm_error *err, int errnum, const char *fmt, ...)
{
	int saved = errno;
	char line[LVM_ERROR_MAX];
	va_list ap;
	size_t n;

	if (errnum <= 0)
		errnum = EIO;
	if (err != NULL) {
		err->code = errnum;
		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		/* What the line echoes (paths, names) stays on it: control
		 * bytes escaped, as every error line of lvm is. */
		lvm_escape(line, sizeof(line), err->msg, sizeof(err->msg));
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
			 strerror(errnum));
	}
	errno = saved;
	return -errnum;
}

void lvm_error_clear(struct lvm_error *err)
{
	if (err != NULL) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
