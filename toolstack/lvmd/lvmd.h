/*
 * lvmd.h — the dom0 daemon's state (struct lvmd), its limits, and the
 * calls of the files that have no header of their own. Internal to lvmd.
 *
 * lvmd is one thread around one poll(): the listening socket, its clients,
 * one xenevtchn handle (every guest's backend ports, and VIRQ_DOM_EXC when
 * it can have it) and timers. Nothing blocks on a guest. A second thread
 * refills the shell pools (pool.h, poolthr.c); it shares only the pools'
 * state, opaque outside poolthr.c, under its mutex. The image loader's
 * threads (park.h, loader.c) read the images requests name that are not
 * in the cache, while those requests wait parked and the control thread
 * serves the others; a finished load reaches the control thread through
 * an eventfd in its poll set, and only then the cache.
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
 *   reboot.c    a guest's reboot: its on_reboot, its restart budget and
 *               back-off (restart.c, a leaf), its rebuild on a timer
 *   create.c    building a guest; adopt.c: records taken back after a
 *               restart, every domain of this instance settled (settle.c
 *               decides)
 *   guest.c     one guest's life (guest.h): pages mapped, the backends
 *               attached and detached through the table, destroy, drop
 *   backends.c  the backend table (backend.h): every backend's calls, and
 *               port events routed to the backend that bound the port
 *   console.c, sysctl.c, xenstore.c, vif.c   the backends; sysctl.c
 *               and xenstore.c also hold the two controls (noxs,
 *               XenStore); vif.c's TAPs and bridge through netdev.c, its
 *               frames moved by the data path thread (netpath.h),
 *               whose scheduling class netyield.c keeps (netyield.h);
 *               xenstore.c's guests' vifs (the kernel's netback) put
 *               on their bridge by xsvif.c (xsvif.h)
 *   table.c     the guest table (guest.h): lookups, records, doom marks;
 *               ports.c: the event channel ports, who owns them, and
 *               each one's event budget (events past it deferred)
 *   images.c, loader.c, park.c, pool.c, poolthr.c, registry.c,
 *   cons_ring.c, restart.c, bucket.c, logprune.c, conf.c, vifaddr.c
 *               leaves: the image cache, the image loader and its
 *               bookkeeping, the shell pools and their refill thread,
 *               records on disk, the console ring, the restart budget, a
 *               port's token bucket, which console logs of gone guests to
 *               remove, lvmd.conf's lines and network settings, the vifs'
 *               addresses and MACs (vifaddr.h: resolved at create, held
 *               until the guest is dropped, reserved at adoption)
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

#include "netconf.h"
#include "pool.h"
#include "vifindex.h"
#include "vifready.h"
#include "toolstack/engine/engine.h"
#include "toolstack/proto/proto.h"

#define LVMD_MAX_DOMID 0x7ff0        /* DOMID_FIRST_RESERVED */
#define LVMD_DOMID_BUCKETS 1024      /* guests by domid: chains, a power
					of two (table.c) */
#define LVMD_NAME_BUCKETS 1024       /* guests by name: the same (a create
					checks its name, a pruned console
					log its owner: neither walks every
					guest) */
#define LVMD_MAX_CLIENTS 256
#define LVMD_FD_LIMIT 65536          /* descriptors lvmd raises its limit
					to, as root: one per guest's console
					log, beyond the usual hard 4096 */
#define LVMD_CLIENT_OUT_MAX (1u << 20) /* a client this far behind (its
					  console or replies unread) is
					  dropped */
#define LVMD_CLIENT_OUT_PAUSE (256u << 10) /* with this many reply bytes
					      unread, a client's requests
					      wait */
#define LVMD_CONSOLE_REPLAY (64u << 10) /* log bytes sent on attach */
#define LVMD_LOG_MAX (1u << 20)      /* a console log this big is moved to
					NAME.log.1 and started anew */
#define LVMD_REAP_POLL_MS 2000       /* without VIRQ_DOM_EXC: the sweep over
					all domains, a fallback for guests
					that do not say they are going down
					(noxs guests do: their sysctl event,
					then that domain alone is looked at) */
