/*
 * logprune.c — the choice of the console logs of gone guests to remove
 * (see logprune.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logprune.h"

/* bucket: (name)'s hash chain (FNV-1a). */
static struct lvmd_gone_log **bucket(struct lvmd_logq *q, const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &q->hash[h % LVMD_LOGQ_HASH];
}

/* unlink_entry: (e) out of the list and of its hash chain, freed. */
static void unlink_entry(struct lvmd_logq *q, struct lvmd_gone_log *e)
{
	struct lvmd_gone_log **pp = bucket(q, e->name);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (e->prev)
		e->prev->next = e->next;
	else
		q->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		q->tail = e->prev;
	q->n--;
	q->bytes -= e->bytes;
	free(e);
}

static struct lvmd_gone_log *find(struct lvmd_logq *q, const char *name)
{
	struct lvmd_gone_log *e = *bucket(q, name);

	while (e && strcmp(e->name, name) != 0)
		e = e->hnext;
	return e;
}

int lvmd_logq_push(struct lvmd_logq *q, const char *name, uint64_t bytes)
{
	size_t len = strlen(name) + 1;
	struct lvmd_gone_log *e = malloc(sizeof(*e) + len), **b;

	if (!e)
		return -ENOMEM;
	lvmd_logq_take(q, name);
	memcpy(e->name, name, len);
	e->bytes = bytes;
	e->next = NULL;
	e->prev = q->tail;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	b = bucket(q, name);
	e->hnext = *b;
	*b = e;
	q->n++;
	q->bytes += bytes;
	return 0;
}

bool lvmd_logq_take(struct lvmd_logq *q, const char *name)
{
	struct lvmd_gone_log *e = find(q, name);

	if (!e)
		return false;
	unlink_entry(q, e);
	return true;
}

bool lvmd_logq_over(const struct lvmd_logq *q, size_t kept, uint64_t budget,
		    uint64_t live)
{
	return q->head && (q->n > kept || q->bytes + live > budget);
}

void lvmd_logq_pop(struct lvmd_logq *q)
{
	if (q->head)
		unlink_entry(q, q->head);
}

void lvmd_logq_clear(struct lvmd_logq *q)
{
	while (q->head)
		unlink_entry(q, q->head);
}
