/*
 * backend.h — lvmd's backends behind one seam: the interface every
 * backend implements (struct lvmd_backend), the one table that lists them
 * (backends.c), the event channel ports they bind (ports.c), the guest's
 * control (noxs or XenStore, struct lvmd_control) chosen once per guest,
 * and the few calls each backend offers beyond its interface. Internal to
 * lvmd (see lvmd.h for the layers).
 *
 * A backend serves a part of every guest it is given (its console, its
 * lifecycle requests, its XenStore tree, ...). guest.c calls the table,
 * never a backend by name, and the loop routes a port's event to the
 * backend that bound the port. To add one (e.g. vif): write vif.c with a
 * `const struct lvmd_backend lvmd_backend_vif`, its per-guest state in
 * struct guest under a comment naming it, and add it to the table in
 * backends.c; bind ports with lvmd_port_bind(..., &lvmd_backend_vif) so
 * that its events come to its event().
 */
#ifndef LVMD_BACKEND_H
#define LVMD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <lvm.h>
#include <xenctrl.h>
#include <xenevtchn.h>

struct lvmd;
struct guest;
struct lvm_built;
struct lvm_error;

/* Every call may be NULL: nothing to do. */
struct lvmd_backend {
	const char *name;            /* one word */
	const char *usage;           /* one line: what it serves */
	/* setup() - once when lvmd starts, before any guest (the hypervisor
	 * handles are open). 0, or -errno, logged: lvmd does not start. */
	int (*setup)(struct lvmd *l);
	/* attach() - serve the new guest (g), its pages mapped (guest.h);
	 * (flags): LVMD_ATTACH_*. 0 also when it has nothing to serve in
	 * (g); -errno, logged, with what it did for (g) undone. */
	int (*attach)(struct lvmd *l, struct guest *g, unsigned flags);
	/* adopt() - the same for a guest found running when lvmd restarted:
	 * take over the state left in its pages and record. */
	int (*adopt)(struct lvmd *l, struct guest *g);
	/* settle() - after the reply to the create (or the reboot) that
	 * attached (g) was sent: what the guest needs soon, but its creator
	 * need not wait for. Not after adopt(), which does it all. */
	void (*settle)(struct lvmd *l, struct guest *g);
	/* event() - a port this backend bound for (g) fired. It may doom
	 * (g), not destroy it. */
	void (*event)(struct lvmd *l, struct guest *g);
	/* detach() - stop serving (g); idempotent. (gone): (g) is forgotten
	 * for good: also release what is kept for it outside lvmd. */
	void (*detach)(struct lvmd *l, struct guest *g, bool gone);
	/* teardown() - once when lvmd stops, after every guest is detached:
	 * undo setup (stop its threads, close its sockets). */
	void (*teardown)(struct lvmd *l);
};

/* The backends: each file's one entry in the table. */
extern const struct lvmd_backend lvmd_backend_console;  /* console.c */
extern const struct lvmd_backend lvmd_backend_sysctl;   /* sysctl.c */
extern const struct lvmd_backend lvmd_backend_xenstore; /* xenstore.c */
extern const struct lvmd_backend lvmd_backend_vif;      /* vif.c */
extern const struct lvmd_backend lvmd_backend_names;    /* xsname.c */
/* lvmd_names_kick() - at the end of a turn of the loop: wake the names
 * backend's thread if this turn queued it work (xsname.c). */
void lvmd_names_kick(struct lvmd *l);
/* lvmd_names_holder() - lvm_code_watch_fn (code.h), (arg) the lvmd: a
 * code holder named "lvm-code-IMAGE" when made, its name gone with it;
 * any thread. lvmd_names_forget() - (domid)'s name removed: a domain of
 * a previous lvmd destroyed at the start. Both queue for the names
 * thread, and do nothing without it. */
void lvmd_names_holder(void *arg, uint32_t domid, const char *image,
		       bool made);
void lvmd_names_forget(struct lvmd *l, uint32_t domid);
/* lvmd_names_shell() - a pool's shell (domid) named "lvm-pool:" and the
 * file name of the (image) it is built ahead for, or, for "", its size
 * ("lvm-pool:4M"); from any thread. A claimed or discarded shell's name
 * goes with lvmd_names_forget(). Queued for the names thread, and nothing
 * without it. */
void lvmd_names_shell(struct lvmd *l, uint32_t domid, const char *image,
		      uint32_t memory_mb);

/*
 * A guest's control: how it is built and asked to stop. One per guest,
 * chosen when it is created (from the store mode and its image) or
 * adopted (from its record), in g->ctl; the rest calls through it.
 */