#define LVMD_REAP_SHARE 4            /* with VIRQ_DOM_EXC: a sweep that took
					T is followed by the next one no
					sooner than this many T later, so
					that sweeps (O(domains) each) take
					at most a fifth of the control
					thread however often domains go */
#define LVMD_EXIT_NOTES 64           /* guests that said so, looked at
					until their domain has stopped */
#define LVMD_EXIT_TRIES 12           /* ... this many times, 1 ms apart
					then doubling (about 4 s), before
					the sweep is left to find it */
#define LVMD_READY_POLL_MS 5         /* ready-mark polling while waited on */
#define LVMD_REFILL_NICE 10          /* the refill thread's nice value */
#define LVMD_REFILL_GRACE_MS 100     /* a pool refilled after a create: once
					its client has gone, or this long
					after (client.c) */
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
#define LVMD_LOAD_THREADS 2          /* images read at once, off the
					control thread (loader.c) */

struct lvmd;
struct lvmd_logq;
struct client;
struct guest;
struct lvm_image;
struct lvm_error;
struct lvmd_pools;                   /* poolthr.c's */
struct lvmd_hooks;
struct lvmd_load;                    /* park.h */
struct lvmd_netdev;                  /* netdev.h */
struct lvmd_netpath;                 /* netpath.h */
struct lvmd_xsname;                  /* xsname.c */
struct lvmd_loader;                  /* loader.c's */
struct lvmd_port;
struct lvmd_waiter;                  /* park.h */
struct lvmd_addrs;                   /* vifaddr.h */
struct xs_handle;

