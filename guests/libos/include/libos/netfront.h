/*
 * libos/netfront.h — a network frontend over a noxs vif (docs/noxs.md,
 * "Vifs"): the guest's half of the rings page and the buffer region it
 * declares. Frames are plain Ethernet (no FCS). libos owns the memory:
 * per vif one rings page and a region of NETFRONT_BUFS buffers of
 * NETFRONT_BUF_SIZE bytes, the first NETFRONT_RX_BUFS posted for RX (a
 * full ring), the other NETFRONT_TX_BUFS for TX. Everything dom0 writes (indices, responses, be_state) is
 * checked with noxs/vring.h before use; a broken ring closes the vif.
 * A TCP/IP stack sits on top (guests/lwip/vifnet.c).
 */
#ifndef LIBOS_NETFRONT_H
#define LIBOS_NETFRONT_H

#include <stdint.h>

#include <noxs/abi.h>

#define NETFRONT_MAX 2u              /* vifs libos can drive at once */
#define NETFRONT_BUF_SIZE 2048u
#define NETFRONT_RX_BUFS 64u
#define NETFRONT_TX_BUFS 32u
#define NETFRONT_BUFS (NETFRONT_RX_BUFS + NETFRONT_TX_BUFS)
#define NETFRONT_REGION (NETFRONT_BUFS * NETFRONT_BUF_SIZE)

enum netfront_state {
	NETFRONT_WAITING = 0,        /* rings offered, dom0 not connected */
	NETFRONT_CONNECTED = 1,
	NETFRONT_DISCONNECTED = 2,   /* by dom0 (reason) or by the guest */
};

struct netfront;

/* Called from the event loop with each frame received. */
typedef void netfront_rx_fn(void *arg, const uint8_t *frame, uint16_t len);
/* Called from the event loop when the state changes. */
typedef void netfront_state_fn(void *arg, enum netfront_state state);

/*
 * netfront_open() - set up vif (id) from the device page: check its
 * settings (vring_check_config), build its rings page and buffer region,
 * post the RX buffers, publish the vif record, mark the frontend
 * CONNECTED and notify dom0; watch its port in the event loop
 * (libos/loop.h), where (rx) and (state) are called with (arg).
 * Returns 0 with *(out) set, -XEN_ENODEV when the page has no such vif
 * (or there is no valid page), -XEN_EINVAL for settings that fail the
 * check or a port out of range, -XEN_ENOSPC for an id from NETFRONT_MAX
 * on (vif id i uses the memory the image declares for it, docs/noxs.md)
 * or when the loop watches too many ports, -XEN_EBUSY for a vif opened
 * already. A vif dom0 connected ahead is taken as it is (no offer).
 */
int netfront_open(uint16_t id, netfront_rx_fn *rx, netfront_state_fn *state,
		  void *arg, struct netfront **out);

/* netfront_config() - the vif's settings (checked copy of the page). */
const struct noxs_vif_config *netfront_config(const struct netfront *nf);

/* netfront_state() - as last seen by the loop. */
enum netfront_state netfront_state(const struct netfront *nf);

/*
 * netfront_reason() - why the vif is disconnected: dom0's reason (enum
 * noxs_vif_reason) or the verdict on dom0's ring; 0 while it is not.
 */
uint32_t netfront_reason(const struct netfront *nf);

/*
 * netfront_tx_buf() - a free TX buffer of NOXS_VIF_FRAME_MAX bytes for
 * the next frame, or NULL (not connected, or every TX buffer in flight).
 * The same buffer is returned until netfront_tx_send().
 */
uint8_t *netfront_tx_buf(struct netfront *nf);

/*
 * netfront_tx_send() - send the first (len) bytes of the buffer from
 * netfront_tx_buf(), and notify dom0.
 * Returns 0, -XEN_EINVAL for a length of 0 or over NOXS_VIF_FRAME_MAX,
 * -XEN_EAGAIN without a buffer taken.
 */
int netfront_tx_send(struct netfront *nf, uint16_t len);

#endif
