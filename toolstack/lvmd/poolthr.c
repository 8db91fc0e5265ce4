/*
 * poolthr.c — the refill thread of lvmd's shell pools and the main
 * thread's calls into them (see pool.h, lvmd.h). The pools' state is
 * this file's alone (struct lvmd_pools); the thread has its own
 * xc_interface, and everything it shares with the main thread is under
 * the pools' mutex. A failed refill is kept as its shape's last error
 * (shown by `lvm pool`) and logged once, when it starts or changes.
 * A shell built ahead for an image whose application note needs a vif
 * gets that vif's dom0 side made here too (vif.c, lvmd_vif_ready_make():
 * its port and its TAP on lvmd's bridge, through the thread's own netlink
 * socket); a shell that is discarded closes its TAPs. Every shell also
 * gets dom0's ends of its console and sysctl ports bound here, on lvmd's
 * own event channel handle, and unbound when it is discarded (a create
 * takes them over: create.c). The thread also
 * releases, at each turn, what claims of its shells left mapped
 * (lvm_engine_reap()), so that no unmap is on a create's path.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "lvmd.h"
#include "netdev.h"
#include "registry.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/uuid.h"

#define BACKOFF_MS 1000              /* after a failed prepare */

_Static_assert(LVM_ERROR_MAX <= LVM_POOL_ERROR_MAX,
	       "an engine error must fit a pool's last error");

/* The shell pools and their refill thread. */
struct lvmd_pools {
	pthread_mutex_t mu;          /* guards everything below but thr */
	pthread_cond_t cv;           /* wakes the thread: claim, target */
	struct lvmd_pool p;
	bool stop;
	bool backoff;                /* a prepare failed: wait a while */
	bool trim;                   /* lvmd_pools_trim(): trim when idle */
	bool running;
	pthread_t thr;
	xc_interface *xch;           /* the thread's own */
	xenevtchn_handle *xce;       /* lvmd's (l->xce): shells' ports are
					bound ahead on it */
	uint32_t instance;           /* lvmd's, for the shells' uuids */
	struct lvmd *l;              /* for the shells' names (xsname.c) */
	const char *reg_dir;         /* lvmd's registry: the shells' record
					files are made there ahead */
	struct lvm_image *img;       /* the thread's: the last image it built
					shells ahead for */
	struct lvmd_netdev *nd;      /* the thread's netlink socket; NULL:
					no vif is made ahead */
	struct lvmd_netpath *np;     /* lvmd's data path (l->netpath): the
					vifs' ends made ahead are its */
	char bridge[LVM_IFNAME_MAX + 1]; /* lvmd's bridge, for those vifs */
};

/* The handles a shell is discarded with: the caller's thread's
 * hypervisor handle, lvmd's event channel handle its ports were bound on,
 * the registry its record file was made in. */
struct discard {
	xc_interface *xch;
	xenevtchn_handle *xce;
	const char *reg_dir;
	struct lvmd_netpath *np;
	struct lvmd *l;              /* for its name (xsname.c) */
};

/* shell_free: (x), a struct lvmd_shell no create took, released: its
 * ports bound ahead, its record file, its TAPs, its domain. (arg): a
 * struct discard. */
static void shell_free(void *arg, void *x)
{
	const struct discard *d = arg;
	struct lvmd_shell *ls = x;

	lvmd_names_forget(d->l, ls->sh.domid);
	lvmd_port_release_ahead(d->xce, &ls->cons_lport);
	lvmd_port_release_ahead(d->xce, &ls->sys_lport);
	lvm_reg_discard_new(d->reg_dir, ls->sh.domid, &ls->rec_fd);
	lvmd_vif_ready_close(d->np, ls->vif, &ls->nvifs);
	lvm_shell_discard(d->xch, &ls->sh);
	free(ls);
}

/*
 * bind_ahead: dom0's ends of the shell (ls)'s console and sysctl ports,
 * bound now on lvmd's handle, so that a create binds nothing (a bind in
 * Xen scans dom0's ports from 0: it costs more the more guests run). The
 * shell is paused and has never run, so no event comes before a create
 * takes them. One that cannot be bound is left to the create.
 */