/* Each member is owned by the file named beside it. */
struct lvmd {
	const char *sock_path;       /* main.c */
	const char *state_dir;       /* main.c */
	char reg_dir[PATH_MAX];      /* main.c */
	uint32_t instance;           /* main.c: this lvmd's identity in its
					domains' uuids (uuid.h), from its
					state directory */
	char cons_dir[PATH_MAX];     /* console.c (its setup) */
	struct lvmd_netconf net;     /* conf.c: the network settings */
	struct lvmd_addrs *addrs;    /* vifaddr.c: the subnet's addresses,
					made at the first use */
	int listen_fd;               /* server.c */
	xc_interface *xch;           /* main.c */
	xenevtchn_handle *xce;       /* main.c */
	xenforeignmemory_handle *xfm; /* main.c */
	struct xs_handle *xs;        /* xenstore.c: opened lazily */
	int virq_port;               /* main.c; -1: no VIRQ_DOM_EXC, poll */
	uint64_t next_reap_ns;       /* loop.c */
	bool reap_now;               /* loop.c, adopt.c, guest.c: sweep in
					this turn */
	bool reap_virq;              /* loop.c: VIRQ_DOM_EXC came; sweep
					once reap_due_ns is reached */
	uint64_t reap_due_ns;        /* loop.c: the previous sweep's end
					plus LVMD_REAP_SHARE times its cost */
	struct lvmd_exit_note {      /* table.c adds, reaper.c takes: noxs
					guests that said they are going down
					(state CLOSING) */
		uint32_t domid;
		uint8_t uuid[16];
		uint64_t due_ns;     /* monotonic: look at it then */
		unsigned tries;
	} exits[LVMD_EXIT_NOTES];
	unsigned nexits;
	uint64_t tsc_khz;            /* sysctl.c (its setup) */
	const struct lvmd_hooks *hooks; /* main.c: client.c's (guest.h) */
	struct guest *guests;        /* table.c: newest first */
	unsigned nguests;
	struct guest *by_name[LVMD_NAME_BUCKETS]; /* table.c: chains by a
					hash of the name, through g->nnext */
	struct guest *by_domid[LVMD_DOMID_BUCKETS]; /* table.c: chains by
					domid % buckets, through g->hnext (a
					table as large as the domid space
					would grow lvmd's memory with every
					new domid until they wrap) */
	struct lvmd_vifkey *by_vif[LVMD_VIF_BUCKETS]; /* vifindex.c: the
					guests' vif MACs and addresses */
	struct lvmd_port *ports;     /* ports.c */
	size_t nports;
	bool probe;                  /* main.c (-v): create.c logs each
					create's builder steps and probes
					its unpause (lvmd_create_run) */
	struct {                     /* create.c zeroes it; ports.c, guest.c
					and console.c add: the current
					create's maps, binds, log opening
					and record (ns), for its timing */
		uint64_t map, bind, log, save;
	} t_attach;
	/* Marks that some guest has something for the loop's walks over
	 * every guest, so that with none (the usual case) a turn of the loop
	 * walks no guest at all, however many run: set where the thing is
	 * set, cleared by the walk that finds none left. */
	bool any_doomed;             /* table.c sets, guest.c walks */
	bool any_deadline;           /* table.c sets, guest.c walks */
	bool any_rebuild;            /* reboot.c */
	bool any_xsvif_wait;         /* xsvif.c */
	uint64_t refill_due_ns;      /* client.c: the refill thread woken
					then (0: nothing waits) */
	size_t ports_deferred;       /* ports.c: how many wait for budget */
	uint64_t ports_due_ns;       /* ports.c: the earliest of them */
	uint64_t log_budget;         /* main.c: console logs' bytes, all */
	unsigned logs_kept;          /* main.c: logs of gone guests kept */
	struct lvmd_logq *gone_logs; /* console.c: gone guests' logs, oldest
					first (NULL until the first goes) */
	uint64_t live_log_bytes;     /* console.c: live guests' logs' bytes */
	struct client *clients;      /* client.c */
	unsigned nclients;
	struct {
		struct lvm_image *img;
		uint64_t used;
	} images[LVMD_IMAGE_CACHE];  /* images.c */
	uint64_t image_tick;
	uint64_t turn;               /* loop.c: the loop's turns, from 1 */
	struct {                     /* images.c: the file found unchanged
					in this turn (one stat() a turn) */
		const struct lvm_image *img;
		uint64_t turn;
	} image_seen;
	struct {                     /* images.c: what a finished load hands
					to the requests resumed now */
		const char *path;    /* NULL: nothing */
		struct lvm_image *img;
		int rc;              /* img NULL: why, the line in (err) */
		const struct lvm_error *err;
	} hand;
	struct lvmd_loader *loader;  /* loader.c: NULL until the first load */
	struct lvmd_pools *pools;    /* poolthr.c: the shell pools */
	struct lvmd_netpath *netpath; /* vif.c (its setup): the data path */
	struct lvmd_netdev *netdev;  /* vif.c (its setup): netlink; NULL if
					it could not be opened */
	char br_name[LVM_IFNAME_MAX + 1]; /* vif.c: the bridge found last, */
	int br_index;                /* and its interface index (0: none) */
	uint8_t br_mac[6];           /* vif.c: lvmd's own bridge's MAC, */
	bool br_mac_ok;              /* once pinned (the gateway's hello) */
	struct lvmd_xsname *xsname;  /* xsname.c (its setup): NULL if names
					are not published */
	bool xs_names;               /* main.c: publish them (xenstore_names) */
	bool share_code;             /* main.c: one copy of an image's code
					for its guests (share_code,
					toolstack/engine/code.h) */
	uint64_t start_ns;           /* main.c: when lvmd started (monotonic) */
	uint64_t requests[LVM_OP_COUNT]; /* ops.c: requests received, by op */
	uint64_t requests_bad;       /* ops.c: those that did not parse */
	volatile int stop;           /* main.c (signals) */
};

/* ---- loop.c ---- */
/* lvmd_run() - the event loop, until (l->stop). Returns 0 or -errno. */
int lvmd_run(struct lvmd *l);

/* ---- server.c ---- */
/* lvmd_listen() - bind and listen on l->sock_path (a socket file nobody
 * answers on is replaced). Returns 0 or -errno, logged. */
int lvmd_listen(struct lvmd *l);
/* lvmd_accept() - take every waiting connection as a client, its first
 * requests handled if they have come. */
