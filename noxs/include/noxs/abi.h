/*
 * noxs/abi.h — the XenStore-free device page: the ABI between the lvm
 * toolstack (dom0) and its guests. This one header is compiled by both
 * sides; it depends on nothing but <stdint.h>. The protocol around it is
 * specified in docs/noxs.md.
 *
 * Discovery: a guest that speaks noxs carries an ELF note named
 * NOXS_NOTE_NAME of type NOXS_NOTE_PAGE whose descriptor is the 64-bit
 * virtual address of a page-aligned, NOXS_PAGE_SIZE-byte object in its
 * image: its device page. The toolstack fills that page after building the
 * image and before the guest's first instruction.
 *
 * Ownership: every field is written by exactly one side, named in its
 * comment ("ts" = toolstack or backend in dom0, "guest"). Each side reads
 * the other side's fields as untrusted input: the guest can scribble over
 * the whole page, so dom0 keeps its own copy of what it wrote and reads
 * back only the guest-owned fields, validating each.
 *
 * All fields are little-endian (x86_64 on both sides).
 */
#ifndef NOXS_ABI_H
#define NOXS_ABI_H

#include <stdint.h>

#define NOXS_NOTE_NAME "lvm-noxs"    /* ELF note name, NUL included in namesz */
#define NOXS_NOTE_PAGE 1             /* desc: uint64_t vaddr of the page */

#define NOXS_MAGIC 0x53584f4eu       /* "NOXS" in memory order */
#define NOXS_VERSION 1u
#define NOXS_PAGE_SIZE 4096u
#define NOXS_NAME_MAX 64u            /* name bytes, NUL included */
#define NOXS_MAX_DEVICES 16u
#define NOXS_DEV_CONFIG_SIZE 32u

/* Device types (struct noxs_dev.type). */
enum noxs_dev_type {
	NOXS_DEV_NONE = 0,
	NOXS_DEV_VIF = 1,            /* network interface */
	NOXS_DEV_VBD = 2,            /* block device */
	NOXS_DEV_TYPE_MAX = 2,
};

/* Requests from the toolstack (struct noxs_sysctl.request). */
enum noxs_request {
	NOXS_REQ_NONE = 0,
	NOXS_REQ_POWEROFF = 1,
	NOXS_REQ_REBOOT = 2,
	NOXS_REQ_SUSPEND = 3,
	NOXS_REQ_MAX = 3,
};

/* The guest's own state (struct noxs_sysctl.state). */
enum noxs_state {
	NOXS_STATE_BOOTING = 0,      /* as the toolstack leaves it */
	NOXS_STATE_READY = 1,        /* main() reached; ready_* are valid */
	NOXS_STATE_CLOSING = 2,      /* acting on a request */
	NOXS_STATE_MAX = 2,
};

/* Backend/frontend connection states of a device. */
enum noxs_dev_state {
	NOXS_DEV_STATE_INIT = 0,
	NOXS_DEV_STATE_CONNECTED = 1,
	NOXS_DEV_STATE_CLOSED = 2,
	NOXS_DEV_STATE_MAX = 2,
};

/* The console: the ring the domain builder set up. */
struct noxs_console {
	uint64_t gfn;                /* ts: guest frame of the xencons ring */
	uint32_t evtchn;             /* ts: guest's port, bound by dom0 */
	uint32_t backend_domid;      /* ts */
};

/* Lifecycle control: shutdown, reboot, suspend; readiness. */
struct noxs_sysctl {
	uint32_t evtchn;             /* ts: guest's port, bound by dom0 */
	uint32_t backend_domid;      /* ts */
	uint32_t request;            /* ts: enum noxs_request */
	uint32_t request_seq;        /* ts: bumped with each new request */
	uint32_t state;              /* guest: enum noxs_state */
	uint32_t ack_seq;            /* guest: last request_seq acted on */
	uint64_t ready_tsc;          /* guest: its TSC when main() began */
	uint64_t ready_ns;           /* guest: Xen system time then, in ns */
};

/* One device. Slots [0, ndevs) are in use. */
struct noxs_dev {
	uint16_t type;               /* ts: enum noxs_dev_type */
	uint16_t id;                 /* ts: per-type index (vif0, vif1…) */
	uint32_t backend_domid;      /* ts */
	uint32_t evtchn;             /* ts: guest's port, bound by the backend */
	uint32_t grant;              /* ts: grant ref of the control page */
	uint32_t be_state;           /* ts: enum noxs_dev_state */
	uint32_t fe_state;           /* guest: enum noxs_dev_state */
	uint8_t config[NOXS_DEV_CONFIG_SIZE]; /* ts: per type, e.g. a vif's MAC */
};

struct noxs_page {
	uint32_t magic;              /* ts: NOXS_MAGIC */
	uint32_t version;            /* ts: NOXS_VERSION */
	uint32_t domid;              /* ts */
	uint32_t ndevs;              /* ts: <= NOXS_MAX_DEVICES */
	uint8_t uuid[16];            /* ts */
	char name[NOXS_NAME_MAX];    /* ts: NUL-terminated */
	uint64_t create_tsc;         /* ts: dom0's TSC when creation began */
	uint64_t tsc_khz;            /* ts: TSC frequency, for ready times */
	struct noxs_console console;
	struct noxs_sysctl sysctl;
	struct noxs_dev devs[NOXS_MAX_DEVICES];
	uint8_t reserved[NOXS_PAGE_SIZE - 168 - NOXS_MAX_DEVICES * 56];
};

/* Layout checks: the same bytes on both sides, whatever the compiler. */
_Static_assert(sizeof(struct noxs_console) == 16, "noxs_console size");
_Static_assert(sizeof(struct noxs_sysctl) == 40, "noxs_sysctl size");
_Static_assert(sizeof(struct noxs_dev) == 56, "noxs_dev size");
_Static_assert(sizeof(struct noxs_page) == NOXS_PAGE_SIZE, "noxs_page size");
_Static_assert(__builtin_offsetof(struct noxs_page, name) == 32, "name offset");
_Static_assert(__builtin_offsetof(struct noxs_page, console) == 112, "console offset");
_Static_assert(__builtin_offsetof(struct noxs_page, sysctl) == 128, "sysctl offset");
_Static_assert(__builtin_offsetof(struct noxs_page, devs) == 168, "devs offset");

#endif