static void bind_ahead(struct lvmd_pools *ps, struct lvmd_shell *ls)
{
	const struct lvm_shell *sh = &ls->sh;
	int rc;

	rc = lvmd_port_bind_ahead(ps->xce, sh->domid, sh->console_port);
	ls->cons_lport = rc < 0 ? -1 : rc;
	if (rc >= 0)
		rc = lvmd_port_bind_ahead(ps->xce, sh->domid, sh->sysctl_port);
	ls->sys_lport = rc < 0 ? -1 : rc;
	if (rc < 0)
		lvm_log_warn(-rc, "pool %u MiB x %u vCPUs: d%u: its ports left to the create",
			     sh->memory_mb, sh->vcpus, sh->domid);
}

/*
 * image: the image at (path) as the file is now (what a claim checks
 * against): the thread's last image (*cached) if the file is unchanged,
 * else read again into (*cached). 0, or -errno with the reason in (err).
 */
static int image(const char *path, struct lvm_image **cached,
		 struct lvm_error *err)
{
	if (*cached && lvmd_image_unchanged(*cached, path))
		return 0;
	lvm_image_free(*cached);
	*cached = NULL;
	return lvm_image_load(path, cached, err);
}

/* vifs_of: how many vifs a create of (img) has at least: one if its
 * application note needs a vif (create.c gives it one), else 0. */
static unsigned vifs_of(const struct lvm_image *img)
{
	return img && img->has_app && (img->app.devices & APP_DEV_VIF) ? 1 : 0;
}

/*
 * make_vifs: the vifs a create of the pool's image will have, made ahead
 * for the shell (ls) on lvmd's bridge. One that cannot be made (no
 * bridge, no TAP) is logged and left to the create, which makes it or
 * says why not; the shell is still good.
 */
static void make_vifs(struct lvmd_pools *ps, struct lvmd_shell *ls,
		      const struct lvm_image *img)
{
	unsigned n = vifs_of(img);
	struct lvmd_vif_mem mem = { .layout = &img->vifmem };
	char err[200];

	if (!n || !ps->nd || !ps->bridge[0])
		return;
	mem.frames = lvm_shell_vif0(&ls->sh, &mem.mfn);
	if (lvmd_vif_ready_make(ps->xch, ps->nd, ps->np, ls->sh.domid,
				lvm_shell_noxs_mfn(&ls->sh), &mem, n,
				ps->bridge, ls->vif, err, sizeof(err)) < 0) {
		lvm_log_warn(0, "pool %u MiB x %u vCPUs: d%u: its vif left to the create: %s",
			     ls->sh.memory_mb, ls->sh.vcpus, ls->sh.domid, err);
		return;
	}
	ls->nvifs = n;
}

/*
 * make: one shell for (job) with the thread's handle and lvmd's
 * instance in its uuid, its first pages mapped for the build
 * (lvm_shell_premap; a shell whose premap failed is still a shell, built
 * the usual way), dom0's ends of its ports bound, its guest's record file
 * made (empty), and built ahead if the
 * pool has an
 * image (read first: an image that cannot be read costs no domain), with
 * the vifs that image needs made ahead. NULL with the reason in (err)
 * when it cannot be made.
 */
static struct lvmd_shell *make(struct lvmd_pools *ps,
			       const struct lvmd_pool_job *job,
			       struct lvm_error *err)
{
	struct lvm_image **cached = &ps->img;
	xc_interface *xch = ps->xch;
	struct lvmd_shell *ls;
	struct lvm_shell *sh;
	uint8_t uuid[16];
	int rc;

	if (job->image[0] && image(job->image, cached, err) < 0)
		return NULL;
	ls = calloc(1, sizeof(*ls));
	if (!ls) {
		lvm_error_set(err, ENOMEM, "a shell");
		return NULL;
	}
	ls->cons_lport = ls->sys_lport = -1;
	ls->rec_fd = -1;
	sh = &ls->sh;
	rc = lvm_uuid_new(LVM_UUID_SHELL, ps->instance, uuid);
	if (rc < 0)
		lvm_error_set(err, -rc, "no random uuid");
	else
		rc = lvm_shell_prepare(xch, job->memory_mb, job->vcpus, uuid,
				       false, sh, err);
	if (rc == 0) {
		(void)lvm_shell_premap(sh, LVM_PREMAP_DEFAULT, NULL);
		if (job->image[0])
			rc = lvm_shell_prebuild(xch, sh, *cached, err);
		if (rc < 0)
			lvm_shell_discard(xch, sh);  /* no-op once consumed */
	}
	if (rc < 0) {
		free(ls);
		return NULL;
	}
	bind_ahead(ps, ls);
	/* Its guest's record file, so that the create only writes it; one
	 * that cannot be made is left to the create. */
	rc = lvm_reg_open_new(ps->reg_dir, sh->domid);
	ls->rec_fd = rc < 0 ? -1 : rc;
	if (job->image[0])
		make_vifs(ps, ls, *cached);
	lvmd_names_shell(ps->l, sh->domid, job->image, job->memory_mb);
	return ls;
}

