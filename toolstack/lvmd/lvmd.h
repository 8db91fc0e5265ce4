/*
 * lvmd.h — the dom0 daemon's state (struct lvmd), its limits, and the
 * calls of the files that have no header of their own. Internal to lvmd.
 *
 * lvmd is one thread around one poll(): the listening socket, its clients,
 * one xenevtchn handle (every guest's backend ports, and VIRQ_DOM_EXC when
 * it can have it) and timers. Nothing blocks on a guest. A second thread
 * refills the shell pools (pool.h, poolthr.c); it shares only the pools'
 * state, opaque outside poolthr.c, under its mutex.
 *
 * Files, in layers: each file calls only files of its own layer's line or
 * of the lines below it (and the engine, toolstack/engine/, below all).
 *
 *   main.c      options, startup, daemon mode, shutdown
 *   loop.c      the poll loop: timers, port events, clients, the reaper
 *   server.c    the socket: accepting, requests framed and dispatched
 *   ops.c       the requests, one function each
 *   client.c    clients (client.h): buffers, replies, replies held until
 *               a guest is ready or gone, console mode; the guest hooks
 *   reaper.c    domains that shut down, crashed or vanished
 *   create.c    building a guest (and again after its reboot); adopt.c:
 *               records taken back after a restart, stale shells
 *   guest.c     one guest's life (guest.h): pages mapped, the backends
 *               attached and detached through the table, destroy, drop
 *   backends.c  the backend table (backend.h): every backend's calls, and
 *               port events routed to the backend that bound the port
 *   console.c, sysctl.c, xenstore.c   the backends; sysctl.c and
 *               xenstore.c also hold the two controls (noxs, XenStore)
 *   table.c     the guest table (guest.h): lookups, records, doom marks;
 *               ports.c: the event channel ports, who owns them, and
 *               each one's event budget (events past it deferred)
 *   images.c, pool.c, poolthr.c, registry.c, cons_ring.c, bucket.c,
 *   logprune.c  leaves: the image cache, the shell pools and their refill
 *               thread, records on disk, the console ring, a port's token
 *               bucket, which console logs of gone guests to remove
 *
 * Upward news goes through one narrow door: struct lvmd_hooks (guest.h),
 * set once by main.c to client.c's handlers. A lower file that must tell
 * the clients something (a guest is ready, gone, wrote to its console, is
 * rebuilt after a reboot) calls l->hooks, never client.c by name.
 *
 * Lifetimes: a guest is freed only by lvmd_guest_drop(); code that finds a
 * guest misbehaving while handling one of its events calls
 * lvmd_guest_doom(), and the loop destroys doomed guests once the event is
 * handled. Clients pointing at a dropped guest are told first (hooks).
 */
#ifndef LVMD_H
#define LVMD_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>

#include <lvm.h>

#include "pool.h"
#include "toolstack/proto/proto.h"

#define LVMD_MAX_DOMID 0x7ff0        /* DOMID_FIRST_RESERVED */
#define LVMD_MAX_CLIENTS 256
#define LVMD_CLIENT_OUT_MAX (1u << 20) /* a client this far behind (its
					  console or replies unread) is
					  dropped */
#define LVMD_CLIENT_OUT_PAUSE (256u << 10) /* with this many reply bytes
					      unread, a client's requests
					      wait */
#define LVMD_CONSOLE_REPLAY (64u << 10) /* log bytes sent on attach */
#define LVMD_LOG_MAX (1u << 20)      /* a console log this big is moved to
					NAME.log.1 and started anew */
#define LVMD_REAP_POLL_MS 100        /* reaper period without VIRQ_DOM_EXC */
#define LVMD_READY_POLL_MS 5         /* ready-mark polling while waited on */
#define LVMD_PORT_RATE 20            /* events a second a guest's port may
					cost lvmd (each port apart) */
#define LVMD_PORT_BURST 32           /* ... and at once, after a pause */
#define LVMD_PORT_GRID_MS 10         /* deferred events are handled on this
					grid, so that one wake serves many */
#define LVMD_EVENTS_PER_TURN 4096    /* ports handled per turn of the loop
					(each at most once) */
#define LVMD_LOG_BUDGET_MB 32        /* console logs, all together */
#define LVMD_LOGS_KEPT 64            /* logs of gone guests kept */
#define LVMD_IMAGE_CACHE 8           /* images kept parsed */
#define LVMD_IMAGE_CACHE_BYTES (64u << 20)

