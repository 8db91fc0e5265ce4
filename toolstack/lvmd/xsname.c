/*
 * xsname.c — the names backend: when xenstored runs, each noxs guest's
 * name (and domid) under /local/domain/<domid>/, where Xen's own tools
 * (`xl list`, `xentop` through libxenstat) look for a domain's name, so
 * that they show lvm's guests by name; removed when the guest is gone.
 * XenStore-mode guests need nothing: the engine writes their whole tree.
 *
 * Never on a create's path: attach and detach only queue a request (a
 * malloc, under a mutex no one holds for long); the thread of this file's
 * own is woken at the end of the loop's turn (lvmd_names_kick()), after
 * the create's reply has gone: a wake-up of a thread asleep on another CPU
 * costs a system call and an interrupt (0.1 to 3 ms in the box). What
 * another thread queues (the refill thread's shells and holders) wakes it
 * at once: no create waits on that thread, and the control thread may
 * have no turn for a long while. With its
 * own XenStore connection, it writes them in batches, one transaction per
 * batch, a few milliseconds after it was woken. With
 * no xenstored at lvmd's start, or `xenstore_names no`, nothing is queued.
 * The code holders (toolstack/engine/code.c) are named too, from the
 * thread that makes or drops them: "lvm-code-" and their image's file
 * name. So are the pools' shells (poolthr.c), "lvm-pool:" and their
 * image's file name or their size, until a create claims one; the
 * requests are written in the order they were queued, so a claimed
 * shell's name is removed before its guest's is written.
 * A request is dropped (and counted in the log) when more than
 * QUEUE_MAX wait: a name is a convenience for other tools, never worth
 * lvmd's memory or time.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"

#define QUEUE_MAX 65536u
#define BATCH_DELAY_NS 5000000L      /* 5 ms: gather a batch */
#define TX_TRIES 8

struct req {
	struct req *next;
	uint32_t domid;
	bool forget;                 /* remove the entries, else write them */
	char name[LVM_NAME_MAX + 1];
};

struct lvmd_xsname {
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req *head, **tail;    /* the queue, under mu */
	unsigned queued;
	unsigned long dropped;       /* under mu */
	bool stop;
	bool kick;                   /* queued by the control thread since
					the last lvmd_names_kick() (atomic:
					set under mu, read without it) */
	pthread_t control;           /* lvmd's control thread: its
					requests wait for the turn's end */
	struct xs_handle *xs;        /* the thread's own */
	unsigned long written, removed, failed; /* the thread's */
};

/* put: queue a request for (domid); under no lock. From the control
 * thread, for the names thread woken at the turn's end; from another
 * (a build's, the refill thread), woken now: it may be the only news in
 * a while, and no create waits on that thread. */
