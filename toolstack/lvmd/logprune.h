/*
 * logprune.h — which console logs of gone guests to remove (logprune.c):
 * the choice alone, over a queue of those logs that the caller fills once
 * from the directory and keeps up to date as guests go, so that no later
 * removal reads the directory. Pure, unit-tested
 * (tests/unit/test_logprune.c). Internal to lvmd.
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

/*
 * The logs of gone guests, oldest first, with their bytes and a lookup by
 * name, kept as guests go (push) and names come back (take), so that a
 * guest's removal costs no directory read however many logs there are.
 */
struct lvmd_gone_log {
	struct lvmd_gone_log *prev, *next;  /* oldest first */
	struct lvmd_gone_log *hnext;        /* its name's hash chain */
	uint64_t bytes;
	char name[];
};

#define LVMD_LOGQ_HASH 1024

struct lvmd_logq {
	struct lvmd_gone_log *head, *tail;
	struct lvmd_gone_log *hash[LVMD_LOGQ_HASH];
	size_t n;                    /* entries */
	uint64_t bytes;              /* their bytes, all */
};

/*
 * lvmd_logq_push() - (name)'s log, of (bytes), is now a gone guest's, the
 * newest; an older entry of the same name is replaced (a guest of that
 * name came and went again). 0, or -ENOMEM (the queue unchanged).
 */
int lvmd_logq_push(struct lvmd_logq *q, const char *name, uint64_t bytes);

/* lvmd_logq_take() - (name)'s entry removed (a new guest took the name
 * and its log); whether there was one. */
bool lvmd_logq_take(struct lvmd_logq *q, const char *name);

/* lvmd_logq_over() - whether the oldest entry must go: more than (kept)
 * entries, or their bytes and (live) (the live guests' logs) together
 * past (budget); false when empty. */
bool lvmd_logq_over(const struct lvmd_logq *q, size_t kept, uint64_t budget,
		    uint64_t live);

/* lvmd_logq_pop() - the oldest entry removed (the caller has copied its
 * name); nothing when empty. */
void lvmd_logq_pop(struct lvmd_logq *q);

/* lvmd_logq_clear() - every entry freed. */
void lvmd_logq_clear(struct lvmd_logq *q);

#endif
