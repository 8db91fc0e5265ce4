/*
 * guest.h — lvmd's guests: the guest struct, the guest table (table.c),
 * one guest's life (guest.c), and the hooks through which both tell the
 * client layer above them what happened to a guest. Internal to lvmd (see
 * lvmd.h for the layers).
 */
#ifndef LVMD_GUEST_H
#define LVMD_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lvm.h>
#include <noxs/abi.h>
#include <xen/io/console.h>

#include "cons_ring.h"
#include "registry.h"
#include "restart.h"
#include "vifindex.h"
#include "vifready.h"

struct lvmd;
struct lvmd_control;

struct guest {
	struct guest *next, *prev;   /* table.c */
	struct guest *hnext;         /* table.c: its domid chain */
	struct guest *nnext;         /* table.c: its name chain */
	struct lvmd_vifkey *vkeys;   /* vifindex.c: its vifs' MACs and
					addresses, in the table's index */
	unsigned nvkeys;
	struct lvm_reg_entry rec;    /* what is persisted */
	const struct lvmd_control *ctl; /* noxs or XenStore: chosen once, by
					create.c or adopt.c (backend.h) */

	/* the shared pages (guest.c): the console ring, then (noxs guests)
	 * the device page, mapped together */
	volatile struct xencons_interface *cons_page;
	volatile struct noxs_page *noxs_page;
	unsigned npages;
	void *start_info;            /* its start info, as a shell built
					ahead mapped it (never read): unmapped
					with the pages, off the create's path;
					NULL: none */
	int rec_fd;                  /* a new guest's record file made ahead
					by its pool shell, open until its
					create is answered; -1: none */

	/* console backend (console.c) */
	int cons_lport;              /* dom0's port, -1: not bound */
	struct lvm_cons_ring cons;
	int log_fd;
	bool log_later;              /* attached without its log: opened
					(anew) by lvmd_console_open_later() */
	uint64_t log_bytes;          /* size of the log file */
	uint64_t log_old_bytes;      /* size of its rotated NAME.log.1 */
	uint64_t log_counted;        /* of both, in lvmd's live_log_bytes */
	uint64_t cons_bytes;         /* bytes it wrote since lvmd began
					serving it (lvm top) */
	char in_buf[1024];           /* input waiting for ring space */
	size_t in_len;

	/* sysctl backend (sysctl.c, noxs guests only) */
	int sys_lport;
	bool has_ready;
	uint64_t ready_ns;           /* create request received -> ready */
	uint64_t t_recv_ns;          /* monotonic: the create request came;
					0 for adopted guests (unknown) */

	/* vif backend (vif.c, noxs guests only): vifs [0, vifs_on) are
	 * handed to the data path; vif_ready[0, nvif_ready): what its pool
	 * shell made ahead (create.c hands them over, attach uses or closes
	 * them) */
	unsigned vifs_on;
	unsigned nvif_ready;
	struct lvmd_vif_ready vif_ready[LVM_VIFS_MAX];

	/* XenStore-mode vifs (xsvif.c): a bit per vif whose vifD.N the
	 * kernel's netback has not made yet (not yet on its bridge), and
	 * when lvmd began to wait (monotonic) */
	uint32_t xsvif_wait;
	uint64_t xsvif_since_ns;

	/* names backend (xsname.c, noxs guests only): its name is (to be)
	 * in XenStore */
	bool xsname_on;

	/* lifecycle requests (either control; table.c's deadline) */
	uint32_t req;                /* enum noxs_request pending, or 0 */
	uint64_t req_deadline_ns;    /* monotonic; 0: no deadline */

	/* reboots (reboot.c): the restart budget, carried over to the guest
	 * built again; a rebuild waiting for its back-off; why it stopped,
	 * for those waiting on its reboot (client.c) */
	struct lvmd_restarts restarts;
	uint64_t rebuild_at_ns;      /* monotonic; 0: none waiting */
	char stop_note[96];

