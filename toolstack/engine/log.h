/*
 * log.h — how lvmd and the dom0 tools log: one callback, set once per
 * process, that receives (level, errno, message). It defaults to one line
 * on stderr: "lvm: message: strerror(errno)". The engine itself never
 * logs: its errors are values (error.h).
 *
 * The macros are all lvm_log_*, so that none of them shares a name with a
 * function of lvm.h (lvm_info()) and nothing depends on include order.
 */
#ifndef LVM_LOG_H
#define LVM_LOG_H

enum lvm_log_level {
	LVM_LOG_DEBUG = 0,
	LVM_LOG_INFO = 1,
	LVM_LOG_WARN = 2,
	LVM_LOG_ERROR = 3,
};

/* (errnum) is a positive errno, or 0 when the message stands alone. */
typedef void lvm_log_fn(void *arg, enum lvm_log_level level, int errnum,
			const char *msg);

/*
 * lvm_log_set() - route messages at or above (min) to (fn) with (arg);
 * (fn) NULL restores the stderr default. Not thread-safe: call at startup.
 */
void lvm_log_set(lvm_log_fn *fn, void *arg, enum lvm_log_level min);

/*
 * lvm_log() - format (fmt) and pass it to the callback with (level) and
 * (errnum). Keeps errno unchanged. Returns -(errnum) when (errnum) is
 * non-zero, else 0, so a caller can write `return lvm_log(...)`.
 */
int lvm_log(enum lvm_log_level level, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define lvm_log_err(errnum, ...) lvm_log(LVM_LOG_ERROR, (errnum), __VA_ARGS__)
#define lvm_log_warn(errnum, ...) lvm_log(LVM_LOG_WARN, (errnum), __VA_ARGS__)
#define lvm_log_info(...) lvm_log(LVM_LOG_INFO, 0, __VA_ARGS__)
#define lvm_log_debug(...) lvm_log(LVM_LOG_DEBUG, 0, __VA_ARGS__)

#endif