void lvmd_accept(struct lvmd *l);
/* lvmd_server_step() - (c)'s (revents): read, handle each whole request
 * it has buffered, send. -1 when the loop should close it. */
int lvmd_server_step(struct lvmd *l, struct client *c, short revents);

/* ---- ops.c ---- */
/* lvmd_dispatch() - handle one request from (c), received at (t_recv)
 * (monotonic ns) and (tsc_recv) (TSC). */
void lvmd_dispatch(struct lvmd *l, struct client *c, json_object *req,
		   uint64_t t_recv, uint64_t tsc_recv);
/*
 * lvmd_ops_resume() - the loader woke the loop: for each finished load,
 * the requests parked on it are dispatched again, in the order they came,
 * with the image it read (or its error line) at hand (lvmd_image_hand());
 * a request of a client gone or dropped meanwhile is not.
 */
void lvmd_ops_resume(struct lvmd *l);

/* ---- reaper.c ---- */
/* lvmd_reap() - find guests that shut down, crashed or vanished and apply
 * their policies. */
void lvmd_reap(struct lvmd *l);
/*
 * lvmd_reap_exits() - the guests noted going down (l->exits) whose time
 * has come: each one's domain alone looked at (one domain's info), its
 * policy applied once it has stopped; the others looked at again later,
 * (*next) lowered to the earliest.
 */
void lvmd_reap_exits(struct lvmd *l, uint64_t now, uint64_t *next);

/* ---- create.c ---- */
/*
 * lvmd_create() - build a guest from (cfg) ((uuid) NULL: a new one with
 * this instance's guest uuid; given: the same guest built again, whose
 * console log is appended to), with (create_tsc) as the start of creation
 * for its ready mark. The guest's control (noxs or XenStore) is chosen
 * here, once. Before the guest runs, its backends are attached and its
 * record is written: a restart after that adopts it, and one before its
 * unpause destroys the domain (adopt.c). On success the guest is in the
 * tables, still paused; (*out) points at it and (t) has the phases (total,
 * queue and unpause excluded). The caller then lets it run with
 * lvmd_create_run() (unless cfg->paused) once its reply has left, and
 * calls lvmd_create_settle(), in the same turn of the loop. On failure
 * (a record that cannot be written included) one line in (err), the
 * domain destroyed, nothing left behind. Returns 0 or -errno.
 */
int lvmd_create(struct lvmd *l, const struct lvm_req_cfg *cfg,
		const uint8_t *uuid, uint64_t create_tsc, struct guest **out,
		struct lvm_timing *t, char *err, size_t errlen);

/*
 * lvmd_create_run() - unpause the guest (g) lvmd_create() made, after the
 * reply that announced it: the new guest then takes a CPU of the box only
 * once its creator has its answer. (*unpause_ns), if given, gets the
 * hypercall's time. On failure the reason is logged and (g) destroyed
 * (gone: the caller must not use it); returns 0 or -errno.
 */
int lvmd_create_run(struct lvmd *l, struct guest *g, uint64_t *unpause_ns);

/*
 * lvmd_create_settle() - the rest of a creation, off the reply's path:
 * open a new guest's console log (its attach left it for now), each
 * backend's settle() (backend.h; the vifs' neighbour entries) and read
 * (g)'s ready mark (lvmd_create() attached the backends before the
 * guest ran).
 */
void lvmd_create_settle(struct lvmd *l, struct guest *g);

/* ---- reboot.c ---- */
/*
 * lvmd_reboot() - (g)'s domain shut down for a reboot (the reaper; a
 * poweroff asked of it wins, and is the reaper's): apply its on_reboot.
 * restart: within the restart budget (restart.h), its rebuild is set for
 * after the back-off (lvmd_reboot_timers() runs it; meanwhile `lvm list`
 * says "rebooting"); past the budget it is destroyed, with one log line
 * and a note in its console log. destroy, preserve: as for a poweroff.
 * Nothing while a rebuild waits already.
 */
void lvmd_reboot(struct lvmd *l, struct guest *g);