/* failed: (job)'s refill failed with (err): its shape's last error,
 * logged when it is news. Under ps->mu. */
static void failed(struct lvmd_pools *ps, const struct lvmd_pool_job *job,
		   const struct lvm_error *err)
{
	if (lvmd_pool_fail(&ps->p, job, err->msg))
		lvm_log_warn(0, "pool %u MiB x %u vCPUs: refill failed: %s (retried "
			     "every %d ms; logged again only when it changes)",
			     job->memory_mb, job->vcpus, err->msg, BACKOFF_MS);
}

/* discard_unlocked: on the refill thread, with ps->mu held: the shell
 * (x) discarded with its own handles, the mutex let go meanwhile. */
static void discard_unlocked(struct lvmd_pools *ps, void *x)
{
	pthread_mutex_unlock(&ps->mu);
	shell_free(&(struct discard){ ps->xch, ps->xce, ps->reg_dir, ps->np,
				      ps->l }, x);
	pthread_mutex_lock(&ps->mu);
}

static void *refill(void *arg)
{
	struct lvmd_pools *ps = arg;
	struct lvmd_pool_job *job = malloc(sizeof(*job));
	struct lvm_error err;
	struct timespec ts;
	bool worked = false;
	void *x;

	if (!job) {
		lvm_log_err(ENOMEM, "pool: the refill thread has no memory");
		return NULL;
	}
	/* Background work: the control thread, and the commands it answers,
	 * go first on dom0's vCPUs (a thread's nice value is its own). */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
			LVMD_REFILL_NICE) < 0)
		lvm_log_warn(errno, "pool: cannot lower the refill thread's priority");
	pthread_mutex_lock(&ps->mu);
	while (!ps->stop) {
		/* What the claims since the last turn left mapped (the
		 * engine's builds of premapped shells): released here, off
		 * the request path. */
		pthread_mutex_unlock(&ps->mu);
		lvm_engine_reap();
		pthread_mutex_lock(&ps->mu);
		x = lvmd_pool_excess(&ps->p);
		if (x) {
			discard_unlocked(ps, x);
			worked = true;
			continue;
		}
		if (ps->backoff || !lvmd_pool_next(&ps->p, job)) {
			if (worked || ps->trim) {
				/* Idle after freeing shells here, or asked
				 * to (lvmd_pools_trim): the free pages back
				 * (see below). */
				worked = false;
				ps->trim = false;
				pthread_mutex_unlock(&ps->mu);
				malloc_trim(0);
				pthread_mutex_lock(&ps->mu);
				continue;
			}
			if (ps->backoff) {
				clock_gettime(CLOCK_MONOTONIC, &ts);
				ts.tv_sec += BACKOFF_MS / 1000;
				ps->backoff = false;
				pthread_cond_timedwait(&ps->cv, &ps->mu, &ts);
			} else {
				pthread_cond_wait(&ps->cv, &ps->mu);
			}
			continue;
		}
		pthread_mutex_unlock(&ps->mu);
		lvm_error_clear(&err);
		x = make(ps, job, &err);
		/*
		 * Give the free memory of the malloc arenas back before the
		 * shell counts (while it is still "preparing"): a claimed
		 * shell's builder state, built in this thread's arena, is
		 * freed by the control thread when its create finishes, just
		 * before the refill it causes; left there, those pages would
		 * stay resident, fragmented, until some later trim. So once
		 * a pool is full and nothing is preparing, lvmd's memory is
		 * the same whatever the timing: what a client that waits for
		 * that (lvm-bench-lvm --pool, the soak) sees. Off the
		 * control thread.
		 */
		malloc_trim(0);
		pthread_mutex_lock(&ps->mu);
		if (!x) {
			ps->backoff = true;
			failed(ps, job, &err);
		}
		if (!lvmd_pool_done(&ps->p, job, x) && x) {
			discard_unlocked(ps, x);
			worked = true;
		}
	}
	pthread_mutex_unlock(&ps->mu);
	lvm_engine_reap();
	free(job);
	return NULL;
}