	/* lifecycle */
	bool seen;                   /* reaper: the domain still exists */
	bool exit_noted;             /* table.c: in l->exits once already */
	uint32_t flags;              /* reaper: its XEN_DOMINF_* */
	char doom[160];              /* non-empty: destroy, with this reason */
	char warning[160];           /* create.c: a note for the client that
					created it (ops.c), not kept */
	char attach_err[200];        /* a backend whose attach failed: why,
					one line (create.c tells the client) */
};

/*
 * What the guest layers tell the client layer (client.c) above them. Set
 * once, by main.c, in l->hooks; every member is called on lvmd's thread
 * and must not destroy or drop a guest.
 */
struct lvmd_hooks {
	/* ready() - (g) reported ready (its control's poll). */
	void (*ready)(struct lvmd *l, struct guest *g);
	/* gone() - (g) stopped: it is being dropped (guest.c), or shut down
	 * and preserved (reboot.c). (why): 0 gone normally (g->stop_note, if
	 * set, says how), or -errno (e.g. -ETIMEDOUT; -EPROTO with g->doom
	 * saying why). */
	void (*gone)(struct lvmd *l, struct guest *g, int why);
	/* output() - (g) wrote (len) bytes to its console (console.c). */
	void (*output)(struct lvmd *l, struct guest *g, const char *buf,
		       size_t len);
	/* rebuilding() - (g) rebooted and is about to be destroyed and built
	 * again (reboot.c): those waiting for its reboot wait for rebuilt()
	 * instead of gone(). */
	void (*rebuilding)(struct lvmd *l, struct guest *g);
	/* rebuilt() - the rebuild of (name) ended: (ng) is the new guest, or
	 * NULL with (rc) -errno and (err) one line. */
	void (*rebuilt)(struct lvmd *l, const char *name, struct guest *ng,
			int rc, const char *err);
};

/* ---- table.c: the guest table ---- */
struct guest *lvmd_guest_by_name(struct lvmd *l, const char *name);
struct guest *lvmd_guest_by_domid(struct lvmd *l, uint32_t domid);
/* lvmd_guest_find() - (target) is a name or a decimal domid; NULL if no
 * managed guest matches. */
struct guest *lvmd_guest_find(struct lvmd *l, const char *target);

/* lvmd_guest_new() - a guest owning (rec)'s members (moved out of it),
 * controlled through (ctl). NULL on ENOMEM ((rec) untouched). */
struct guest *lvmd_guest_new(struct lvm_reg_entry *rec,
			     const struct lvmd_control *ctl);
/* lvmd_guest_free() - free a guest that is in no table (nothing attached). */
void lvmd_guest_free(struct guest *g);

/* lvmd_guest_insert() - add (g) to the tables. */
void lvmd_guest_insert(struct lvmd *l, struct guest *g);
/* lvmd_guest_unlink() - take (g) out of the tables. */
void lvmd_guest_unlink(struct lvmd *l, struct guest *g);

/* lvmd_guest_doom() - mark (g) to be destroyed when the current event is
 * handled, logging (fmt) once (the console log gets the reason when the
 * guest is destroyed, lvmd_guest_reap_doomed()). */
