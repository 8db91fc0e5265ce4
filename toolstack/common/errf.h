/*
 * errf.h — one home for "write the error line, return -errno": the
 * toolstack's parsers and checks (the CLI, lvmd) fill a caller's buffer
 * with one line and hand back the error code. Header only.
 */
#ifndef LVM_COMMON_ERRF_H
#define LVM_COMMON_ERRF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * lvm_errf() - formats FMT into ERR (ERRLEN bytes, always terminated;
 * nothing is written when ERR is NULL or ERRLEN is 0) and returns -ERRNUM.
 */
__attribute__((format(printf, 4, 5)))
static inline int lvm_errf(char *err, size_t errlen, int errnum,
			   const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

#endif
