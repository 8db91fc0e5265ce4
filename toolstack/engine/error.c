/*
 * error.c — filling the engine's error values (see error.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int lvm_error_set(struct lvm_error *err, int errnum, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	if (errnum <= 0)
		errnum = EIO;
	if (err != NULL) {
		err->code = errnum;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
			 strerror(errnum));
		for (char *p = err->msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
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
