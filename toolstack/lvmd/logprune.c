/*
 * logprune.c — the choice of the console logs of gone guests to remove
 * (see logprune.h).
 */
#include "logprune.h"

/* oldest: the oldest gone entry not yet dropped, or NULL. */
static struct lvmd_log_entry *oldest(struct lvmd_log_entry *e, size_t n)
{
	struct lvmd_log_entry *o = NULL;

	for (size_t i = 0; i < n; i++)
		if (!e[i].live && !e[i].drop &&
		    (!o || e[i].mtime_ns < o->mtime_ns))
			o = &e[i];
	return o;
}

size_t lvmd_logs_choose(struct lvmd_log_entry *e, size_t n, size_t kept,
			uint64_t budget)
{
	uint64_t bytes = 0;
	size_t gone = 0, dropped = 0;
	struct lvmd_log_entry *o;

	for (size_t i = 0; i < n; i++) {
		e[i].drop = false;
		bytes += e[i].bytes;
		gone += !e[i].live;
	}
	while ((gone > kept || bytes > budget) && (o = oldest(e, n))) {
		o->drop = true;
		bytes -= o->bytes;
		gone--;
		dropped++;
	}
	return dropped;
}
