/*
 * pool.h — lvmd's pools of pre-created VM shells, one per shape (memory
 * MiB, vCPUs). Internal to lvmd.
 *
 * Two layers:
 *   - the bookkeeping (pool.c): shapes, their targets, the shells ready in
 *     each, how many are being prepared, hits and misses. Pure: the shells
 *     are opaque pointers and nothing here locks or talks to Xen, so it is
 *     unit-tested without Xen (tests/unit/test_pool.c).
 *   - the refill thread (poolthr.c): its own xc_interface, preparing shells
 *     into the bookkeeping under one mutex, woken by a condition variable
 *     after a claim or a target change. The main loop only pops a ready
 *     shell, O(1).
 *
 * A shell's domain handle (uuid) starts with the shell prefix of
 * toolstack/engine/uuid.h, so a restarted lvmd can tell shells (whose
 * libxenguest state died with the old process: destroyed) from guests
 * (adopted).
 */
#ifndef LVMD_POOL_H
#define LVMD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lvm.h>

#define LVMD_POOL_SHAPES 16          /* shapes at most */
#define LVMD_POOL_TARGET_MAX 1024    /* shells per shape at most */
#define LVMD_POOL_IMAGE_MAX LVM_POOL_IMAGE_MAX /* bytes of a pool's image
					path, NUL in */

struct lvmd_pool_shape {
	struct lvm_pool_info s;      /* what `lvm pool` shows of it */
	void **ready;                /* a stack of (s.ready) shells */
	uint32_t cap;
	void **retired;              /* shells of an earlier image, to be */
	uint32_t nretired, retcap;   /* discarded (lvmd_pool_excess) */
	uint32_t gen;                /* bumped when the image changes */
};

struct lvmd_pool {
	struct lvmd_pool_shape shape[LVMD_POOL_SHAPES];
	unsigned nshapes;
	uint64_t other_misses;       /* requests of a shape without a pool */
};

/* lvmd_pool_init() - an empty (p). */
void lvmd_pool_init(struct lvmd_pool *p);

/*
 * lvmd_pool_fini() - free (p)'s memory; each shell still ready is handed
 * to (discard)(arg, shell) first. (discard) may be NULL.
 */
void lvmd_pool_fini(struct lvmd_pool *p, void (*discard)(void *, void *),
		    void *arg);

/*
 * lvmd_pool_set() - set the target of shape (memory_mb, vcpus) to
 * (target) and its image to (image) (NULL or "": shells not built ahead),
 * creating the shape if new. Shells beyond the target, and those built for
 * another image when the image changes, are given back by
 * lvmd_pool_excess(). Returns 0, -EINVAL (a zero memory or vcpus, a target
 * above LVMD_POOL_TARGET_MAX, an image path not absolute or of
 * LVMD_POOL_IMAGE_MAX bytes or more), -ENOSPC (LVMD_POOL_SHAPES shapes
 * already), -ENOMEM.
 */
int lvmd_pool_set(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		  uint32_t target, const char *image);

/* lvmd_pool_image_ok() - whether (image) can name a pool's image: an
 * absolute path shorter than LVMD_POOL_IMAGE_MAX bytes. */
bool lvmd_pool_image_ok(const char *image);

/*
 * lvmd_pool_retire() - every ready shell of shape (memory_mb, vcpus) is
 * out of date (its image file changed): hand them to lvmd_pool_excess()
 * and refill. No-op for an unknown shape.
 */
void lvmd_pool_retire(struct lvmd_pool *p, uint32_t memory_mb,
		      uint32_t vcpus);

/*
 * lvmd_pool_claim() - a ready shell of exactly shape (memory_mb, vcpus)
 * that (fits)(shell, arg) accepts (NULL: any), counted as a hit; or NULL,
 * counted as a miss of that shape (or of "other" when no pool has it). A
 * shell (fits) refuses (built ahead for another image, or for an older
 * version of the file) is not taken: the shape's ready shells are retired
 * (lvmd_pool_retire) and it is a miss. A request that cannot use a shell
 * at all (XenStore mode) is a miss all the same: lvmd_pool_miss().
 */
void *lvmd_pool_claim(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		      bool (*fits)(const void *shell, const void *arg),
		      const void *arg);

/* lvmd_pool_miss() - count a miss for (memory_mb, vcpus). */
void lvmd_pool_miss(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus);

/* What the refill thread is to make next (lvmd_pool_next). */
struct lvmd_pool_job {
	uint32_t memory_mb, vcpus;
	uint32_t gen;                /* the shape's image generation */
	char image[LVMD_POOL_IMAGE_MAX]; /* build it ahead for this; "": no */
};

/*
 * lvmd_pool_next() - the shape that needs one more shell (ready +
 * preparing below its target), first in order, described in (*job), its
 * preparing count raised. false: none does.
 */
bool lvmd_pool_next(struct lvmd_pool *p, struct lvmd_pool_job *job);

/*
 * lvmd_pool_done() - the shell (job) asked for is done: (shell) (NULL:
 * preparing it failed: lvmd_pool_fail() first). Lowers the preparing
 * count; a shell of the shape's current image also clears its last error.
 * Returns true when the shell was stored; false when the caller must
 * discard it (the target dropped meanwhile, the image changed, the shape
 * is gone, or no memory).
 */
bool lvmd_pool_done(struct lvmd_pool *p, const struct lvmd_pool_job *job,
		    void *shell);

/*
 * lvmd_pool_fail() - preparing the shell (job) asked for failed with
 * (msg) (one line): it becomes the shape's last error (s.error), cut to
 * LVM_POOL_ERROR_MAX - 1 bytes, less a leading "dN: " (that domain is
 * gone, and the same failure should read the same each time). Returns
 * true when that is news (the shape had no error, or another one): the
 * caller logs it then, and only then. false also for a gone shape or an
 * older image's job.
 */
bool lvmd_pool_fail(struct lvmd_pool *p, const struct lvmd_pool_job *job,
		    const char *msg);

/* lvmd_pool_excess() - a retired shell, or a ready shell above its
 * shape's target, taken out for the caller to discard; NULL if none. */
void *lvmd_pool_excess(struct lvmd_pool *p);

/*
 * lvmd_pool_steal() - a ready shell of any shape other than (memory_mb,
 * vcpus), largest memory first, taken out for the caller to discard so a
 * request can have its memory; NULL if none. (*freed_mb) gets its size.
 */
void *lvmd_pool_steal(struct lvmd_pool *p, uint32_t memory_mb,
		      uint32_t vcpus, uint32_t *freed_mb);

/* lvmd_pool_image() - shape (memory_mb, vcpus)'s image ("" for none), or
 * NULL for an unknown shape. Valid until the next change to (p). */
const char *lvmd_pool_image(const struct lvmd_pool *p, uint32_t memory_mb,
			    uint32_t vcpus);

/* lvmd_pool_ready_mb() - MiB held by ready shells, all shapes. */
uint64_t lvmd_pool_ready_mb(const struct lvmd_pool *p);

/*
 * lvmd_pool_parse() - parse "MEM:VCPUS:TARGET[:IMAGE]" (or with spaces or
 * 'x' as separators; IMAGE an absolute path, after ':' or spaces) into the
 * out parameters; (image) (LVMD_POOL_IMAGE_MAX bytes) gets "" without one.
 * 0 or -EINVAL.
 */
int lvmd_pool_parse(const char *s, uint32_t *memory_mb, uint32_t *vcpus,
		    uint32_t *target, char *image);

#endif
