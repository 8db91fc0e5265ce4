/*
 * lvmd.h — the dom0 daemon's shared state and the functions its files
 * offer each other. Internal to lvmd.
 *
 * lvmd is one thread around one poll(): the listening socket, its clients,
 * one xenevtchn handle (every guest's console and sysctl ports, and
 * VIRQ_DOM_EXC when it can have it) and timers. Nothing blocks on a guest.
 * A second thread refills the shell pools (pool.h, poolthr.c); it shares
 * only the pools' state, opaque outside poolthr.c, under its mutex.
 *
 * Files: main.c (options, startup, daemon), loop.c (the poll loop,
 * timers, event dispatch), server.c (socket, clients, framing), ops.c (the
 * requests), create.c (building a guest with the engine), images.c (the
 * image cache), guest.c (the
 * guest table, backends on and off, destroying), console.c and
 * cons_ring.c (console backend), sysctl.c (lifecycle requests, the ready
 * mark), reaper.c (domains that shut down or vanished), registry.c and
 * adopt.c (records on disk, re-adoption after a restart, stale shells),
 * pool.c and poolthr.c (the shell pools and their refill thread).
 *
 * Lifetimes: a guest is freed only by lvmd_guest_drop(); code that finds a
 * guest misbehaving while handling one of its events calls
 * lvmd_guest_doom(), and the loop destroys doomed guests once the event is
 * handled. Clients pointing at a dropped guest are told first.
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
#include <xenstore.h>

#include <lvm.h>
#include <noxs/abi.h>

#include "cons_ring.h"
#include "pool.h"
#include "registry.h"
#include "toolstack/proto/proto.h"

#define LVMD_MAX_DOMID 0x7ff0        /* DOMID_FIRST_RESERVED */
#define LVMD_MAX_CLIENTS 256
#define LVMD_CLIENT_OUT_MAX (1u << 20) /* a console reader this far behind
					  is dropped */
#define LVMD_CONSOLE_REPLAY (64u << 10) /* log bytes sent on attach */
#define LVMD_LOG_MAX (1u << 20)      /* a console log this big is moved to
					NAME.log.1 and started anew */
#define LVMD_REAP_POLL_MS 100        /* reaper period without VIRQ_DOM_EXC */
#define LVMD_READY_POLL_MS 5         /* ready-mark polling while waited on */
#define LVMD_IMAGE_CACHE 8           /* images kept parsed */
#define LVMD_IMAGE_CACHE_BYTES (64u << 20)

struct lvmd;
struct client;
struct lvm_image;
struct lvm_error;
struct lvmd_pools;                   /* poolthr.c's */

enum port_kind { PORT_NONE = 0, PORT_CONSOLE, PORT_SYSCTL };

struct guest {
	struct guest *next, *prev;
	struct lvm_reg_entry rec;    /* what is persisted */

	/* console backend */
	volatile struct xencons_interface *cons_page; /* (+ the device page:
					npages mapped from here) */
	unsigned npages;
	int cons_lport;              /* dom0's port, -1: not bound */
	struct lvm_cons_ring cons;
	int log_fd;
	uint64_t log_bytes;          /* size of the log file */
	char in_buf[1024];           /* input waiting for ring space */
	size_t in_len;

	/* sysctl backend (noxs guests only) */
	volatile struct noxs_page *noxs_page;
	int sys_lport;
	uint32_t req;                /* enum noxs_request pending, or 0 */
	uint64_t req_deadline_ns;    /* monotonic; 0: no deadline */
	bool has_ready;
	uint64_t ready_ns;           /* create request received -> ready */
	uint64_t t_recv_ns;          /* monotonic: the create request came;
					0 for adopted guests (unknown) */

	/* lifecycle */
	bool seen;                   /* reaper: the domain still exists */
	uint32_t flags;              /* reaper: its XEN_DOMINF_* */
	char doom[160];              /* non-empty: destroy, with this reason */
};

enum client_mode {
	C_REQUEST,                   /* reading requests */
	C_WAIT,                      /* a reply is waiting on a guest */
	C_CONSOLE,                   /* raw bytes to and from a guest */
	C_CLOSING,                   /* send what is queued, then close */
};