void lvmd_guest_doom(struct lvmd *l, struct guest *g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * lvmd_guest_exit_note() - (g), a noxs guest, says it is going down: have
 * the reaper look at its domain at once and until it has stopped
 * (l->exits; when full, a sweep over all domains instead), without
 * waiting for the sweep (which, with VIRQ_DOM_EXC, is spaced by its cost,
 * and without it is slow). Once per guest.
 */
void lvmd_guest_exit_note(struct lvmd *l, struct guest *g);
/* lvmd_guest_deadline() - (g) must be gone (timeout_ms) from now (0: the
 * default), or the loop destroys it (lvmd_guest_timers()); for lifecycle
 * requests of either control. */
void lvmd_guest_deadline(struct lvmd *l, struct guest *g,
			 uint32_t timeout_ms);

/* lvmd_guest_save() - persist (g)'s record; logs on failure. */
int lvmd_guest_save(struct lvmd *l, struct guest *g);
/* lvmd_guest_save_new() - the same for the first record of a guest just
 * built (lvm_reg_save_new(): one write, no rename), into the file its pool
 * shell made ahead if it has one (g->rec_fd: only the write). */
int lvmd_guest_save_new(struct lvmd *l, struct guest *g);
/* lvmd_reg_remove_logged() - delete (g)'s record; logs on failure. */
void lvmd_reg_remove_logged(struct lvmd *l, struct guest *g);

/* lvmd_guest_info_as() - (out) for (g) without asking the hypervisor,
 * with (state) as its state. 0 or -ENOMEM. */
int lvmd_guest_info_as(struct lvmd *l, struct guest *g, enum lvm_state state,
		       struct lvm_info *out);
/* lvmd_domain_state() - the lvm_state for Xen's domain (flags). */
enum lvm_state lvmd_domain_state(uint32_t flags);

/* ---- guest.c: one guest's life ---- */
/*
 * lvmd_guest_attach() - serve the new guest (g): map its shared pages (the
 * console ring and, for noxs guests, the device page), then attach every
 * backend of the table (backend.h). Flags: LVMD_ATTACH_KEEP_LOG: append to
 * its console log (a reboot) instead of starting it anew;
 * LVMD_ATTACH_LOG_LATER: leave the log to lvmd_console_open_later() (a
 * create opens it after its reply: a log that cannot be opened fails
 * nothing, and no console event is handled before).
 * Returns 0 or -errno with everything undone and the reason logged.
 */
int lvmd_guest_attach(struct lvmd *l, struct guest *g, unsigned flags);

/* lvmd_guest_take_pages() - (g), a noxs guest not yet attached, takes the
 * console ring and device page its build mapped ((b)->pages, a shell
 * built ahead), so that its attach maps nothing, and the mapping of its
 * start info ((b)->start_info), so that the create unmaps nothing; those
 * are then NULL. Without such pages, nothing. */
struct lvm_built;
void lvmd_guest_take_pages(struct guest *g, struct lvm_built *b);

/* lvmd_guest_adopt() - the same for a guest found running at a restart:
 * the backends take over the state they left in its pages. */
int lvmd_guest_adopt(struct lvmd *l, struct guest *g);

/* lvmd_guest_detach() - the inverse: every backend detached (the console
 * drained one last time), the pages unmapped. Idempotent. */
void lvmd_guest_detach(struct lvmd *l, struct guest *g);

/*
 * lvmd_guest_drop() - forget (g): detach it (for good: the backends
 * release what they keep outside lvmd), delete its record, tell the
 * clients (hooks->gone, with (why)), free it. The domain is not touched.
 */
void lvmd_guest_drop(struct lvmd *l, struct guest *g, int why);

/* lvmd_guest_destroy() - detach, destroy the domain, drop (g). */
int lvmd_guest_destroy(struct lvmd *l, struct guest *g, int why);

/* lvmd_guest_reap_doomed() - destroy every doomed guest. */
void lvmd_guest_reap_doomed(struct lvmd *l);

/* lvmd_guest_timers() - destroy the guests that ignored a lifecycle
 * request past its deadline; (*next) lowers to the next deadline. */
void lvmd_guest_timers(struct lvmd *l, uint64_t now, uint64_t *next);

/* lvmd_guest_info() - fill (out) for (g) from the hypervisor and (g) (its
 * control polled first); -ESRCH if its domain is gone. */
int lvmd_guest_info(struct lvmd *l, struct guest *g, struct lvm_info *out);

#define LVMD_ATTACH_KEEP_LOG 1u
#define LVMD_ATTACH_LOG_LATER 2u

#endif