struct lvmd;
struct client;
struct guest;
struct lvm_image;
struct lvm_error;
struct lvmd_pools;                   /* poolthr.c's */
struct lvmd_hooks;
struct lvmd_port;
struct xs_handle;

/* Each member is owned by the file named beside it. */
struct lvmd {
	const char *sock_path;       /* main.c */
	const char *state_dir;       /* main.c */
	char reg_dir[PATH_MAX];      /* main.c */
	char cons_dir[PATH_MAX];     /* console.c (its setup) */
	int listen_fd;               /* server.c */
	xc_interface *xch;           /* main.c */
	xenevtchn_handle *xce;       /* main.c */
	xenforeignmemory_handle *xfm; /* main.c */
	struct xs_handle *xs;        /* xenstore.c: opened lazily */
	int virq_port;               /* main.c; -1: no VIRQ_DOM_EXC, poll */
	uint64_t next_reap_ns;       /* loop.c */
	bool reap_now;               /* loop.c, adopt.c */
	uint64_t tsc_khz;            /* sysctl.c (its setup) */
	const struct lvmd_hooks *hooks; /* main.c: client.c's (guest.h) */
	struct guest *guests;        /* table.c: newest first */
	unsigned nguests;
	struct guest *by_domid[LVMD_MAX_DOMID];
	struct lvmd_port *ports;     /* ports.c */
	size_t nports;
	size_t ports_deferred;       /* ports.c: how many wait for budget */
	uint64_t ports_due_ns;       /* ports.c: the earliest of them */
	uint64_t log_budget;         /* main.c: console logs' bytes, all */
	unsigned logs_kept;          /* main.c: logs of gone guests kept */
	struct client *clients;      /* client.c */
	unsigned nclients;
	struct {
		struct lvm_image *img;
		uint64_t used;
	} images[LVMD_IMAGE_CACHE];  /* images.c */
	uint64_t image_tick;
	struct lvmd_pools *pools;    /* poolthr.c: the shell pools */
	volatile int stop;           /* main.c (signals) */
};

/* ---- loop.c ---- */
/* lvmd_run() - the event loop, until (l->stop). Returns 0 or -errno. */
int lvmd_run(struct lvmd *l);

/* ---- server.c ---- */
/* lvmd_listen() - bind and listen on l->sock_path (a socket file nobody
 * answers on is replaced). Returns 0 or -errno, logged. */
int lvmd_listen(struct lvmd *l);
/* lvmd_accept() - take every waiting connection as a client. */
void lvmd_accept(struct lvmd *l);
/* lvmd_server_step() - (c)'s (revents): read, handle each whole request
 * it has buffered, send. -1 when the loop should close it. */
int lvmd_server_step(struct lvmd *l, struct client *c, short revents);

/* ---- ops.c ---- */
/* lvmd_dispatch() - handle one request from (c), received at (t_recv)
 * (monotonic ns) and (tsc_recv) (TSC). */
void lvmd_dispatch(struct lvmd *l, struct client *c, json_object *req,
		   uint64_t t_recv, uint64_t tsc_recv);

/* ---- reaper.c ---- */
/* lvmd_reap() - find guests that shut down, crashed or vanished and apply
 * their policies. */
void lvmd_reap(struct lvmd *l);

/* ---- create.c ---- */
/*
 * lvmd_create() - build and start a guest from (cfg) ((uuid) NULL: a new
 * one), with (create_tsc) as the start of creation for its ready mark.
 * The guest's control (noxs or XenStore) is chosen here, once. What the
 * reply need not wait for (the backends, the record) is left to
 * lvmd_create_settle(), which the caller must call next (after sending its
 * reply), in the same turn of the loop. On success the guest is in the
 * tables and (unless cfg->paused) running; (*out) points at it and (t) has
 * the phases (total and queue excluded). On failure one line in (err),
 * nothing left behind. Returns 0 or -errno.
 */
int lvmd_create(struct lvmd *l, const struct lvm_req_cfg *cfg,
		const uint8_t *uuid, uint64_t create_tsc, struct guest **out,
		struct lvm_timing *t, char *err, size_t errlen);