enum client_wait {
	W_NONE,
	W_READY,                     /* create: the guest's ready mark */
	W_GONE,                      /* shutdown: the guest is gone */
	W_REBOOT,                    /* reboot: the guest is back */
	W_REBOOT_HELD,               /* reboot: being rebuilt right now */
};

struct client {
	struct client *next, *prev;
	int fd;
	enum client_mode mode;
	char *in;                    /* request bytes received so far */
	size_t in_len;
	char *out;                   /* bytes to send */
	size_t out_len, out_cap;
	/* a reply held back (mode C_WAIT) */
	enum client_wait wait;
	struct guest *wg;
	uint64_t wait_deadline_ns;
	json_object *held;           /* the reply, completed when done */
	struct lvm_timing timing;
	/* console (mode C_CONSOLE) */
	struct guest *cg;
};

struct lvmd {
	const char *sock_path;
	const char *state_dir;
	char reg_dir[PATH_MAX];
	char cons_dir[PATH_MAX];
	int listen_fd;
	xc_interface *xch;
	xenevtchn_handle *xce;
	xenforeignmemory_handle *xfm;
	struct xs_handle *xs;        /* XenStore mode only; opened lazily */
	int virq_port;               /* -1: no VIRQ_DOM_EXC, poll instead */
	uint64_t next_reap_ns;
	bool reap_now;
	uint64_t tsc_khz;
	struct guest *guests;        /* newest first */
	unsigned nguests;
	struct guest *by_domid[LVMD_MAX_DOMID];
	struct {
		struct guest *g;
		enum port_kind kind;
	} *ports;
	size_t nports;
	struct client *clients;
	unsigned nclients;
	struct {
		struct lvm_image *img;
		uint64_t used;
	} images[LVMD_IMAGE_CACHE];
	uint64_t image_tick;
	struct lvmd_pools *pools;    /* the shell pools (poolthr.c) */
	volatile int stop;
};

/* ---- util (loop.c) ---- */
uint64_t lvmd_now_ns(void);          /* CLOCK_MONOTONIC */
int64_t lvmd_real_ns(void);          /* CLOCK_REALTIME */
static inline uint64_t lvmd_rdtsc(void) { return __builtin_ia32_rdtsc(); }

/* lvmd_run() - the event loop, until (l->stop). Returns 0 or -errno. */
int lvmd_run(struct lvmd *l);

/* lvmd_port_set() - route events of local (port) to (g) as (kind). */
int lvmd_port_set(struct lvmd *l, int port, struct guest *g,
		  enum port_kind kind);

/* ---- xenstore.c ---- */
/*
 * lvmd_xs() - lvmd's connection to xenstored, opened on first use (socket
 * only: without xenstored, XenStore mode fails at once instead of
 * hanging). NULL with errno set if xenstored cannot be reached.
 */
struct xs_handle *lvmd_xs(struct lvmd *l);

/*
 * lvmd_xs_request() - ask the XenStore-mode guest (g) to power off or
 * (reboot) through control/shutdown, with the same deadline as a sysctl
 * request (timeout_ms, 0 for the default). Returns 0 or -errno.
 */
int lvmd_xs_request(struct lvmd *l, struct guest *g, bool reboot,
		    uint32_t timeout_ms);

/* ---- guest.c ---- */
struct guest *lvmd_guest_by_name(struct lvmd *l, const char *name);
struct guest *lvmd_guest_by_domid(struct lvmd *l, uint32_t domid);
/* lvmd_guest_find() - (target) is a name or a decimal domid; NULL if no
 * managed guest matches. */
struct guest *lvmd_guest_find(struct lvmd *l, const char *target);

/* lvmd_guest_new() - a guest owning (rec)'s members (moved out of it). */
struct guest *lvmd_guest_new(struct lvm_reg_entry *rec);

/* lvmd_guest_insert() - add (g) to the tables. */
void lvmd_guest_insert(struct lvmd *l, struct guest *g);

/*
 * lvmd_guest_attach() - bind (g)'s console and sysctl ports, map its
 * console ring and device page, open its console log. Flags:
 * LVMD_ATTACH_NEW: a new domain, whose ring starts at zero (else the ring
 * indices dom0 last wrote are adopted); LVMD_ATTACH_TRUNC: truncate the
 * log (else append).
 * Returns 0 or -errno with everything undone and the reason logged.
 */
