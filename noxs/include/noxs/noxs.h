/*
 * noxs/noxs.h — encoding and validating the device page (noxs/abi.h).
 *
 * The same code (noxs/noxs.c) is compiled into the dom0 toolstack and into
 * guests: freestanding, no allocation, no libc beyond what a freestanding
 * compiler provides. Functions return 0 or a negative errno value from
 * NOXS_E* below (numerically equal to Linux's errno values, so host code
 * can pass them on as -errno).
 */
#ifndef NOXS_NOXS_H
#define NOXS_NOXS_H

#include <stddef.h>
#include <stdint.h>

#include <noxs/abi.h>

#define NOXS_EINVAL 22
#define NOXS_ENOSPC 28
#define NOXS_EPROTO 71
#define NOXS_ENAMETOOLONG 36

/*
 * noxs_page_init() - [ts] zero (p) and write its header: magic, version,
 * (domid), (name) (NUL-terminated, at most NOXS_NAME_MAX - 1 bytes), (uuid)
 * (16 bytes; NULL leaves it zero), no devices, the sysctl record in
 * NOXS_STATE_BOOTING with no request (request_seq 0).
 * Returns 0, -NOXS_EINVAL if (name) is empty or NULL, -NOXS_ENAMETOOLONG
 * if it is too long; (p) is then left zeroed.
 */
int noxs_page_init(struct noxs_page *p, uint32_t domid, const char *name,
		   const uint8_t uuid[16]);

/*
 * noxs_page_set_console() - [ts] describe the console ring: its guest frame
 * (gfn), the guest's event channel port (evtchn), the backend (domid).
 */
void noxs_page_set_console(struct noxs_page *p, uint64_t gfn, uint32_t evtchn,
			   uint32_t backend_domid);

/*
 * noxs_page_set_sysctl() - [ts] the guest's port (evtchn) for lifecycle
 * requests and the backend (domid) that serves them.
 */
void noxs_page_set_sysctl(struct noxs_page *p, uint32_t evtchn,
			  uint32_t backend_domid);

/*
 * noxs_page_add_dev() - [ts] append a device record; copies (config_len)
 * bytes of (config), at most NOXS_DEV_CONFIG_SIZE.
 * Returns the slot index (>= 0), -NOXS_ENOSPC when all NOXS_MAX_DEVICES
 * slots are used, -NOXS_EINVAL for a bad type or an oversized config.
 */
int noxs_page_add_dev(struct noxs_page *p, uint16_t type, uint16_t id,
		      uint32_t backend_domid, uint32_t evtchn, uint32_t grant,
		      const void *config, size_t config_len);

/*
 * noxs_page_check() - [guest] validate a page the toolstack wrote: magic,
 * version, ndevs within bounds, name NUL-terminated, the type and be_state
 * of each device in [0, ndevs) known, request within range. Reads each
 * field once. Fields of a page the other side may still change must be
 * used from the same copy that was checked: check a private copy.
 * Returns 0 or -NOXS_EPROTO.
 */
int noxs_page_check(const volatile struct noxs_page *p);

/* The guest-owned fields, as read once from a page and validated. */
struct noxs_guest_view {
	uint32_t state;              /* enum noxs_state */
	uint32_t ack_seq;
	uint64_t ready_tsc;
	uint64_t ready_ns;
	uint32_t fe_state[NOXS_MAX_DEVICES];
};

/*
 * noxs_guest_view_read() - [ts] copy the guest-owned fields of (p) into
 * (out), reading each exactly once (the guest may change them meanwhile),
 * then validate the copy against what dom0 itself wrote: (ndevs) devices
 * and the last request sequence number it issued (request_seq).
 * Returns 0, or -NOXS_EPROTO if a state (sysctl or a device's fe_state in
 * [0, ndevs)) is out of range, ack_seq is ahead of (request_seq), or the
 * guest claims READY without a ready_tsc; -NOXS_EINVAL if (ndevs) exceeds
 * NOXS_MAX_DEVICES (a caller bug). (out) is filled either way, for
 * logging; fe_state[] past (ndevs) reads as 0.
 */
int noxs_guest_view_read(const volatile struct noxs_page *p, uint32_t ndevs,
			 uint32_t request_seq, struct noxs_guest_view *out);

/*
 * noxs_vif_region_ok() - whether a vif's buffer region of (buf_pages)
 * frames and (buf_size) bytes is one the protocol allows: 1 <= buf_pages
 * <= NOXS_VIF_BUF_PAGES_MAX and 1 <= buf_size <= buf_pages * 4096. The
 * one rule for a region offered at connect (vring_check_region()) and
 * one declared in an image (noxs_vifmem_check()).
 */
static inline int noxs_vif_region_ok(uint32_t buf_pages, uint32_t buf_size)
{
	return buf_pages != 0 && buf_pages <= NOXS_VIF_BUF_PAGES_MAX &&
	       buf_size != 0 && buf_size <= buf_pages * 4096u;
}

/*
 * noxs_vifmem_check() - check a guest's declared vif memory (m) (struct
 * noxs_vifmem, from its image's note) as a layout: 1 <= nvifs <=
 * NOXS_MAX_VIFS; va and stride page-aligned, each vif's rings page and
 * region (1..NOXS_VIF_BUF_PAGES_MAX frames, 1 <= buf_size <= its bytes)
 * inside its stride, the whole span not wrapping; 1 <= rx_bufs <=
 * NOXS_VIF_RING_SIZE buffers of buf_len >= NOXS_VIF_FRAME_MAX bytes
 * inside buf_size. Where the span lies in the image is the caller's to
 * check. Returns 0 or -1.
 */
int noxs_vifmem_check(const struct noxs_vifmem *m);

#endif
