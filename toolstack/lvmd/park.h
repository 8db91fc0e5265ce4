/*
 * park.h — the bookkeeping of lvmd's image loader: the images being read
 * off the control thread and the requests parked until they are. Internal
 * to lvmd.
 *
 * Two layers, as the shell pools have:
 *   - the bookkeeping (park.c): up to LVMD_LOADS images queued or being
 *     read, each with the requests waiting for it in arrival order;
 *     requests naming an image already queued or being read join that
 *     load. Pure: clients, requests and images are opaque pointers, and
 *     nothing here locks, reads or talks to Xen, so it is unit-tested
 *     alone (tests/unit/test_park.c).
 *   - the loader (loader.c): its threads read each queued image
 *     (lvm_image_load) into the bookkeeping under one mutex and wake the
 *     control thread through an eventfd in its poll set; the control
 *     thread takes each finished load and resumes its requests (ops.c).
 */
#ifndef LVMD_PARK_H
#define LVMD_PARK_H

#include <stdbool.h>
#include <stdint.h>

#include "toolstack/engine/error.h"

#define LVMD_LOADS 8                 /* images queued or being read */

struct lvm_image;

/* One parked request. */
struct lvmd_waiter {
	struct lvmd_waiter *next;
	void *who;                   /* its client */
	void *req;                   /* the request, resumed as it came */
	uint64_t t_recv, tsc_recv;   /* when it came */
};

/* One image to read: a free slot while (path) is NULL. */
struct lvmd_load {
	char *path;                  /* as requests name it */
	bool running;                /* a loader thread reads it now */
	bool done;                   /* read: the result below is set */
	uint64_t seq;                /* queued in this order */
	struct lvmd_waiter *head, *last; /* its requests, oldest first */
	/* the result */
	struct lvm_image *img;       /* the image, or NULL and: */
	int rc;                      /* -errno, the line in (err) */
	struct lvm_error err;
	uint64_t read_ns;            /* how long the read took */
};

struct lvmd_park {
	struct lvmd_load load[LVMD_LOADS];
	uint64_t seq;
};

/*
 * lvmd_park_add() - park (w) until the image at (path) is read: it joins
 * the load of that path under way (queued, being read, or read and not
 * taken yet), or queues a new one. Returns 0, -EAGAIN (LVMD_LOADS loads
 * under way already) or -ENOMEM; (w) is the caller's again on failure.
 */
int lvmd_park_add(struct lvmd_park *p, const char *path,
		  struct lvmd_waiter *w);

/*
 * lvmd_park_next() - the oldest queued load, marked running: its slot
 * index (its path stays put until the load is taken), or -1: none queued.
 */
int lvmd_park_next(struct lvmd_park *p);

/*
 * lvmd_park_done() - the load at (i) (running) is read: (img) (taken), or
 * failed with (rc) and (err). (read_ns): how long it took.
 */
void lvmd_park_done(struct lvmd_park *p, int i, struct lvm_image *img,
		    int rc, const struct lvm_error *err, uint64_t read_ns);

/*
 * lvmd_park_take() - move a finished load into (out) (the caller owns its
 * path, image and waiters) and free its slot; with (all), any load at all
 * (queued or running ones too: only once no thread reads any more).
 * false: none.
 */
bool lvmd_park_take(struct lvmd_park *p, struct lvmd_load *out, bool all);

/*
 * lvmd_park_forget() - unlink every request of (who) (a client that is
 * gone) and return them, a list the caller frees. A queued load left with
 * no request is dropped (never read); one being read runs to its end.
 */
struct lvmd_waiter *lvmd_park_forget(struct lvmd_park *p, const void *who);

/* lvmd_park_count() - loads under way (*loads) and requests parked. */
unsigned lvmd_park_count(const struct lvmd_park *p, unsigned *loads);

#endif