int lvmd_pools_init(struct lvmd *l)
{
	struct lvmd_pools *ps = calloc(1, sizeof(*ps));
	pthread_condattr_t ca;

	if (!ps)
		return -ENOMEM;
	pthread_mutex_init(&ps->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ps->cv, &ca);
	pthread_condattr_destroy(&ca);
	lvmd_pool_init(&ps->p);
	l->pools = ps;
	return 0;
}

int lvmd_pools_start(struct lvmd *l)
{
	struct lvmd_pools *ps = l->pools;

	char err[200];
	int r;

	ps->instance = l->instance;
	ps->l = l;
	ps->xce = l->xce;
	ps->reg_dir = l->reg_dir;
	ps->np = l->netpath;
	ps->xch = xc_interface_open(NULL, NULL, 0);
	if (!ps->xch)
		return lvm_log_err(errno ? errno : EIO,
				   "pool: cannot open a hypervisor interface");
	snprintf(ps->bridge, sizeof(ps->bridge), "%s", l->net.bridge);
	if (l->netdev && lvmd_netdev_open(&ps->nd, err, sizeof(err)) < 0)
		lvm_log_warn(0, "pool: %s; no vif is made ahead", err);
	r = pthread_create(&ps->thr, NULL, refill, ps);
	if (r != 0) {
		xc_interface_close(ps->xch);
		ps->xch = NULL;
		lvmd_netdev_close(ps->nd);
		ps->nd = NULL;
		return lvm_log_err(r, "pool: cannot start the refill thread");
	}
	(void)pthread_setname_np(ps->thr, "lvmd-refill"); /* for ps -L */
	ps->running = true;
	return 0;
}

void lvmd_pools_stop(struct lvmd *l)
{
	struct lvmd_pools *ps = l->pools;

	if (!ps)
		return;
	if (ps->running) {
		pthread_mutex_lock(&ps->mu);
		ps->stop = true;
		pthread_cond_signal(&ps->cv);
		pthread_mutex_unlock(&ps->mu);
		pthread_join(ps->thr, NULL);
		ps->running = false;
	}
	lvmd_pool_fini(&ps->p, shell_free,
		       &(struct discard){ l->xch, l->xce, l->reg_dir, l->netpath,
					  l });
	lvm_image_free(ps->img);     /* the thread has stopped */
	ps->img = NULL;
	lvm_engine_reap();           /* claims after its last turn: before
					the handle their buffers came from */
	if (ps->xch)
		xc_interface_close(ps->xch);
	lvmd_netdev_close(ps->nd);   /* after the shells' TAPs */
	pthread_cond_destroy(&ps->cv);
	pthread_mutex_destroy(&ps->mu);
	free(ps);
	l->pools = NULL;
}

/* same_file: whether (path) names the file (img) was read from, in
 * whatever version. (img)'s own path names it: the image was checked
 * against that file just before (lvmd_image_get), no second stat(). */
static bool same_file(const char *path, const struct lvm_image *img)
{
	struct lvm_file_id id;
	struct stat st;

	if (strcmp(path, img->path) == 0)
		return true;
	if (stat(path, &st) != 0)
		return false;
	lvm_file_id_of(&st, &id);
	return lvm_file_match(&id, &img->file) != LVM_FILE_OTHER;
}

static bool fits(const void *shell, const void *img)
{
	return lvm_shell_fits(&((const struct lvmd_shell *)shell)->sh, img);
}