#define LVMD_ATTACH_NEW 1u
#define LVMD_ATTACH_TRUNC 2u
#define LVMD_ATTACH_NO_LOG 4u        /* open the log later (settle) */
int lvmd_guest_attach(struct lvmd *l, struct guest *g, unsigned flags);

/* lvmd_guest_open_log() - open (g)'s console log if it is not open
 * (truncated when (trunc)); on failure logs a warning and returns -errno:
 * the guest runs on, its output is not kept. */
int lvmd_guest_open_log(struct lvmd *l, struct guest *g, bool trunc);

/* lvmd_guest_detach() - the inverse: drain the console one last time,
 * unbind, unmap, close the log. Idempotent. */
void lvmd_guest_detach(struct lvmd *l, struct guest *g);

/*
 * lvmd_guest_drop() - forget (g): detach it, delete its record, tell
 * clients waiting on it or attached to its console ((why) says how it
 * ended: 0 gone normally, or -errno, e.g. -ETIMEDOUT), free it. The domain
 * is not touched.
 */
void lvmd_guest_drop(struct lvmd *l, struct guest *g, int why);

/* lvmd_guest_destroy() - detach, destroy the domain, drop (g). */
int lvmd_guest_destroy(struct lvmd *l, struct guest *g, int why);

/* lvmd_guest_doom() - mark (g) to be destroyed when the current event is
 * handled, logging (fmt) once. */
