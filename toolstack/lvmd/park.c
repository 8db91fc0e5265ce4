/*
 * park.c — the image loader's bookkeeping (see park.h): which images are
 * queued, being read or read, and which requests wait for each. Pure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "park.h"

/* find: the slot of the load of (path) under way, -1: none. */
static int find(const struct lvmd_park *p, const char *path)
{
	for (int i = 0; i < LVMD_LOADS; i++)
		if (p->load[i].path && strcmp(p->load[i].path, path) == 0)
			return i;
	return -1;
}

static void append(struct lvmd_load *ld, struct lvmd_waiter *w)
{
	w->next = NULL;
	if (ld->last)
		ld->last->next = w;
	else
		ld->head = w;
	ld->last = w;
}

int lvmd_park_add(struct lvmd_park *p, const char *path,
		  struct lvmd_waiter *w)
{
	int i = find(p, path);
	struct lvmd_load *ld;

	if (i >= 0) {
		append(&p->load[i], w);
		return 0;
	}
	for (i = 0; i < LVMD_LOADS && p->load[i].path; i++)
		;
	if (i == LVMD_LOADS)
		return -EAGAIN;
	ld = &p->load[i];
	memset(ld, 0, sizeof(*ld));
	ld->path = strdup(path);
	if (!ld->path)
		return -ENOMEM;
	ld->seq = ++p->seq;
	append(ld, w);
	return 0;
}

int lvmd_park_next(struct lvmd_park *p)
{
	int best = -1;

	for (int i = 0; i < LVMD_LOADS; i++) {
		const struct lvmd_load *ld = &p->load[i];

		if (ld->path && !ld->running && !ld->done &&
		    (best < 0 || ld->seq < p->load[best].seq))
			best = i;
	}
	if (best >= 0)
		p->load[best].running = true;
	return best;
}

void lvmd_park_done(struct lvmd_park *p, int i, struct lvm_image *img,
		    int rc, const struct lvm_error *err, uint64_t read_ns)
{
	struct lvmd_load *ld = &p->load[i];

	ld->running = false;
	ld->done = true;
	ld->img = img;
	ld->rc = img ? 0 : (rc < 0 ? rc : -EIO);
	memset(&ld->err, 0, sizeof(ld->err));
	if (!img && err)
		ld->err = *err;
	ld->read_ns = read_ns;
}

bool lvmd_park_take(struct lvmd_park *p, struct lvmd_load *out, bool all)
{
	for (int i = 0; i < LVMD_LOADS; i++) {
		struct lvmd_load *ld = &p->load[i];

		if (ld->path && (ld->done || all)) {
			*out = *ld;
			memset(ld, 0, sizeof(*ld));
			return true;
		}
	}
	return false;
}

struct lvmd_waiter *lvmd_park_forget(struct lvmd_park *p, const void *who)
{
	struct lvmd_waiter *gone = NULL, **tail = &gone;

	for (int i = 0; i < LVMD_LOADS; i++) {
		struct lvmd_load *ld = &p->load[i];
		struct lvmd_waiter **pw = &ld->head, *w;

		if (!ld->path)
			continue;
		ld->last = NULL;
		while ((w = *pw)) {
			if (w->who != who) {
				ld->last = w;
				pw = &w->next;
				continue;
			}
			*pw = w->next;
			w->next = NULL;
			*tail = w;
			tail = &w->next;
		}
		if (!ld->head && !ld->running && !ld->done) {
			free(ld->path);          /* nobody wants it read */
			memset(ld, 0, sizeof(*ld));
		}
	}
	return gone;
}

unsigned lvmd_park_count(const struct lvmd_park *p, unsigned *loads)
{
	unsigned n = 0;

	*loads = 0;
	for (int i = 0; i < LVMD_LOADS; i++) {
		if (!p->load[i].path)
			continue;
		(*loads)++;
		for (const struct lvmd_waiter *w = p->load[i].head; w; w = w->next)
			n++;
	}
	return n;
}