struct lvmd_shell *lvmd_pools_claim(struct lvmd *l, uint32_t memory_mb,
				    uint32_t vcpus, const struct lvm_image *img,
				    bool ramdisk)
{
	struct lvmd_pools *ps = l->pools;
	const char *image;
	void *x = NULL;

	pthread_mutex_lock(&ps->mu);
	image = lvmd_pool_image(&ps->p, memory_mb, vcpus);
	/*
	 * A pool built ahead serves its own image only (the same file, by
	 * whatever path), without ramdisk; a shell built from an older
	 * version of that file is refused by fits() and retires the pool.
	 */
	if (image && image[0] && (ramdisk || !same_file(image, img)))
		lvmd_pool_miss(&ps->p, memory_mb, vcpus);
	else
		x = lvmd_pool_claim(&ps->p, memory_mb, vcpus, fits, img);
	pthread_mutex_unlock(&ps->mu);
	/* Its name as a shell removed, queued: before its guest's, if it
	 * gets one (xsname.c writes in order). Only noxs creates claim
	 * shells (create.c): a XenStore-mode guest's tree is the engine's,
	 * written on this thread, and this removal could land after it. */
	if (x)
		lvmd_names_forget(l, ((struct lvmd_shell *)x)->sh.domid);
	return x;
}

void lvmd_pools_retire(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus)
{
	pthread_mutex_lock(&l->pools->mu);
	lvmd_pool_retire(&l->pools->p, memory_mb, vcpus);
	pthread_cond_signal(&l->pools->cv);
	pthread_mutex_unlock(&l->pools->mu);
}

void lvmd_pools_kick(struct lvmd *l)
{
	pthread_mutex_lock(&l->pools->mu);
	pthread_cond_signal(&l->pools->cv);
	pthread_mutex_unlock(&l->pools->mu);
}

void lvmd_pools_trim(struct lvmd *l)
{
	if (!l->pools || !l->pools->running)
		return;
	pthread_mutex_lock(&l->pools->mu);
	l->pools->trim = true;
	pthread_cond_signal(&l->pools->cv);
	pthread_mutex_unlock(&l->pools->mu);
}

void lvmd_pools_miss(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus)
{
	pthread_mutex_lock(&l->pools->mu);
	lvmd_pool_miss(&l->pools->p, memory_mb, vcpus);
	pthread_mutex_unlock(&l->pools->mu);
}

int lvmd_pools_set(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus,
		   uint32_t target, const char *image)
{
	struct lvmd_pools *ps = l->pools;
	int rc;

	if (memory_mb < LVM_MIN_MEMORY_MB || memory_mb > LVM_MAX_MEMORY_MB ||
	    vcpus < 1 || vcpus > LVM_MAX_VCPUS)
		return -EINVAL;
	pthread_mutex_lock(&ps->mu);
	rc = lvmd_pool_set(&ps->p, memory_mb, vcpus, target, image);
	ps->backoff = false;
	pthread_cond_signal(&ps->cv);
	pthread_mutex_unlock(&ps->mu);
	return rc;
}

bool lvmd_pools_steal(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus,
		      uint32_t *freed_mb)
{
	void *x;

	pthread_mutex_lock(&l->pools->mu);
	x = lvmd_pool_steal(&l->pools->p, memory_mb, vcpus, freed_mb);
	pthread_mutex_unlock(&l->pools->mu);
	if (!x)
		return false;
	lvm_log_info("pool: discarding a %u MiB shell (d%u) for a %u MiB request",
		     *freed_mb, ((struct lvmd_shell *)x)->sh.domid, memory_mb);
	shell_free(&(struct discard){ l->xch, l->xce, l->reg_dir, l->netpath,
					  l }, x);
	return true;
}

bool lvmd_pools_has(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus)
{
	bool has = false;

	pthread_mutex_lock(&l->pools->mu);
	for (unsigned i = 0; i < l->pools->p.nshapes; i++) {
		const struct lvm_pool_info *s = &l->pools->p.shape[i].s;

		if (s->memory_mb == memory_mb && s->vcpus == vcpus)
			has = s->ready > 0;
	}
	pthread_mutex_unlock(&l->pools->mu);
	return has;
}

unsigned lvmd_pools_stats(struct lvmd *l, struct lvm_pool_info *out,
			  unsigned max, uint64_t *other_misses)
{
	unsigned n;

	pthread_mutex_lock(&l->pools->mu);
	for (n = 0; n < l->pools->p.nshapes && n < max; n++)
		out[n] = l->pools->p.shape[n].s;
	*other_misses = l->pools->p.other_misses;
	pthread_mutex_unlock(&l->pools->mu);
	return n;
}