struct lvmd_control {
	const char *name;            /* "noxs" or "xenstore" */
	bool xenstore;               /* its shell gets a XenStore ring, so
					never comes from a pool */
	bool reports_ready;          /* it marks itself ready (create waits) */
	/* reach() - 0 if guests of this control can be made now, else
	 * -errno (XenStore: xenstored is not reachable). NULL: always. */
	int (*reach)(struct lvmd *l);
	/* introduce() - (g) is built (b), not yet running: make what it
	 * looks for at boot. 0, or -errno with the engine's line in (err).
	 * NULL: nothing to make. */
	int (*introduce)(struct lvmd *l, struct guest *g,
			 const struct lvm_built *b, struct lvm_error *err);
	/* can_request() - whether (g) can be asked to power off now. */
	bool (*can_request)(const struct guest *g);
	/* request() - ask (g) to power off or (reboot); it must be gone
	 * within (timeout_ms) (0: the default) or is destroyed. 0 or
	 * -errno. */
	int (*request)(struct lvmd *l, struct guest *g, bool reboot,
		       uint32_t timeout_ms);
	/* poll() - read what (g) reports: its ready mark (hooks->ready),
	 * or doom it if that is invalid. */
	void (*poll)(struct lvmd *l, struct guest *g);
};

extern const struct lvmd_control lvmd_control_noxs;     /* sysctl.c */
extern const struct lvmd_control lvmd_control_xenstore; /* xenstore.c */

/* ---- xenstore.c ---- */

/* lvmd_xenstored_listening() - something accepts connections on
 * xenstored's socket. Ask before opening a XenStore connection: without
 * xenstored, libxenstore falls back to the kernel's xenbus device (even
 * when asked for the socket only), where every request waits forever. */
bool lvmd_xenstored_listening(void);

/* ---- backends.c: the table ---- */
/* lvmd_control_of() - the control for a guest of store mode (store)
 * (LVM_STORE_XENSTORE: XenStore; else noxs). */
const struct lvmd_control *lvmd_control_of(enum lvm_store store);

/* lvmd_backends_setup() - every backend's setup, in table order. 0 or the
 * first -errno. */
int lvmd_backends_setup(struct lvmd *l);
/* lvmd_backends_teardown() - every backend's teardown, in reverse table
 * order (at exit, the guests detached). */
void lvmd_backends_teardown(struct lvmd *l);
/* lvmd_backends_usage() - one line per backend into (f). */
void lvmd_backends_usage(FILE *f);
/* lvmd_backends_attach() - attach (or with (adopt) adopt) (g) to every
 * backend in table order; on failure those attached are detached again.
 * 0 or -errno. */
int lvmd_backends_attach(struct lvmd *l, struct guest *g, unsigned flags,
			 bool adopt);
/* lvmd_backends_settle() - every backend's settle() for (g), in table
 * order (lvmd_create_settle). */
void lvmd_backends_settle(struct lvmd *l, struct guest *g);
/* lvmd_backends_detach() - detach (g) from every backend, in reverse
 * order. */
void lvmd_backends_detach(struct lvmd *l, struct guest *g, bool gone);
/* lvmd_backends_event() - (port) fired: its backend's event(), if a
 * backend bound it. */
void lvmd_backends_event(struct lvmd *l, int port);

/* ---- ports.c: the event channel ports ---- */
struct lvmd_port {
	struct guest *g;             /* NULL: not ours */
	const struct lvmd_backend *be;
	/* its budget (bucket.h): LVMD_PORT_RATE events a second, bursts of
	 * LVMD_PORT_BURST; an event past it is deferred, the port left
	 * masked, until (defer_ns) (0: none deferred) */
	uint64_t tat;
	uint64_t defer_ns;
};

/* lvmd_port_bind() - bind dom0's end of (g)'s (remote) port for backend
 * (be). The local port, or -errno. */
int lvmd_port_bind(struct lvmd *l, struct guest *g, uint32_t remote,
		   const struct lvmd_backend *be);
/* lvmd_port_attach() - dom0's end of (g)'s port (remote) for backend
 * (be) into (*lport): routed if a pool bound it ahead ((*lport) >= 0,
 * lvmd_port_bind_ahead), else bound now. 0 or -errno; a port bound ahead
 * stays in (*lport) on failure, (g)'s to unbind (lvmd_port_unbind). */
int lvmd_port_attach(struct lvmd *l, struct guest *g, int *lport,
		     uint32_t remote, const struct lvmd_backend *be);
/* lvmd_port_bind_ahead() - from any thread (lvmd's refill thread): bind
 * dom0's end of (domid)'s port (remote) on lvmd's handle (xce), routed to
 * no guest until lvmd_port_attach() takes it. The local port, or -errno. */
int lvmd_port_bind_ahead(xenevtchn_handle *xce, uint32_t domid,
			 uint32_t remote);
/* lvmd_port_release_ahead() - from any thread: unbind (*lport), bound
 * ahead and never taken, if bound; sets it to -1. */
