/*
 * netpath.h — the vifs' data path (netpath.c): one thread of its own that
 * moves Ethernet frames between noxs guests' vif rings (noxs/abi.h,
 * docs/noxs.md "Vifs") and their TAP devices, off lvmd's control thread,
 * so that traffic never delays a create. Internal to lvmd.
 *
 * The thread has its own xenevtchn and xenforeignmemory handles: a vif's
 * port is bound there, never in the control thread's poll set, and its
 * device page, rings page and buffer region are mapped there. Once a vif
 * is handed over (lvmd_netpath_add), only the thread touches its rings,
 * region, TAP descriptor and the dom0-owned fields of its device record
 * and vif record (be_state, reason, reason_arg, disconnect_seq); the
 * control thread keeps writing the rest of the page as before.
 *
 * A vif connects when its guest sets fe_state CONNECTED and notifies: the
 * thread checks the declared region, maps rings and region once, sets
 * be_state CONNECTED. Every descriptor and index the guest writes is
 * checked (noxs/vring.h) before use; a bad one disconnects that vif only,
 * with the verdict in its vif record. Notifications past the vif's budget
 * are deferred, not served at once.
 *
 * No call below waits for the thread's work on the data path: add and
 * remove post a command and return; the thread acts on it within one turn
 * of its loop.
 */
#ifndef LVMD_NETPATH_H
#define LVMD_NETPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lvmd_netpath;

#define LVMD_NETPATH_HELLO_LEN 42u   /* an Ethernet ARP frame, unpadded */

/* What the control thread hands over for one vif of one guest. */
/*
 * A vif's dom0 side in the data path made before its create, on a pool
 * shell (lvmd_netpath_ahead_make()): the guest's port for it bound on the
 * thread's event channel handle, its device page mapped on the thread's
 * foreign memory handle. Routed to no vif until one is added with it (the
 * port's events are ignored until then: the shell never ran).
 */
struct lvmd_netpath_ahead {
	int lport;                   /* dom0's end of the port (with page) */
	void *page;                  /* the device page; NULL: none made */
	uint32_t domid, remote_port; /* what it was made for: an add with */
	uint64_t page_mfn;           /* other values closes it instead */
	void *rings, *region;        /* a vif connected ahead: its rings page
					and region mapped too
					(lvmd_netpath_ahead_rings()); NULL:
					not */
	uint64_t ring_mfn;           /* ... the rings page's frame */
	uint32_t region_pages;
};

struct lvmd_netpath_vif_args {
	uint32_t domid;
	uint32_t id;                 /* vif id, < NOXS_MAX_VIFS */
	unsigned dev_slot;           /* its record's index in the page's devs[] */
	uint64_t page_mfn;           /* the guest's device page, machine frame */
	uint32_t remote_port;        /* the guest's port for this vif, unbound
					for dom0 */
	int tap_fd;                  /* its TAP device, O_NONBLOCK: owned by
					the data path from the call on, even
					when it fails (closed at remove) */
	bool adopt;                  /* the guest ran under an lvmd before:
					take its rings as they are */
	uint8_t hello[LVMD_NETPATH_HELLO_LEN]; /* a frame the guest gets at
					connect, ahead of any other (the
					gateway's ARP reply: np_gw_hello()) */
	uint32_t hello_len;          /* 0: none */
	struct lvmd_netpath_ahead ahead; /* made ahead for remote_port and
					page_mfn (page NULL: none, the
					thread binds and maps at take);
					the data path's from the call on,
					even when it fails */
};

/* A vif's counters, from dom0's side: rx = to the guest, tx = from it. */
struct lvmd_netpath_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped;         /* frames from the TAP longer than the
					guest's buffer (with no buffer posted
					the TAP is not read: the kernel
					queues, then drops) */
	uint64_t tx_errors;          /* frames the TAP refused (answered
					ERROR) */
	bool connected;
	uint32_t reason;             /* enum noxs_vif_reason of the last
					disconnect, 0 if none */
};

/*
 * lvmd_netpath_start() - open the thread's handles and start it; with
 * (yield), it runs as SCHED_IDLE while dom0 has CPU to spare
 * (netyield.h, lvmd.conf's data_path_yield). Returns 0 with (*out) set,
 * or -errno with one line in (err).
 */