void lvmd_guest_doom(struct lvmd *l, struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* lvmd_guest_reap_doomed() - destroy every doomed guest. */
void lvmd_guest_reap_doomed(struct lvmd *l);

/* lvmd_guest_save() - persist (g)'s record; logs on failure. */
int lvmd_guest_save(struct lvmd *l, struct guest *g);
/* lvmd_reg_remove_logged() - delete (g)'s record; logs on failure. */
void lvmd_reg_remove_logged(struct lvmd *l, struct guest *g);

/* lvmd_guest_info() - fill (out) for (g) from the hypervisor and (g);
 * -ESRCH if its domain is gone. */
int lvmd_guest_info(struct lvmd *l, struct guest *g, struct lvm_info *out);
/* lvmd_guest_info_as() - the same without asking the hypervisor, with
 * (state) as its state. 0 or -ENOMEM. */
int lvmd_guest_info_as(struct lvmd *l, struct guest *g, enum lvm_state state,
		       struct lvm_info *out);

/* lvmd_domain_state() - the lvm_state for Xen's domain (flags). */
enum lvm_state lvmd_domain_state(uint32_t flags);

/* ---- console.c ---- */
void lvmd_console_event(struct lvmd *l, struct guest *g);
/* lvmd_console_attach() - switch (c) to (g)'s console: replay its log. */
int lvmd_console_attach(struct lvmd *l, struct client *c, struct guest *g);
/* lvmd_console_input() - bytes a console client typed, for (g). */
void lvmd_console_input(struct lvmd *l, struct guest *g, const char *buf,
			size_t len);
/* lvmd_console_note() - a line from lvmd into (g)'s console log. */
void lvmd_console_note(struct lvmd *l, struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- sysctl.c ---- */
/*
 * lvmd_sysctl_request() - post (req) (NOXS_REQ_POWEROFF or _REBOOT) in
 * (g)'s device page and notify it; the guest must comply within
 * (timeout_ms) or is destroyed. Returns 0, -EOPNOTSUPP (no device page).
 */
int lvmd_sysctl_request(struct lvmd *l, struct guest *g, uint32_t req,
			uint32_t timeout_ms);
/* lvmd_request_deadline() - (g) must be gone (timeout_ms) from now (0:
 * the default), or the loop destroys it; for sysctl and XenStore requests. */
void lvmd_request_deadline(struct guest *g, uint32_t timeout_ms);

/* lvmd_sysctl_poll() - read and check the guest-owned fields; dooms (g)
 * when they are invalid, notes the ready mark. */
void lvmd_sysctl_poll(struct lvmd *l, struct guest *g);

/* ---- reaper.c ---- */
/* lvmd_reap() - find guests that shut down, crashed or vanished and apply
 * their policies. */
void lvmd_reap(struct lvmd *l);

/* ---- create.c ---- */
/*
 * lvmd_create() - build and start a guest from (cfg) ((uuid) NULL: a new
 * one), with (create_tsc) as the start of creation for its ready mark.
 * What the reply need not wait for (the backends, the record) is left to
 * lvmd_create_settle(), which the caller must call next (after sending its
 * reply), in the same turn of the loop. On success the guest is in the
 * tables and (unless cfg->paused) running; (*out) points at
 * it and (t) has the phases (total and queue excluded). On failure one
 * line in (err), nothing left behind. Returns 0 or -errno.
 */
int lvmd_create(struct lvmd *l, const struct lvm_req_cfg *cfg,
		const uint8_t *uuid, uint64_t create_tsc, struct guest **out,
		struct lvm_timing *t, char *err, size_t errlen);

/*
 * lvmd_create_settle() - the rest of a creation, off the reply's path:
 * attach (g)'s backends (bind its console and sysctl ports, map its ring
 * and device page, open its console log: appended to when (keep_log), for
 * a reboot, else started anew), write its record, read its ready mark.
 * Until it runs, no event of (g) is handled: the loop does not turn.
 * Returns 0, or -errno when the backends could not attach: (g) is then
 * destroyed and dropped (clients waiting on it are told).
 */
int lvmd_create_settle(struct lvmd *l, struct guest *g, bool keep_log);

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

/* ---- server.c ---- */
int lvmd_listen(struct lvmd *l);
void lvmd_accept(struct lvmd *l);
/* lvmd_client_events() - the poll events (c) waits for. */
short lvmd_client_events(const struct client *c);
/* lvmd_client_step() - handle (c)'s (revents) and any whole request it
 * has buffered; -1 when the loop should close it. */
int lvmd_client_step(struct lvmd *l, struct client *c, short revents);
void lvmd_client_close(struct lvmd *l, struct client *c);
/* lvmd_client_flush() - send what (c) has queued, as far as the socket
 * takes it now. */
void lvmd_client_flush(struct client *c);
/* lvmd_client_send() - queue a reply (consumed) on (c). */
void lvmd_client_send(struct lvmd *l, struct client *c, json_object *msg);
/* lvmd_client_raw() - queue raw bytes (console mode); drops a client
 * that is too far behind. */
void lvmd_client_raw(struct lvmd *l, struct client *c, const char *buf,
		     size_t len);
/* lvmd_client_fail() - queue an error reply (errnum > 0, one line). */
void lvmd_client_fail(struct lvmd *l, struct client *c, int errnum,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* lvmd_clients_guest_gone() - answer clients waiting on (g) or attached to
 * its console. */
void lvmd_clients_guest_gone(struct lvmd *l, struct guest *g, int why);
/* lvmd_clients_guest_ready() - (g) reported ready: answer W_READY waits. */
void lvmd_clients_guest_ready(struct lvmd *l, struct guest *g);
/* lvmd_clients_timers() - expire client waits; (*next) lowers to the next
 * deadline. */
void lvmd_clients_timers(struct lvmd *l, uint64_t now, uint64_t *next);

/* ---- ops.c ---- */
/* lvmd_dispatch() - handle one request from (c), received at (t_recv). */
void lvmd_dispatch(struct lvmd *l, struct client *c, json_object *req,
		   uint64_t t_recv, uint64_t tsc_recv);
/* lvmd_reboot_restart() - (g) shut down for a reboot: build it again
 * (same name, uuid and config, a new domain) and answer W_REBOOT waiters. */
void lvmd_reboot_restart(struct lvmd *l, struct guest *g);

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

/* ---- adopt.c ---- */
/* lvmd_adopt() - take back the guests recorded in the registry whose
 * domains still exist; forget the others. */
void lvmd_adopt(struct lvmd *l);
/* lvmd_destroy_stale_shells() - destroy every domain whose handle has the
 * shell prefix: a previous lvmd's shells (their state died with it).
 * Returns how many. */
unsigned lvmd_destroy_stale_shells(struct lvmd *l);

#endif
