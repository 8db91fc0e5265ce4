/*
 * log.h — how lvmd and the dom0 tools log: one callback, set once per
 * process, that receives (level, errno, message). It defaults to one line
 * on stderr: "lvm: message: strerror(errno)". The engine itself never
 * logs: its errors are values (error.h). A process may rate-limit what
 * reaches the callback, per call site (lvm_log_limit()).
 *
 * The macros are all lvm_log_*, so that none of them shares a name with a
 * function of lvm.h (lvm_info()) and nothing depends on include order.
 */
#ifndef LVM_LOG_H
#define LVM_LOG_H

#include <stdbool.h>
#include <stdint.h>

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
 * (fn) is called under a lock (lvmd logs from two threads), one message
 * at a time, and must not log itself.
 */
void lvm_log_set(lvm_log_fn *fn, void *arg, enum lvm_log_level min);

/*
 * lvm_log() - format (fmt) and pass it to the callback with (level) and
 * (errnum). Keeps errno unchanged. Returns -(errnum) when (errnum) is
 * non-zero, else 0, so a caller can write `return lvm_log(...)`.
 */
int lvm_log(enum lvm_log_level level, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Rate limit: each call site (its format string) gets a token bucket of
 * (burst) lines, refilled with one line every (interval_ms). A line past it is
 * dropped and counted; the next line of that site that passes is preceded
 * by one "N lines like the next were suppressed" line (at its level; a
 * count whose site's slot is taken by another site is logged as "N lines
 * suppressed"). Off by default (the dom0 tools); lvmd turns it on.
 */
#define LVM_LOG_SITES 64             /* call sites followed at once */

/* One call site's bucket (a slot of the table; exposed for the tests). */
struct lvm_log_bucket {
	const void *site;            /* the format string; NULL: free */
	uint64_t credit_ns;          /* time credit: one line costs the
					interval */
	uint64_t last_ns;            /* monotonic: credit counted up to */
	unsigned suppressed;         /* lines dropped since one passed */
	enum lvm_log_level level;    /* of its last line */
};

/*
 * lvm_log_bucket_take() - whether a line of (b)'s site may pass at
 * (now_ns) (monotonic): (b) is credited for the time since its last line,
 * up to (burst) lines, and charged one line, (interval_ns), if it has the
 * credit; else the line is counted in (b)->suppressed. (burst) and
 * (interval_ns) > 0. Pure.
 */
bool lvm_log_bucket_take(struct lvm_log_bucket *b, uint64_t now_ns,
			 unsigned burst, uint64_t interval_ns);

/*
 * lvm_log_limit() - rate-limit every call site to (burst) lines in a
 * row, then one every (interval_ms); (burst) or (interval_ms) 0 turns it
 * off. Call at startup.
 */
void lvm_log_limit(unsigned burst, unsigned interval_ms);

/*
 * lvm_log_flush() - log, for each call site with lines dropped since its
 * last line that passed, "N lines like 'FORMAT' were suppressed" (at the
 * level of its lines), so that none goes unsaid (lvmd, when it stops).
 */
void lvm_log_flush(void);

#define lvm_log_err(errnum, ...) lvm_log(LVM_LOG_ERROR, (errnum), __VA_ARGS__)
#define lvm_log_warn(errnum, ...) lvm_log(LVM_LOG_WARN, (errnum), __VA_ARGS__)
#define lvm_log_info(...) lvm_log(LVM_LOG_INFO, 0, __VA_ARGS__)
#define lvm_log_debug(...) lvm_log(LVM_LOG_DEBUG, 0, __VA_ARGS__)

#endif
