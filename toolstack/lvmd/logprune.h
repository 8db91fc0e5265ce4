/*
 * logprune.h — which console logs of gone guests to remove (logprune.c):
 * the choice alone, over a list the caller made from the directory. Pure,
 * unit-tested (tests/unit/test_logprune.c). Internal to lvmd.
 *
 * The logs of live guests are never chosen (each is capped, console.c);
 * those of gone guests are kept, for their owners to read why a guest
 * died, until there are more than (kept) of them or all the logs together
 * pass (budget) bytes: then the oldest gone ones go first.
 */
#ifndef LVMD_LOGPRUNE_H
#define LVMD_LOGPRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lvmd_log_entry {
	uint64_t bytes;              /* NAME.log and NAME.log.1 together */
	int64_t mtime_ns;            /* the newest of the two */
	bool live;                   /* its guest is managed now */
	bool drop;                   /* out: remove it */
};

/*
 * lvmd_logs_choose() - mark (drop) on the gone guests' entries of (e)
 * (n of them) to remove, oldest (mtime) first, until at most (kept) gone
 * ones remain and the bytes of all left are at most (budget) (or no gone
 * one is left). Returns how many are marked.
 */
size_t lvmd_logs_choose(struct lvmd_log_entry *e, size_t n, size_t kept,
			uint64_t budget);

#endif