void lvmd_port_release_ahead(xenevtchn_handle *xce, int *lport);
/* lvmd_port_unbind() - unbind (*lport) if bound; sets it to -1. */
void lvmd_port_unbind(struct lvmd *l, int *lport);
/* lvmd_port_notify() - notify the guest on local port (lport) if bound. */
void lvmd_port_notify(struct lvmd *l, int lport);
/* lvmd_port_owner() - the owner of local (port), or NULL. */
const struct lvmd_port *lvmd_port_owner(struct lvmd *l, int port);
/* lvmd_port_admit() - an event of (port) came at (now): true if it may be
 * handled now (its budget taken; ports not ours always may), false if it
 * is deferred: the caller leaves the port masked, and lvmd_ports_due()
 * gives it back once its budget allows. */
bool lvmd_port_admit(struct lvmd *l, int port, uint64_t now);
/* lvmd_ports_due() - up to (max) deferred ports whose time has come at
 * (now) into (out) (their budget taken, no longer deferred): the caller
 * handles and unmasks each. Their number; (*next) lowers to the next
 * deferred port's time. */
size_t lvmd_ports_due(struct lvmd *l, uint64_t now, int *out, size_t max,
		      uint64_t *next);
/* lvmd_ports_free() - the port table (at exit). */
void lvmd_ports_free(struct lvmd *l);

/* ---- console.c ---- */
/* lvmd_console_open_later() - open (g)'s console log, truncated, if its
 * attach left it for later (LVMD_ATTACH_LOG_LATER); else nothing. */
void lvmd_console_open_later(struct lvmd *l, struct guest *g);
/* lvmd_console_drain() - take what (g) wrote to its console now. */
void lvmd_console_drain(struct lvmd *l, struct guest *g);
/* lvmd_console_input() - bytes a console client typed, for (g). */
void lvmd_console_input(struct lvmd *l, struct guest *g, const char *buf,
			size_t len);
/* lvmd_console_note() - a line from lvmd into (g)'s console log. */
void lvmd_console_note(struct lvmd *l, struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* lvmd_console_replay() - (g)'s console drained, its log opened read-only
 * at the last LVMD_CONSOLE_REPLAY bytes: the descriptor, or -errno. */
int lvmd_console_replay(struct lvmd *l, struct guest *g);

/* ---- xenstore.c ---- */
/*
 * lvmd_xs() - lvmd's connection to xenstored, opened on first use (socket
 * only: without xenstored, XenStore mode fails at once instead of
 * hanging). NULL with errno set if xenstored cannot be reached.
 */
struct xs_handle *lvmd_xs(struct lvmd *l);
/* lvmd_xs_close() - close that connection, if open (at exit). */
void lvmd_xs_close(struct lvmd *l);

/* ---- vif.c ---- */
/*
 * lvmd_vif_check() - whether the (n) vifs (vifs) of a create can be served
 * before anything is built: each vif's bridge must exist or be made now
 * (lvmd.conf's bridge_create), and a (xenstore) guest's need the dom0
 * kernel's netback (xsvif.h).
 * Returns 0, or -errno with one line in (err).
 */
int lvmd_vif_check(struct lvmd *l, const struct lvm_vif *vifs, unsigned n,
		   bool xenstore, char *err, size_t errlen);

struct lvmd_vif_ready;
struct lvmd_vif_mem;
struct lvmd_netdev;
struct lvmd_netpath;

/*
 * lvmd_vif_ready_make() - (n) vifs of the pool shell (domid) made ahead
 * into (out) (lvmd.h): for each, the guest's event channel port for dom0
 * and its TAP device on (bridge) with the default MTU, set up; with (np)
 * and the shell's device page (page_mfn, a shell built ahead), the data
 * path's end of each too (lvmd_netpath_ahead_make(): the port bound, the
 * page mapped), or left to the data path when the create's vif is taken
 * if it cannot be made (logged); with (mem) (vif 0's memory, as the
 * image declares it) and the data path's end made, vif 0 connected
 * ahead: its rings page and region mapped for the data path
 * (lvmd_netpath_ahead_rings()), the rings page set up
 * (vring_rings_setup()) and the offer kept for the create's vif record
 * (not made, logged, if they cannot be mapped). For the refill thread: it uses only its
 * own handles (xch), (nd), the data path's own handles (np) and touches
 * nothing else of lvmd's. Returns 0, or -errno with one line in (err)
 * and nothing left but the ports (which go with the domain).
 */
int lvmd_vif_ready_make(xc_interface *xch, struct lvmd_netdev *nd,
			struct lvmd_netpath *np, uint32_t domid,
			uint64_t page_mfn, const struct lvmd_vif_mem *mem,
			unsigned n, const char *bridge,
			struct lvmd_vif_ready *out, char *err, size_t errlen);

/* lvmd_vif_ready_close() - close what the (*n) ready vifs (r) still hold
 * (their TAPs: the devices and their bridge ports go; the data path's
 * ends made ahead, on (np)); (*n) becomes 0. */
void lvmd_vif_ready_close(struct lvmd_netpath *np, struct lvmd_vif_ready *r,
			  unsigned *n);

#endif
