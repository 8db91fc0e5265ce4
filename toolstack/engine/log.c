/*
 * log.c — the logging callback, and the per-call-site rate limit in front
 * of it (see log.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "toolstack/common/clock.h"

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

/* The rate limit: off while limit_burst is 0. Under log_lock. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned limit_burst;
static uint64_t limit_interval_ns;
static struct lvm_log_bucket sites[LVM_LOG_SITES];

void lvm_log_set(lvm_log_fn *fn, void *arg, enum lvm_log_level min)
{
	log_fn = fn ? fn : log_stderr;
	log_arg = fn ? arg : NULL;
	log_min = min;
}

void lvm_log_limit(unsigned burst, unsigned interval_ms)
{
	limit_burst = interval_ms ? burst : 0;
	limit_interval_ns = (uint64_t)interval_ms * 1000000u;
	memset(sites, 0, sizeof(sites));
}

bool lvm_log_bucket_take(struct lvm_log_bucket *b, uint64_t now_ns,
			 unsigned burst, uint64_t interval_ns)
{
	uint64_t cost = interval_ns;
	uint64_t cap = cost * burst;

	if (now_ns > b->last_ns) {
		uint64_t d = now_ns - b->last_ns;

		b->credit_ns = d >= cap - b->credit_ns ? cap : b->credit_ns + d;
		b->last_ns = now_ns;
	}
	if (b->credit_ns >= cost) {
		b->credit_ns -= cost;
		return true;
	}
	b->suppressed++;
	return false;
}

/*
 * admit: whether a line of (site) passes the rate limit now; the number
 * of its lines suppressed before it in (*before), and of another site's
 * whose slot it takes in (*evicted). Under log_lock.
 */
static bool admit(const void *site, enum lvm_log_level level,
		  unsigned *before, unsigned *evicted)
{
	struct lvm_log_bucket *b;
	uint64_t now = lvm_now_ns();
	uintptr_t h = (uintptr_t)site;

	*before = *evicted = 0;
	if (!limit_burst)
		return true;
	b = &sites[(h ^ (h >> 6) ^ (h >> 12)) % LVM_LOG_SITES];
	if (b->site != site) {
		*evicted = b->site ? b->suppressed : 0;
		*b = (struct lvm_log_bucket){
			.site = site, .last_ns = now,
			.credit_ns = limit_interval_ns * limit_burst,
		};
	}
	b->level = level;
	if (!lvm_log_bucket_take(b, now, limit_burst, limit_interval_ns))
		return false;
	*before = b->suppressed;
	b->suppressed = 0;
	return true;
}

void lvm_log_flush(void)
{
	char msg[1024];

	pthread_mutex_lock(&log_lock);
	for (unsigned i = 0; i < LVM_LOG_SITES; i++) {
		struct lvm_log_bucket *b = &sites[i];

		if (!b->site || !b->suppressed)
			continue;
		snprintf(msg, sizeof(msg), "%u lines like '%s' were suppressed",
			 b->suppressed, (const char *)b->site);
		b->suppressed = 0;
		if (b->level >= log_min)
			log_fn(log_arg, b->level, 0, msg);
	}
	pthread_mutex_unlock(&log_lock);
}

int lvm_log(enum lvm_log_level level, int errnum, const char *fmt, ...)
{
	int saved = errno;
	unsigned before, evicted;
	char msg[1024];
	va_list ap;

	if (level >= log_min) {
		pthread_mutex_lock(&log_lock);
		if (admit(fmt, level, &before, &evicted)) {
			if (evicted) {
				snprintf(msg, sizeof(msg), "%u lines suppressed",
					 evicted);
				log_fn(log_arg, level, 0, msg);
			}
			if (before) {
				snprintf(msg, sizeof(msg),
					 "%u lines like the next were suppressed",
					 before);
				log_fn(log_arg, level, 0, msg);
			}
			va_start(ap, fmt);
			vsnprintf(msg, sizeof(msg), fmt, ap);
			va_end(ap);
			log_fn(log_arg, level, errnum, msg);
		}
		pthread_mutex_unlock(&log_lock);
	}
	errno = saved;
	return errnum ? -errnum : 0;
}
