/*
 * netcopy.h — one vif's data path without the thread or Xen (netcopy.c):
 * the frames moved between a guest's vif rings and buffer region, given as
 * plain pointers, and a descriptor (its TAP device, or anything that keeps
 * datagram boundaries in tests), with every guest write checked through
 * noxs/vring.h. Also the device page's vif fields read at connect and
 * written at a disconnect, and the notification storm count. netpath.c
 * is the thin shell around it (mappings, event channels, epoll).
 * Internal to lvmd; unit-tested (tests/unit/test_netpath.c) and fuzzed
 * (tests/fuzz/fuzz_netpath.c).
 */
#ifndef LVMD_NETCOPY_H
#define LVMD_NETCOPY_H

#include <stdbool.h>
#include <stdint.h>

#include <noxs/abi.h>
#include <noxs/vring.h>

#define NP_BATCH 64u                 /* frames each way per vif per turn */
#define NP_STORM_IDLE 4096u          /* workless notifications in a row
					that disconnect a vif (STORM) */
#define NP_STORM_MIN 64u             /* ... or this many, once the run */
#define NP_STORM_NS 2000000000ull    /* has lasted this long (ns) */
#define NP_BACKLOG_READ 4096u        /* frames read at connect, at most */
#define NP_BACKLOG_KEEP 8u           /* of those, the newest delivered */

/* A vif's counters, from dom0's side: rx = to the guest, tx = from it. */
struct np_counts {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_dropped;         /* frames longer than the guest's buffer */
	uint64_t tx_errors;          /* frames the descriptor refused */
};

/* One connected vif's rings, region and descriptor. */
struct np_io {
	volatile struct noxs_vif_rings *rings;
	uint8_t *region;             /* region_size bytes, the guest's */
	int fd;                      /* the TAP: frames in and out */
	struct vring_back tx, rx;
	struct noxs_vif_desc rx_held; /* an RX buffer taken, not yet filled */
	bool rx_have;
	bool rx_starved;             /* no RX buffer posted: fd not read */
	struct np_counts c;
};

/* What the guest declared for a vif, read once at connect. */
struct np_offer {
	uint32_t fe_state;
	uint64_t ring_mfn;
	uint32_t buf_pages, buf_size;
};

/*
 * np_io_init() - serve (rings) and the (size)-byte region at (region)
 * through (fd). (adopt) false: both rings start at index 0 (a fresh
 * connect). true: each ring starts at the responses the guest already has
 * (its shared rsp_prod), so requests published but not answered before
 * are served again (TX frames sent twice, RX buffers reused).
 */
void np_io_init(struct np_io *io, volatile struct noxs_vif_rings *rings,
		uint8_t *region, uint32_t size, int fd, bool adopt);

/*
 * np_io_tx() - serve up to (max) TX requests: each frame (offset, len) of
 * the region is written to the fd, then answered OK (or ERROR if the
 * write failed: counted in tx_errors); the answers are published once.
 * (*notify) true if the guest must be told.
 * Returns the requests served (max: there may be more), or -(verdict)
 * when the guest broke the ring (*arg: the index or id), with nothing of
 * that request used; the vif must then be disconnected.
 */
int np_io_tx(struct np_io *io, unsigned max, bool *notify, uint32_t *arg);

/*
 * np_io_rx() - move up to (max) frames from the fd into the guest's
 * posted RX buffers, each read straight into its buffer; a frame longer
 * than the buffer is dropped (rx_dropped) and the buffer kept for the
 * next. Stops early when the fd has no frame or no buffer is posted
 * (io->rx_starved: do not poll the fd until the guest posts one).
 * Answers are published once; (*notify) as for np_io_tx().
 * Returns the frames read (max: there may be more), or -(verdict) with
 * (*arg) as for np_io_tx().
 */
int np_io_rx(struct np_io *io, unsigned max, bool *notify, uint32_t *arg);

/*
 * np_io_rx_backlog() - at a fresh connect, (hello) (hello_len bytes; 0:
 * none) first, then what the fd queued while the guest was not
 * connected: up to NP_BACKLOG_READ frames read, the newest
 * NP_BACKLOG_KEEP of them moved into the guest's posted RX buffers,
 * oldest first, as np_io_rx() would; the others (older, longer than
 * NOXS_VIF_FRAME_MAX or than the buffer, or with no buffer posted) are
 * dropped and counted in rx_dropped. A client's first SYN, sent while
 * the guest booted, so reaches it at once rather than at the client's
 * retransmit (1 s on Linux); a backlog of tries long given up does not.
 * Returns the frames delivered (the hello counted), or -(verdict) with
 * (*arg) as for np_io_rx(); (*notify) as for np_io_rx().
 */
int np_io_rx_backlog(struct np_io *io, const uint8_t *hello,
		     uint32_t hello_len, bool *notify, uint32_t *arg);

#define NP_HELLO_LEN 42u             /* Ethernet header + ARP for IPv4 */

/*
 * np_gw_hello() - the frame a gateway (gw_mac, gw_ip) would send to
 * answer an ARP request of the guest (mac, ip) (IPv4 addresses in network
 * order): an ARP reply, unpadded, NP_HELLO_LEN bytes into (out). Given
 * to a guest at connect, ahead of anything else, it lets the guest's
 * first frame to its gateway (a SYN-ACK to dom0) go without waiting for
 * an ARP round trip; the guest's own ARP, and the entry's aging, still
 * run as they would.
 */
void np_gw_hello(uint8_t out[NP_HELLO_LEN], const uint8_t gw_mac[6],
		 const uint8_t gw_ip[4], const uint8_t mac[6],
		 const uint8_t ip[4]);

/*
 * np_io_rx_posted() - has the guest posted RX requests not yet taken?
 * (A peek at req_prod; the take that follows checks it.)
 */
bool np_io_rx_posted(const struct np_io *io);

/*
 * np_offer_read() - read vif (id)'s guest-owned fields from (page): the
 * fe_state of device record (slot) and the vif record, each once, into
 * (*o). Returns NOXS_VIF_OK, or NOXS_VIF_BAD_SETUP when fe_state is
 * CONNECTED and the declared region fails vring_check_region().
 */
int np_offer_read(const volatile struct noxs_page *page, unsigned slot,
		  unsigned id, struct np_offer *o);

/*
 * np_disconnect_mark() - tell the guest its vif (id), device record
 * (slot), is disconnected: reason (verdict), reason_arg (arg),
 * disconnect_seq (*seq + 1, kept in *seq), then (write barrier) be_state
 * CLOSED. The caller notifies.
 */
void np_disconnect_mark(volatile struct noxs_page *page, unsigned slot,
			unsigned id, uint32_t verdict, uint32_t arg,
			uint32_t *seq);

/* A vif's run of workless notifications: how many, since when. */
struct np_storm {
	uint32_t idle;
	uint64_t since_ns;           /* the run's first one (monotonic) */
};

/*
 * np_storm_note() - count one notification of a vif at (now_ns): (work)
 * whether the guest did anything since its previous one (requests,
 * buffers, a state change). Returns true once NP_STORM_IDLE workless ones
 * came in a row, or NP_STORM_MIN over at least NP_STORM_NS (dom0 sees a
 * guest notifying in a loop only as fast as its events reach the data
 * path, which a guest spinning on dom0's CPU slows): disconnect it
 * (STORM).
 */
bool np_storm_note(struct np_storm *s, bool work, uint64_t now_ns);

#endif