/* lvmd_reboot_waiting() - whether (g) waits to be built again. */
bool lvmd_reboot_waiting(const struct guest *g);

/*
 * lvmd_reboot_cancel() - a poweroff asked of (g) while it waits to be
 * built again: the poweroff wins. Its rebuild is called off and the
 * reaper applies on_poweroff at once (the loop's next turn).
 */
void lvmd_reboot_cancel(struct lvmd *l, struct guest *g);

/* lvmd_reboot_timers() - build again the guests whose back-off is over;
 * (*next) lowers to the next one due. */
void lvmd_reboot_timers(struct lvmd *l, uint64_t now, uint64_t *next);

/*
 * lvmd_guest_stopped() - (g)'s domain stopped for good: destroy it
 * (LVM_ACTION_DESTROY) or keep it, preserved, for inspection (the clients
 * are told through hooks->gone). For the reaper and reboot.c.
 */
void lvmd_guest_stopped(struct lvmd *l, struct guest *g, enum lvm_action act);

/* ---- adopt.c ---- */
/* lvmd_adopt() - take back the guests recorded in the registry whose
 * domains still exist (their backends adopt them; a guest whose backends
 * cannot is destroyed, its record deleted); forget the others. Then settle
 * every domain of this instance (settle.h): shells and guests that no
 * record names are destroyed; each domain's fate is logged. */
void lvmd_adopt(struct lvmd *l);

/* ---- images.c ---- */
/*
 * lvmd_image_get() - the image at (path): the one handed over by a load
 * of (path) while its requests resume (lvmd_image_hand(), as it was read,
 * or its error), else from the cache when the file is unchanged, else
 * loaded here (lvm_image_load(), same errors, the line in (err); only a
 * guest rebuilt after its reboot still reads on the control thread) and
 * cached. The image stays lvmd's unless (*owned) comes back true: then
 * the caller frees it.
 */
int lvmd_image_get(struct lvmd *l, const char *path, struct lvm_image **out,
		   bool *owned, struct lvm_error *err);
/* lvmd_image_at_hand() - whether lvmd_image_get(path) answers without
 * reading the file: it is being handed over, or cached and unchanged (one
 * stat()). */
bool lvmd_image_at_hand(struct lvmd *l, const char *path);
/*
 * lvmd_image_hand() - a load of (path) finished: (img) (kept until
 * lvmd_image_hand_end()), or failed with (rc) and the line (err) (kept by
 * the caller until then); lvmd_image_get(path) answers with it meanwhile.
 */
void lvmd_image_hand(struct lvmd *l, const char *path,
		     struct lvm_image *img, int rc,
		     const struct lvm_error *err);
/* lvmd_image_hand_end() - the requests resumed: the image handed over is
 * cached (as lvmd_image_get() caches what it reads) or freed. */
void lvmd_image_hand_end(struct lvmd *l);
void lvmd_images_free(struct lvmd *l);
/* lvmd_image_unchanged() - whether the file at (path) is still the one
 * (img) was read from (device, inode, size, mtime; one stat()). */
bool lvmd_image_unchanged(const struct lvm_image *img, const char *path);

/* ---- loader.c ---- */
/*
 * lvmd_loader_park() - park (c)'s request (req) (a reference taken),
 * received at (t_recv) and (tsc_recv), until the image at (path) is read
 * by a loader thread: it joins a load of (path) under way, or queues one
 * (the loader starts at its first load). The caller holds (c) (it reads
 * no more requests); lvmd_ops_resume() dispatches the request again once
 * the load ends. Returns 0, -EAGAIN (LVMD_LOADS loads under way), -ENOMEM
 * or why a thread could not start.
 */
int lvmd_loader_park(struct lvmd *l, struct client *c, const char *path,
		     json_object *req, uint64_t t_recv, uint64_t tsc_recv);
/* lvmd_loader_fd() - the fd readable when a load has finished (the loop
 * polls it), -1 before the first load. */
int lvmd_loader_fd(const struct lvmd *l);
/* lvmd_loader_take() - a finished load into (out), the caller's (free it
 * with lvmd_load_free()); false: none. Empties the wake-up fd. */