int lvmd_netpath_start(struct lvmd_netpath **out, bool yield, char *err,
		       size_t errlen);

/*
 * lvmd_netpath_class() - the thread's scheduling class as of its last
 * turn: (*yielding) SCHED_IDLE now, (*starved) the times it went back to
 * the normal class (netyield.h). Never waits.
 */
void lvmd_netpath_class(struct lvmd_netpath *np, bool *yielding,
			uint64_t *starved);

/* lvmd_netpath_stop() - stop the thread, release every vif. NULL-safe. */
void lvmd_netpath_stop(struct lvmd_netpath *np);

/*
 * lvmd_netpath_add() - serve the vif (a): its TAP put in the thread's
 * epoll set, the vif posted to the thread, which takes it once woken by
 * lvmd_netpath_kick(): it then binds its port on its own handle and maps
 * its device page (hypervisor calls off the caller's path), unless (a)
 * brings them made ahead for that domain, port and page (a->ahead; made
 * for another, they are closed here). A refusal
 * there (a port not unbound for dom0, a
 * page not the guest's) leaves that vif dead, logged, with
 * NOXS_VIF_BAD_SETUP in its stats and, when the page is mapped, in its
 * vif record; it goes at remove, as any other.
 * Returns 0, or -errno with one line in (err) and nothing left (the TAP
 * descriptor closed): -EEXIST for a (domid, id) already served, -EINVAL
 * for bad arguments, -ENOMEM, or epoll's refusal.
 */
int lvmd_netpath_add(struct lvmd_netpath *np,
		     const struct lvmd_netpath_vif_args *a, char *err,
		     size_t errlen);

/*
 * lvmd_netpath_ahead_make() - bind (remote_port) of (domid) and map its
 * device page (page_mfn) for the data path, from any thread (a pool's
 * refill): what the thread would do when it takes the vif, done before
 * the create so that after it dom0 is done sooner. Returns 0 with (*out)
 * made, or -errno with one line in (err) and (*out) empty ({-1, NULL}).
 */
int lvmd_netpath_ahead_make(struct lvmd_netpath *np, uint32_t domid,
			    uint32_t remote_port, uint64_t page_mfn,
			    struct lvmd_netpath_ahead *out, char *err,
			    size_t errlen);

/*
 * lvmd_netpath_ahead_rings() - for a vif connected ahead (docs/noxs.md):
 * map, on the thread's handle, the rings page (mfn[0]) and the region
 * (the (frames) - 1 frames after it) of (a)'s domain, which its image
 * declares as the vif's memory, so that the connect at take maps nothing
 * when the offer names that rings page and region size. Returns 0 with
 * (a->rings) set, or -errno with one line in (err) and nothing mapped.
 */
int lvmd_netpath_ahead_rings(struct lvmd_netpath *np,
			     struct lvmd_netpath_ahead *a, const uint64_t *mfn,
			     uint32_t frames, char *err, size_t errlen);

/* lvmd_netpath_ahead_close() - undo (a) (unbind, unmap), not handed to a
 * vif; left empty. NULL-safe, idempotent; nothing for a zeroed one. */
void lvmd_netpath_ahead_close(struct lvmd_netpath *np,
			      struct lvmd_netpath_ahead *a);

/*
 * lvmd_netpath_kick() - wake the thread to take the vifs added since the
 * last kick. Its mapping of a device page holds the process's address
 * space for a hypervisor call, stalling the caller's own allocations and
 * page faults meanwhile: a create's caller kicks once its reply has gone
 * (vif.c). NULL-safe.
 */
void lvmd_netpath_kick(struct lvmd_netpath *np);

/*
 * lvmd_netpath_remove() - stop serving vif (id) of (domid): the thread
 * unbinds its port, unmaps its pages and closes its TAP (so the device
 * and its bridge port go) within one turn. Idempotent.
 */
void lvmd_netpath_remove(struct lvmd_netpath *np, uint32_t domid,
			 uint32_t id);

/*
 * lvmd_netpath_stats() - (domid, id)'s counters into (out).
 * Returns 0 or -ENOENT.
 */
int lvmd_netpath_stats(struct lvmd_netpath *np, uint32_t domid, uint32_t id,
		       struct lvmd_netpath_stats *out);

#endif