/*
 * lvmd_create_settle() - the rest of a creation, off the reply's path:
 * attach (g)'s backends (lvmd_guest_attach(); its console log appended to
 * when (keep_log), for a reboot, else started anew), write its record,
 * read its ready mark. Until it runs, no event of (g) is handled: the loop
 * does not turn. Returns 0, or -errno when the backends could not attach:
 * (g) is then destroyed and dropped (clients waiting on it are told).
 */
int lvmd_create_settle(struct lvmd *l, struct guest *g, bool keep_log);

/*
 * lvmd_rebuild() - (g) shut down for a reboot: destroy it and build it
 * again (same name, uuid and config, a new domain). The clients waiting
 * for its reboot hear of it through the hooks rebuilding and rebuilt.
 */
void lvmd_rebuild(struct lvmd *l, struct guest *g);

/* ---- adopt.c ---- */
/* lvmd_adopt() - take back the guests recorded in the registry whose
 * domains still exist (their backends adopt them); forget the others. */
void lvmd_adopt(struct lvmd *l);
/* lvmd_destroy_stale_shells() - destroy every domain whose handle has the
 * shell prefix: a previous lvmd's shells (their state died with it).
 * Returns how many. */
unsigned lvmd_destroy_stale_shells(struct lvmd *l);

/* ---- images.c ---- */
/*
 * lvmd_image_get() - the image at (path), from the cache when the file is
 * unchanged, else loaded (lvm_image_load(), same errors, the line in
 * (err)) and cached. The image stays lvmd's unless (*owned) comes back
 * true: then the caller frees it.
 */
int lvmd_image_get(struct lvmd *l, const char *path, struct lvm_image **out,
		   bool *owned, struct lvm_error *err);
void lvmd_images_free(struct lvmd *l);
/* lvmd_image_unchanged() - whether the file at (path) is still the one
 * (img) was read from (device, inode, size, mtime; one stat()). */
bool lvmd_image_unchanged(const struct lvm_image *img, const char *path);

/* ---- poolthr.c ---- */
/* lvmd_pools_init() - (l)'s empty pools, before any other lvmd_pools_*
 * call. Returns 0 or -ENOMEM. */
int lvmd_pools_init(struct lvmd *l);
/* lvmd_pools_start() - open the refill thread's hypervisor handle and
 * start it (after lvmd_pools_init()). Returns 0 or -errno. */
int lvmd_pools_start(struct lvmd *l);
/* lvmd_pools_stop() - stop the thread, destroy every ready shell, free
 * the pools. Safe without a start or an init. */
void lvmd_pools_stop(struct lvmd *l);
/* lvmd_pools_set() - set shape (memory_mb, vcpus)'s target and image
 * (see lvmd_pool_set(); -EINVAL also for a shape lvm cannot create); wakes
 * the thread. */
int lvmd_pools_set(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus,
		   uint32_t target, const char *image);
/* lvmd_pools_claim() - a ready shell of exactly that shape that can build
 * (img) (lvm_shell_fits; the caller owns it and frees it with free() once
 * finished or discarded), or NULL; a hit or a miss is counted. A pool
 * built ahead for an image serves only requests for that image (the same
 * file, device and inode, by any path) without a ramdisk; its shells built from an older version of the
 * file are retired. The thread is not woken: call lvmd_pools_kick() once
 * the request is answered, so that refilling does not compete with it for
 * the hypervisor. */
struct lvm_shell *lvmd_pools_claim(struct lvmd *l, uint32_t memory_mb,
				   uint32_t vcpus, const struct lvm_image *img,
				   bool ramdisk);
/* lvmd_pools_kick() - wake the refill thread. */
void lvmd_pools_kick(struct lvmd *l);
/* lvmd_pools_miss() - count a miss (a request that cannot use a shell). */
void lvmd_pools_miss(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus);
/* lvmd_pools_has() - whether a shell of that shape is ready now. */
bool lvmd_pools_has(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus);
/* lvmd_pools_steal() - destroy one ready shell of another shape to free
 * memory; its size in (*freed_mb). false: there was none. */
bool lvmd_pools_steal(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus,
		      uint32_t *freed_mb);
/* lvmd_pools_stats() - a snapshot of up to (max) shapes into (out) (with
 * each shape's last refill error); their number. */
unsigned lvmd_pools_stats(struct lvmd *l, struct lvm_pool_info *out,
			  unsigned max, uint64_t *other_misses);

#endif
