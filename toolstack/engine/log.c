/*
 * log.c — the logging callback (see log.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void log_stderr(void *arg, enum lvm_log_level level, int errnum,
		       const char *msg)
{
	(void)arg;
	(void)level;
	if (errnum)
		fprintf(stderr, "lvm: %s: %s\n", msg, strerror(errnum));
	else
		fprintf(stderr, "lvm: %s\n", msg);
}

static lvm_log_fn *log_fn = log_stderr;
static void *log_arg;
static enum lvm_log_level log_min = LVM_LOG_WARN;

void lvm_log_set(lvm_log_fn *fn, void *arg, enum lvm_log_level min)
{
	log_fn = fn ? fn : log_stderr;
	log_arg = fn ? arg : NULL;
	log_min = min;
}

int lvm_log(enum lvm_log_level level, int errnum, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024];
	va_list ap;

	if (level >= log_min) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		log_fn(log_arg, level, errnum, msg);
	}
	errno = saved;
	return errnum ? -errnum : 0;
}
