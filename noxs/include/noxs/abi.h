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
#define NOXS_NOTE_VIFMEM 2           /* desc: struct noxs_vifmem (vifs
					a toolstack may connect ahead) */

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
	NOXS_STATE_CLOSING = 2,      /* acting on a request, or going down */
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

/*
 * A vif's static network settings, in its device record's config[]
 * (struct noxs_dev.config of a NOXS_DEV_VIF slot). ts, at creation; the
 * guest reads them from its checked copy of the page.
 */
struct noxs_vif_config {
	uint8_t mac[6];              /* ts: unicast, never all zero */
	uint16_t mtu;                /* ts: 576..NOXS_VIF_MTU_MAX */
	uint8_t ipv4_addr[4];        /* ts: network order; 0.0.0.0 = none */
	uint8_t ipv4_gw[4];          /* ts: network order; 0.0.0.0 = none */
	uint8_t ipv4_prefix;         /* ts: 0..32 (0 with no address) */
	uint8_t pad[15];             /* zero */
};

#define NOXS_MAX_VIFS 8u             /* vif ids 0..7 (struct noxs_dev.id) */
#define NOXS_VIF_MTU_MIN 576u
#define NOXS_VIF_MTU_MAX 1500u
#define NOXS_VIF_FRAME_MAX (NOXS_VIF_MTU_MAX + 14u) /* Ethernet, no FCS */
#define NOXS_VIF_RING_SIZE 64u       /* slots per ring, a power of two */
#define NOXS_VIF_BUF_PAGES_MAX 128u  /* frames of one buffer region */

/*
 * Why dom0 disconnected a vif (struct noxs_vif.reason). The values from
 * NOXS_VIF_BAD_ID on are the verdicts of the ring checks (noxs/vring.h).
 */
enum noxs_vif_reason {
	NOXS_VIF_OK = 0,             /* connected, or never connected */
	NOXS_VIF_BAD_ID = 1,         /* descriptor id >= NOXS_VIF_RING_SIZE */
	NOXS_VIF_BAD_LEN = 2,        /* length 0 or over NOXS_VIF_FRAME_MAX */
	NOXS_VIF_BAD_OFFSET = 3,     /* offset outside the buffer region */
	NOXS_VIF_PAST_REGION = 4,    /* offset + length past the region */
	NOXS_VIF_BAD_FLAGS = 5,      /* unknown flag bits */
	NOXS_VIF_BAD_INDEX = 6,      /* a producer index more than a ring ahead */
	NOXS_VIF_BAD_SETUP = 7,      /* ring or region frames refused */
	NOXS_VIF_STORM = 8,          /* notifications beyond the backend's limit */
	NOXS_VIF_BAD_STATUS = 9,     /* (guest side) a response status unknown */
	NOXS_VIF_REASON_MAX = 9,
};

/*
 * The guest-declared part of a vif and dom0's verdict on it, one per vif
 * id, in the page's former reserved area (zero = absent: a toolstack that
 * knows no vifs leaves it so). Slot [id] belongs to the NOXS_DEV_VIF
 * device record with that id; its event channel and states are that
 * record's evtchn, be_state and fe_state.
 */
struct noxs_vif {
	uint64_t ring_mfn;           /* guest: machine frame of its rings page */
	uint32_t buf_pages;          /* guest: frames in the buffer region */
	uint32_t buf_size;           /* guest: bytes of the region used */
	uint32_t reason;             /* ts: enum noxs_vif_reason, at disconnect */
	uint32_t reason_arg;         /* ts: the offending index or id */
	uint32_t disconnect_seq;     /* ts: +1 per disconnect */
	uint32_t pad;                /* zero */
};

/*
 * A guest's vif memory, declared in its image (ELF note NOXS_NOTE_NAME of
 * type NOXS_NOTE_VIFMEM, this 32-byte descriptor): vif id i (< nvifs) has
 * its rings page at va + i * stride and its buffer region of buf_pages
 * frames right after it, in the image's own zeroed memory, and opens its
 * rings as vring_rings_setup() sets them (noxs/vring.h): RX buffer j < rx_bufs
 * at offset j * buf_len, posted as RX request j. A toolstack that built the
 * image may then connect such a vif before the guest's first instruction
 * ("A vif connected ahead", docs/noxs.md). The descriptor comes from an
 * image file: untrusted, checked in full by the toolstack.
 */
