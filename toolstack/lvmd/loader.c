/*
 * loader.c — lvmd's image loader: threads that read (and check) the
 * images requests name, off the control thread, so that a large image
 * stalls only the requests that wait for it (see park.h, lvmd.h). The
 * loader's state is this file's alone (struct lvmd_loader); its threads
 * share only the bookkeeping (park.c), under its mutex, and hand each
 * result over whole: the control thread, woken through an eventfd in its
 * poll set, takes it and owns it from then on (the image cache stays the
 * control thread's). Started at the first load, stopped by
 * lvmd_loader_stop().
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lvmd.h"
#include "park.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"

struct lvmd_loader {
	pthread_mutex_t mu;          /* guards p and stop */
	pthread_cond_t cv;           /* wakes the threads: a load queued */
	struct lvmd_park p;
	bool stop;
	int efd;                     /* the control thread's wake-up */
	pthread_t thr[LVMD_LOAD_THREADS];
	unsigned nthr;
};

static void *reader(void *arg)
{
	struct lvmd_loader *ld = arg;
	struct lvm_image *img;
	struct lvm_error err;
	uint64_t one = 1, t0;
	const char *path;
	int i, rc;

	pthread_mutex_lock(&ld->mu);
	while (!ld->stop) {
		i = lvmd_park_next(&ld->p);
		if (i < 0) {
			pthread_cond_wait(&ld->cv, &ld->mu);
			continue;
		}
		/* The slot's path stays put while the load runs. */
		path = ld->p.load[i].path;
		pthread_mutex_unlock(&ld->mu);
		img = NULL;
		lvm_error_clear(&err);
		t0 = lvm_step_start();
		rc = lvm_image_load(path, &img, &err);
		pthread_mutex_lock(&ld->mu);
		lvmd_park_done(&ld->p, i, rc < 0 ? NULL : img, rc, &err,
			       lvm_step_ns(t0));
		/* Cannot fail but by overflowing a counter of 2^64 - 2. */
		(void)!write(ld->efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&ld->mu);
	return NULL;
}

/* start: (l)'s loader, its threads running. Returns 0 or -errno. */
static int start(struct lvmd *l)
{
	struct lvmd_loader *ld = calloc(1, sizeof(*ld));
	int r;

	if (!ld)
		return -ENOMEM;
	ld->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ld->efd < 0) {
		r = -errno;
		free(ld);
		return r;
	}
	pthread_mutex_init(&ld->mu, NULL);
	pthread_cond_init(&ld->cv, NULL);
	l->loader = ld;
	for (unsigned i = 0; i < LVMD_LOAD_THREADS; i++) {
		r = pthread_create(&ld->thr[i], NULL, reader, ld);
		if (r != 0) {
			lvmd_loader_stop(l);
			return -r;
		}
		/* Named for ps -L and top -H; a name is only a label. */
		(void)pthread_setname_np(ld->thr[i], "lvmd-loader");
		ld->nthr++;
	}
	return 0;
}

int lvmd_loader_park(struct lvmd *l, struct client *c, const char *path,
		     json_object *req, uint64_t t_recv, uint64_t tsc_recv)
{
	struct lvmd_waiter *w;
	int rc;

	if (!l->loader && (rc = start(l)) < 0)
		return rc;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct lvmd_waiter){ .who = c, .req = json_object_get(req),
				   .t_recv = t_recv, .tsc_recv = tsc_recv };
	pthread_mutex_lock(&l->loader->mu);
	rc = lvmd_park_add(&l->loader->p, path, w);
	pthread_cond_signal(&l->loader->cv);
	pthread_mutex_unlock(&l->loader->mu);
	if (rc < 0)
		lvmd_waiters_free(w);
	return rc;
}

int lvmd_loader_fd(const struct lvmd *l)
{
	return l->loader ? l->loader->efd : -1;
}

bool lvmd_loader_take(struct lvmd *l, struct lvmd_load *out)
{
	struct lvmd_loader *ld = l->loader;
	uint64_t n;
	bool got;

	if (!ld)
		return false;
	(void)!read(ld->efd, &n, sizeof(n));     /* counts nothing: empty it */
	pthread_mutex_lock(&ld->mu);
	got = lvmd_park_take(&ld->p, out, false);
	pthread_mutex_unlock(&ld->mu);
	return got;
}

void lvmd_loader_forget(struct lvmd *l, struct client *c)
{
	struct lvmd_waiter *gone;

	if (!l->loader)
		return;
	pthread_mutex_lock(&l->loader->mu);
	gone = lvmd_park_forget(&l->loader->p, c);
	pthread_mutex_unlock(&l->loader->mu);
	lvmd_waiters_free(gone);
}

void lvmd_waiters_free(struct lvmd_waiter *w)
{
	struct lvmd_waiter *next;

	for (; w; w = next) {
		next = w->next;
		json_object_put(w->req);
		free(w);
	}
}

void lvmd_load_free(struct lvmd_load *ld)
{
	lvm_image_free(ld->img);
	lvmd_waiters_free(ld->head);
	free(ld->path);
}

void lvmd_loader_stop(struct lvmd *l)
{
	struct lvmd_loader *ld = l->loader;
	struct lvmd_load left;

	if (!ld)
		return;
	pthread_mutex_lock(&ld->mu);
	ld->stop = true;
	pthread_cond_broadcast(&ld->cv);
	pthread_mutex_unlock(&ld->mu);
	/* A thread reading finishes its image first. */
	for (unsigned i = 0; i < ld->nthr; i++)
		pthread_join(ld->thr[i], NULL);
	while (lvmd_park_take(&ld->p, &left, true))
		lvmd_load_free(&left);
	close(ld->efd);
	pthread_cond_destroy(&ld->cv);
	pthread_mutex_destroy(&ld->mu);
	free(ld);
	l->loader = NULL;
}
