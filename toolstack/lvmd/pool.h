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
 * A shell's domain handle (uuid) starts with LVMD_SHELL_UUID_PREFIX, so a
 * restarted lvmd can tell shells (whose libxenguest state died with the old
 * process: destroyed) from guests (LVMD_UUID_PREFIX: adopted).
 */
#ifndef LVMD_POOL_H
#define LVMD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LVMD_SHELL_UUID_PREFIX "lvm\0sh\x01\x00"
#define LVMD_SHELL_UUID_PREFIX_LEN 8
#define LVMD_POOL_SHAPES 16          /* shapes at most */
#define LVMD_POOL_TARGET_MAX 1024    /* shells per shape at most */

/* What a domain handle says about a domain. */
enum lvmd_uuid_kind { LVMD_UUID_OTHER, LVMD_UUID_GUEST, LVMD_UUID_SHELL };

/* lvmd_uuid_kind() - classify the 16-byte domain handle (uuid). */
enum lvmd_uuid_kind lvmd_uuid_kind(const uint8_t uuid[16]);

struct lvmd_pool_stats {
	uint32_t memory_mb, vcpus, target;
	uint32_t ready, preparing;
	uint64_t hits, misses;
};

struct lvmd_pool_shape {
	struct lvmd_pool_stats s;
	void **ready;                /* a stack of (s.ready) shells */
	uint32_t cap;
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
 * (target), creating the shape if new. Shells beyond the target are given
 * back by lvmd_pool_excess(). Returns 0, -EINVAL (a zero memory or vcpus,
 * a target above LVMD_POOL_TARGET_MAX), -ENOSPC (LVMD_POOL_SHAPES shapes
 * already), -ENOMEM.
 */
int lvmd_pool_set(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		  uint32_t target);

/*
 * lvmd_pool_claim() - a ready shell of exactly shape (memory_mb, vcpus),
 * counted as a hit; or NULL, counted as a miss of that shape (or of
 * "other" when no pool has it). A request that cannot use a shell at all
 * (XenStore mode) is a miss all the same: lvmd_pool_miss().
 */
void *lvmd_pool_claim(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus);

/* lvmd_pool_miss() - count a miss for (memory_mb, vcpus). */
void lvmd_pool_miss(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus);

/*
 * lvmd_pool_next() - the shape that needs one more shell (ready +
 * preparing below its target), first in order; its (memory_mb, vcpus) in
 * the out parameters and its preparing count raised. false: none does.
 */
bool lvmd_pool_next(struct lvmd_pool *p, uint32_t *memory_mb,
		    uint32_t *vcpus);

/*
 * lvmd_pool_done() - a shell lvmd_pool_next() asked for is done: (shell)
 * (NULL: preparing it failed). Lowers the preparing count. Returns true
 * when the shell was stored; false when the caller must discard it (the
 * target dropped meanwhile, the shape is gone, or no memory).
 */
bool lvmd_pool_done(struct lvmd_pool *p, uint32_t memory_mb, uint32_t vcpus,
		    void *shell);

/* lvmd_pool_excess() - a ready shell above its shape's target, taken out
 * for the caller to discard; NULL if none. */
void *lvmd_pool_excess(struct lvmd_pool *p);

/*
 * lvmd_pool_steal() - a ready shell of any shape other than (memory_mb,
 * vcpus), largest memory first, taken out for the caller to discard so a
 * request can have its memory; NULL if none. (*freed_mb) gets its size.
 */
void *lvmd_pool_steal(struct lvmd_pool *p, uint32_t memory_mb,
		      uint32_t vcpus, uint32_t *freed_mb);

/* lvmd_pool_ready_mb() - MiB held by ready shells, all shapes. */
uint64_t lvmd_pool_ready_mb(const struct lvmd_pool *p);

/* lvmd_pool_parse() - parse "MEM:VCPUS:TARGET" (or with spaces or 'x' as
 * separators) into the out parameters. 0 or -EINVAL. */
int lvmd_pool_parse(const char *s, uint32_t *memory_mb, uint32_t *vcpus,
		    uint32_t *target);

#endif