bool lvmd_loader_take(struct lvmd *l, struct lvmd_load *out);
/* lvmd_loader_forget() - (c) is going: its parked requests are dropped, a
 * load nobody waits for any more is not started. */
void lvmd_loader_forget(struct lvmd *l, struct client *c);
/* lvmd_waiters_free() - free a list of parked requests. */
void lvmd_waiters_free(struct lvmd_waiter *w);
/* lvmd_load_free() - free what a load taken still holds (its path, its
 * image unless taken out, its requests). */
void lvmd_load_free(struct lvmd_load *ld);
/* lvmd_loader_stop() - stop the threads (a read under way ends first),
 * free every load and parked request. Safe without a start. */
void lvmd_loader_stop(struct lvmd *l);

/* ---- poolthr.c ---- */
/* lvmd_pools_init() - (l)'s empty pools, before any other lvmd_pools_*
 * call. Returns 0 or -ENOMEM. */
int lvmd_pools_init(struct lvmd *l);
/* lvmd_pools_start() - open the refill thread's hypervisor handle and,
 * when lvmd has a netlink socket (the vif backend's setup ran), a
 * netlink socket of its own for the vifs it makes ahead on lvmd's bridge;
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
/* A pool shell: the engine's shell, dom0's ends of its console and
 * sysctl ports bound ahead, and the vifs made ahead with it. */
struct lvmd_shell {
	struct lvm_shell sh;
	/* dom0's local ports for sh.console_port and sh.sysctl_port, bound
	 * by the refill thread on lvmd's own xenevtchn handle (l->xce; -1:
	 * not bound, the create binds it); routed to no guest until a create
	 * takes them (lvmd_port_route). The guest's side is unchanged: its
	 * device page names its own ports, which it never used before. */
	int cons_lport, sys_lport;
	/* Its guest's record file, made empty ahead (lvm_reg_open_new()), so
	 * that the create only writes it; -1: none, the create makes it. */
	int rec_fd;
	unsigned nvifs;              /* vif[0, nvifs) made ahead */
	struct lvmd_vif_ready vif[LVM_VIFS_MAX];
};

/* lvmd_pools_claim() - a ready shell of exactly that shape that can build
 * (img) (lvm_shell_fits; the caller owns it, with its vifs made ahead,
 * and frees it with free() once finished or discarded, its ready vifs
 * handed on or closed), or NULL; a hit or a miss is counted. A pool
 * built ahead for an image serves only requests for that image (the same
 * file, device and inode, by any path) without a ramdisk; its shells built from an older version of the
 * file are retired. The thread is not woken: call lvmd_pools_kick() once
 * the request is answered, so that refilling does not compete with it for
 * the hypervisor. */
struct lvmd_shell *lvmd_pools_claim(struct lvmd *l, uint32_t memory_mb,
				    uint32_t vcpus, const struct lvm_image *img,
				    bool ramdisk);
/* lvmd_pools_retire() - shape (memory_mb, vcpus)'s ready shells are
 * suspect (one was found gone): none is counted ready any more; the
 * thread discards them and refills. */
void lvmd_pools_retire(struct lvmd *l, uint32_t memory_mb, uint32_t vcpus);
/* lvmd_pools_kick() - wake the refill thread. */
void lvmd_pools_kick(struct lvmd *l);
/* lvmd_pools_trim() - have the refill thread return the malloc arenas'
 * free pages (malloc_trim) once it is idle: what the control thread freed
 * since its last trim (a destroyed guest's memory, chunks of the thread's
 * arena among it) would otherwise stay resident until its next refill.
 * Called when the last client leaves. A no-op without the thread. */
void lvmd_pools_trim(struct lvmd *l);
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

/* lvmd_domain_live() - whether domain (domid) exists with handle (uuid)
 * and is not dying; its info in (*di) then. */
bool lvmd_domain_live(struct lvmd *l, uint32_t domid, const uint8_t uuid[16],
		      xc_domaininfo_t *di);

#endif