static void put(struct lvmd_xsname *x, uint32_t domid, const char *name,
		bool forget)
{
	struct req *r = NULL;
	bool drop;

	pthread_mutex_lock(&x->mu);
	drop = x->queued >= QUEUE_MAX;
	pthread_mutex_unlock(&x->mu);
	if (!drop)
		r = malloc(sizeof(*r));
	pthread_mutex_lock(&x->mu);
	if (!r) {
		if (x->dropped++ == 0)
			lvm_log_warn(0, "names: a XenStore name request was dropped (%s); "
				     "logged once, counted at exit",
				     drop ? "too many waiting" : "no memory");
		pthread_mutex_unlock(&x->mu);
		return;
	}
	r->next = NULL;
	r->domid = domid;
	r->forget = forget;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	*x->tail = r;
	x->tail = &r->next;
	x->queued++;
	if (pthread_equal(pthread_self(), x->control))
		__atomic_store_n(&x->kick, true, __ATOMIC_RELAXED);
	else
		pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

void lvmd_names_kick(struct lvmd *l)
{
	struct lvmd_xsname *x = l->xsname;

	if (!x || !__atomic_exchange_n(&x->kick, false, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&x->mu);
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

/* apply: one request within transaction (t). false if XenStore refused. */
static bool apply(struct lvmd_xsname *x, xs_transaction_t t,
		  const struct req *r)
{
	char path[64], val[16];

	snprintf(path, sizeof(path), "/local/domain/%u", r->domid);
	if (r->forget)
		return xs_rm(x->xs, t, path) || errno == ENOENT;
	snprintf(path, sizeof(path), "/local/domain/%u/name", r->domid);
	if (!xs_write(x->xs, t, path, r->name, strlen(r->name)))
		return false;
	snprintf(path, sizeof(path), "/local/domain/%u/domid", r->domid);
	snprintf(val, sizeof(val), "%u", r->domid);
	return xs_write(x->xs, t, path, val, strlen(val));
}

/* write_batch: the requests (b) in one transaction, retried when another
 * writer raced it (EAGAIN). */
static void write_batch(struct lvmd_xsname *x, const struct req *b)
{
	const struct req *r;
	xs_transaction_t t;
	bool ok = true;

	for (int tries = 0; tries < TX_TRIES; tries++) {
		t = xs_transaction_start(x->xs);
		if (t == XBT_NULL)
			break;
		ok = true;
		for (r = b; r && ok; r = r->next)
			ok = apply(x, t, r);
		if (xs_transaction_end(x->xs, t, !ok) && ok) {
			for (r = b; r; r = r->next)
				r->forget ? x->removed++ : x->written++;
			return;
		}
		if (ok && errno != EAGAIN)
			break;
		if (!ok)
			break;
	}
	for (r = b; r; r = r->next)
		x->failed++;
	lvm_log_warn(errno, "names: XenStore refused a batch of names");
}

static void *thread_main(void *arg)
{
	struct lvmd_xsname *x = arg;
	struct timespec delay = { 0, BATCH_DELAY_NS };
	struct req *b, *next;

	pthread_mutex_lock(&x->mu);
	for (;;) {
		while (!x->head && !x->stop)
			pthread_cond_wait(&x->cv, &x->mu);
		if (!x->head)
			break; /* stopping, nothing left */
		if (!x->stop) {
			pthread_mutex_unlock(&x->mu);
			nanosleep(&delay, NULL);
			pthread_mutex_lock(&x->mu);
		}
		b = x->head;
		x->head = NULL;
		x->tail = &x->head;
		x->queued = 0;
		pthread_mutex_unlock(&x->mu);
		write_batch(x, b);
		for (; b; b = next) {
			next = b->next;
			free(b);
		}
		/* The batch's free memory back (libxenstore's buffers, in
		 * this thread's malloc arena): resident otherwise until some
		 * other trim, so lvmd's memory at rest would depend on which
		 * came last (poolthr.c trims too). */
		malloc_trim(0);
		pthread_mutex_lock(&x->mu);
	}
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

static int names_setup(struct lvmd *l)
{
	struct lvmd_xsname *x;
	int r;

	if (!l->xs_names)
		return 0;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	/* Without xenstored, libxenstore would fall back to the kernel's
	 * xenbus device (XS_OPEN_SOCKETONLY is ignored), where requests wait
	 * forever: ask first. */
	x->xs = lvmd_xenstored_listening() ? xs_open(0) : NULL;
	if (!x->xs) {
		lvm_log_debug("names: no xenstored; guests' names not published");
		free(x);
		return 0;
	}
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	x->tail = &x->head;
	x->control = pthread_self(); /* setup runs on it (main.c) */
	r = pthread_create(&x->thr, NULL, thread_main, x);
	if (r != 0) {
		xs_close(x->xs);
		free(x);
		lvm_log_warn(r, "names: cannot start its thread; guests' names not published");
		return 0;
	}
	(void)pthread_setname_np(x->thr, "lvmd-names"); /* for ps -L */
	l->xsname = x;
	return 0;
}

/* names_attach: a noxs guest's name, queued. Never fails a create. */
static int names_attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	(void)flags;
	if (!l->xsname || g->ctl->xenstore)
		return 0;
	put(l->xsname, g->rec.domid, g->rec.name, false);
	g->xsname_on = true;
	return 0;
}

static int names_adopt(struct lvmd *l, struct guest *g)
{
	return names_attach(l, g, 0);
}

/* names_detach: only a guest gone for good loses its name (a detach
 * before the drop, or at lvmd's exit, keeps it). */
static void names_detach(struct lvmd *l, struct guest *g, bool gone)
{
	if (!gone || !g->xsname_on || !l->xsname)
		return;
	g->xsname_on = false;
	put(l->xsname, g->rec.domid, NULL, true);
}

/* image_name: (prefix) and the file name of (image) (cut to fit), the
 * name of a domain lvmd keeps for that image, into (buf). */
static void image_name(char buf[LVM_NAME_MAX + 1], const char *prefix,
		       const char *image)
{
	const char *base = strrchr(image, '/');

	snprintf(buf, LVM_NAME_MAX + 1, "%s%s", prefix,
		 base ? base + 1 : image);
}

void lvmd_names_holder(void *arg, uint32_t domid, const char *image,
		       bool made)
{
	struct lvmd *l = arg;
	char name[LVM_NAME_MAX + 1];

	if (!l->xsname)
		return;
	if (!made) {
		put(l->xsname, domid, NULL, true);
		return;
	}
	image_name(name, "lvm-code-", image ? image : "");
	put(l->xsname, domid, name, false);
}

void lvmd_names_forget(struct lvmd *l, uint32_t domid)
{
	if (l->xsname)
		put(l->xsname, domid, NULL, true);
}

void lvmd_names_shell(struct lvmd *l, uint32_t domid, const char *image,
		      uint32_t memory_mb)
{
	char name[LVM_NAME_MAX + 1];

	if (!l->xsname)
		return;
	if (image[0])
		image_name(name, "lvm-pool:", image);
	else
		snprintf(name, sizeof(name), "lvm-pool:%uM", memory_mb);
	put(l->xsname, domid, name, false);
}

/* names_teardown: at lvmd's exit: write what is queued, stop the
 * thread, close its connection. Names of guests left running stay. */
static void names_teardown(struct lvmd *l)
{
	struct lvmd_xsname *x = l->xsname;
	struct timespec until;

	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->stop = true;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	/* A xenstored that stopped answering must not hold lvmd's exit:
	 * wait 2 s at most, then leave the thread to the process's end. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	if (pthread_timedjoin_np(x->thr, NULL, &until) != 0) {
		lvm_log_warn(0, "names: XenStore did not answer within 2 s at exit; "
			     "names queued are not written");
		l->xsname = NULL;
		return;
	}
	lvm_log_debug("names: %lu written, %lu removed, %lu refused, %lu dropped",
		      x->written, x->removed, x->failed, x->dropped);
	xs_close(x->xs);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x);
	l->xsname = NULL;
}

const struct lvmd_backend lvmd_backend_names = {
	.name = "names",
	.usage = "noxs guests' names in XenStore for xl list and xentop, "
		 "written off the create's path (when xenstored runs)",
	.setup = names_setup,
	.teardown = names_teardown,
	.attach = names_attach,
	.adopt = names_adopt,
	.detach = names_detach,
};
