/*
 * error.h — the engine's errors as values. A function of the engine that
 * can fail takes an explicit (struct lvm_error *err) out-parameter, fills
 * it on failure with the errno it returns and one line saying what went
 * wrong, and never logs: the caller decides what to do with the line
 * (lvmd sends it to its client unchanged, or shows it in `lvm pool`).
 */
#ifndef LVM_ENGINE_ERROR_H
#define LVM_ENGINE_ERROR_H

#define LVM_ERROR_MAX 256            /* bytes of a message, NUL included */

struct lvm_error {
	int code;                    /* positive errno; 0: no error */
	char msg[LVM_ERROR_MAX];     /* one line: what failed, then
					": strerror(code)" */
};

/*
 * lvm_error_set() - fill (err) with (errnum) (a positive errno, 0 taken as
 * EIO) and the line (fmt) followed by ": strerror(errnum)"; control bytes
 * are escaped (lvm_escape(), lvm.h: \n, \xHH), so it stays one line. (err) may be NULL: nothing is kept.
 * Keeps errno unchanged. Returns -(errnum), for `return lvm_error_set(...)`.
 */
int lvm_error_set(struct lvm_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* lvm_error_clear() - (err) says "no error" again. NULL-safe. */
void lvm_error_clear(struct lvm_error *err);

#endif