struct noxs_vifmem {
	uint64_t va;                 /* vif 0's rings page, page-aligned */
	uint32_t stride;             /* bytes from one vif's memory to the
					next: a page multiple */
	uint32_t nvifs;              /* vif ids 0..nvifs-1 (<= NOXS_MAX_VIFS) */
	uint32_t buf_pages;          /* region frames (1..NOXS_VIF_BUF_PAGES_MAX) */
	uint32_t buf_size;           /* region bytes used (<= buf_pages * 4096) */
	uint32_t rx_bufs;            /* RX buffers posted at open (1..ring size) */
	uint32_t buf_len;            /* bytes per buffer (>= NOXS_VIF_FRAME_MAX) */
};

/*
 * One ring slot: a request written by the ring's requester, later
 * overwritten by the response to some request (Xen's ring convention).
 * TX: the guest requests (offset, len) = a frame to send; dom0 responds
 * (id, status). RX: the guest requests (offset, len) = an empty buffer;
 * dom0 fills it and responds (id, len = bytes written, status).
 */
struct noxs_vif_desc {
	uint32_t offset;             /* req: byte offset in the buffer region */
	uint16_t len;                /* req: frame or buffer bytes; rsp: bytes */
	uint16_t id;                 /* both: < NOXS_VIF_RING_SIZE, echoed */
	uint16_t flags;              /* req: zero (none defined yet) */
	int16_t status;              /* rsp: enum noxs_vif_status */
	uint32_t pad;                /* zero */
};

enum noxs_vif_status {
	NOXS_VIF_STATUS_OK = 0,
	NOXS_VIF_STATUS_ERROR = -1,  /* dropped (e.g. no room in dom0) */
};

/* A ring's shared indices (free-running, compared modulo 2^32). */
struct noxs_vif_ring_idx {
	uint32_t req_prod;           /* requester: requests published */
	uint32_t rsp_prod;           /* responder: responses published */
	uint32_t pad[14];            /* zero; one cache line per ring */
};

/*
 * The rings page, a page of the guest's own memory named by ring_mfn:
 * both rings and the frames of the buffer region. Rings: TX (guest
 * requests, dom0 responds) and RX (the same, buffers to fill).
 */
struct noxs_vif_rings {
	struct noxs_vif_ring_idx tx_idx;                   /* 0 */
	struct noxs_vif_desc tx[NOXS_VIF_RING_SIZE];       /* 64 */
	struct noxs_vif_ring_idx rx_idx;                   /* 1088 */
	struct noxs_vif_desc rx[NOXS_VIF_RING_SIZE];       /* 1152 */
	uint64_t buf_mfn[NOXS_VIF_BUF_PAGES_MAX];          /* 2176 */
	uint8_t reserved[4096 - 2176 - NOXS_VIF_BUF_PAGES_MAX * 8];
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
	struct noxs_vif vifs[NOXS_MAX_VIFS]; /* version 1 addition, see above */
	uint8_t reserved[NOXS_PAGE_SIZE - 1064 - NOXS_MAX_VIFS * 32];
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
_Static_assert(__builtin_offsetof(struct noxs_page, vifs) == 1064, "vifs offset");
_Static_assert(sizeof(struct noxs_vif_config) == NOXS_DEV_CONFIG_SIZE,
	       "noxs_vif_config size");
_Static_assert(sizeof(struct noxs_vif) == 32, "noxs_vif size");
_Static_assert(sizeof(struct noxs_vif_desc) == 16, "noxs_vif_desc size");
_Static_assert(sizeof(struct noxs_vif_rings) == 4096, "noxs_vif_rings size");
_Static_assert(__builtin_offsetof(struct noxs_vif_rings, rx_idx) == 1088,
	       "rx_idx offset");
_Static_assert(__builtin_offsetof(struct noxs_vif_rings, buf_mfn) == 2176,
	       "buf_mfn offset");
_Static_assert((NOXS_VIF_RING_SIZE & (NOXS_VIF_RING_SIZE - 1)) == 0,
	       "ring size a power of two");

#endif
