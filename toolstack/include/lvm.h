/*
 * lvm.h — liblvm's public API: talking to lvmd, the dom0 daemon that
 * creates and runs lvm's guests.
 *
 * Every call goes through lvmd's UNIX socket (default LVM_DEFAULT_SOCK).
 * A handle (lvm_t) is one connection; calls on it are synchronous and must
 * not be made from two threads at once. Functions return 0 or -errno;
 * lvm_open() returns NULL and sets errno. After an error, lvm_last_error()
 * gives one line explaining it (lvmd's own words when lvmd refused).
 *
 * A guest is named by a target: its name, or its domain id in decimal.
 *
 * Config files are xl.cfg-style (see docs/lvm.md); lvm_config_parse_file()
 * reads one without talking to lvmd.
 */
#ifndef LVM_H
#define LVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LVM_DEFAULT_SOCK "/run/lvm/lvmd.sock"
#define LVM_DEFAULT_STATE_DIR "/run/lvm"
#define LVM_NAME_MAX 63              /* bytes of a guest name, no NUL */
#define LVM_VIFS_MAX 8               /* network interfaces per guest */
#define LVM_IFNAME_MAX 15            /* bytes of a Linux interface name */
#define LVM_MIN_MEMORY_MB 1          /* our own builder's noxs images;
					libxenguest's (XenStore mode, stock
					images) start at 4 */
#define LVM_MAX_MEMORY_MB (4u << 20) /* 4 TiB: the largest the domain builder
					counts in pages without overflow */
#define LVM_MAX_VCPUS 128
#define LVM_DEFAULT_MEMORY_MB 4
#define LVM_DEFAULT_VCPUS 1
#define LVM_DEFAULT_SHUTDOWN_MS 10000
#define LVM_READY_WAIT_MS 5000       /* how long LVM_CREATE_WAIT_READY waits */

typedef struct lvm lvm_t;

/* What lvmd does when a guest powers off, crashes or reboots. */
enum lvm_action {
	LVM_ACTION_DESTROY = 0,      /* destroy the domain (default but for
					on_reboot) */
	LVM_ACTION_PRESERVE = 1,     /* keep the shell for inspection */
	LVM_ACTION_RESTART = 2,      /* on_reboot only (its default): build
					the guest again, within lvmd's
					restart budget (docs/lvm.md) */
};

/* How the guest learns about its devices. */
enum lvm_store {
	LVM_STORE_AUTO = 0,          /* noxs if the image has the note, else
					XenStore mode */
	LVM_STORE_NOXS = 1,          /* require the noxs device page */
	LVM_STORE_XENSTORE = 2,      /* XenStore compatibility mode */
};

/* A guest's state, as the hypervisor reports it. */
enum lvm_state {
	LVM_STATE_RUNNING = 0,       /* running or blocked */
	LVM_STATE_PAUSED = 1,
	LVM_STATE_SHUTDOWN = 2,      /* powered off, kept (on_poweroff=preserve) */
	LVM_STATE_CRASHED = 3,       /* crashed, kept (on_crash=preserve) */
	LVM_STATE_DYING = 4,
	LVM_STATE_GONE = 5,          /* no longer exists */
	LVM_STATE_REBOOTING = 6,     /* rebooted; lvmd builds it again after
					its back-off (on_reboot=restart) */
};

/*
 * One network interface of a guest, as a config's `vif = [ '...' ]` entry
 * or `lvm create --vif SPEC` gives it (xl's syntax: comma-separated
 * key=value, keys mac, bridge, ip, mtu). What a spec leaves out lvmd
 * fills in at creation (a MAC under 00:16:3e, the default bridge, an
 * address from the bridge's subnet, MTU 1500); a guest's record and
 * `lvm info` hold the resolved values.
 */
struct lvm_vif {
	uint8_t mac[6];
	bool has_mac;                /* false: lvmd picks one */
	char bridge[LVM_IFNAME_MAX + 1]; /* "": lvmd's default bridge */
	uint8_t ip[4];               /* IPv4, network order */
	uint8_t prefix;              /* 0: the bridge subnet's prefix */
	bool has_ip;                 /* false: lvmd hands one out */
	uint16_t mtu;                /* 0: 1500 */
};

#define LVM_VIF_MTU_MIN 576
#define LVM_VIF_MTU_MAX 1500
#define LVM_VIF_SPEC_LEN 96          /* bytes lvm_vif_format() may need */

/*
 * lvm_vif_parse() - one vif spec, xl's syntax, into (out) (zeroed first):
 * comma-separated KEY=VALUE with the keys mac (six hex pairs, unicast, not
 * all zero), bridge (a Linux interface name: 1..15 bytes, not "." or "..",
 * no '/', ':', blank or control byte), ip (A.B.C.D, optionally /PREFIX,
 * 1..32) and mtu (576..1500), each at most once. "" and "default" are a
 * vif with everything left to lvmd. Other keys xl knows (script, type,
 * model, vifname, rate, backend, ...) and unknown keys are refused.
 * Returns 0 or -EINVAL with one line in (err), without a prefix (the
 * caller names where the spec came from), e.g. "mac '00:16:3e:1:2:3': not
 * six hex pairs like 00:16:3e:01:02:03".
 */
int lvm_vif_parse(const char *spec, struct lvm_vif *out, char *err,
		  size_t errlen);

/*
 * lvm_vif_format() - (v) as a spec lvm_vif_parse() reads back: only the
 * keys that are set, "" for a vif of all defaults, into (buf) of (len)
 * bytes (LVM_VIF_SPEC_LEN always holds it). Returns (buf).
 */
const char *lvm_vif_format(const struct lvm_vif *v, char *buf, size_t len);

/*
 * lvm_vif_devname() - the dom0 network device of vif (id) of domain
 * (domid): "lvm<domid>.<id>", into (buf). Returns 0, or -EINVAL (domid
 * 0 or past the guests' range, id >= LVM_VIFS_MAX; (buf) is then "").
 */
int lvm_vif_devname(uint32_t domid, unsigned id,
		    char buf[LVM_IFNAME_MAX + 1]);

/*
 * lvm_vif_devname_of() - the same for a guest in XenStore mode when
 * (xenstore): "vif<domid>.<id>", the dom0 kernel netback's device; else
 * as lvm_vif_devname().
 */
int lvm_vif_devname_of(uint32_t domid, unsigned id, bool xenstore,
		       char buf[LVM_IFNAME_MAX + 1]);

/*
 * A guest's configuration. Strings are owned by the struct (malloc'd) and
 * freed by lvm_config_clear(); set them with lvm_config_set_str().
 */
struct lvm_config {
	char *name;                  /* 1..LVM_NAME_MAX of [A-Za-z0-9._-] */
	char *kernel;                /* image path; relative to the cwd */
	char *ramdisk;               /* may be NULL */
	char *cmdline;               /* may be NULL */
	uint32_t memory_mb;
	uint32_t vcpus;
	enum lvm_action on_poweroff;
	enum lvm_action on_crash;
	enum lvm_store store;
	bool paused;                 /* leave the guest paused after creation */
	enum lvm_action on_reboot;   /* restart (default), destroy, preserve */
	struct lvm_vif vifs[LVM_VIFS_MAX]; /* [0, nvifs): vif0, vif1, ... */
	unsigned nvifs;
};

/* lvm_config_init() - (cfg) with no strings and the defaults above. */
void lvm_config_init(struct lvm_config *cfg);

/* lvm_config_clear() - free (cfg)'s strings and re-init it. NULL-safe. */
void lvm_config_clear(struct lvm_config *cfg);

/*
 * lvm_config_set_str() - replace the string (*field) of a config with a
 * copy of (value) (NULL clears it).
 * Returns 0 or -ENOMEM (the old value is then kept).
 */
int lvm_config_set_str(char **field, const char *value);

/*
 * lvm_config_parse_file() - read the xl.cfg-style file at (path) into
 * (cfg), which must have been initialised; keys the file sets replace
 * (cfg)'s values; `vif = [ 'SPEC', ... ]` (lvm_vif_parse()) replaces
 * (cfg)'s vifs. Unknown keys, a key set twice, both `cmdline` and
 * `extra`, bad values, more than LVM_VIFS_MAX vifs and two vifs with one
 * MAC are errors.
 * Returns 0, or -errno with one line in (err) (of (errlen) bytes) of the
 * form "PATH:LINE: what is wrong": -ENOENT/-EACCES (cannot read), -EINVAL
 * (bad syntax, key or value), -EFBIG (over 1 MiB), -ENOMEM.
 */
int lvm_config_parse_file(const char *path, struct lvm_config *cfg,
			  char *err, size_t errlen);

/*
 * lvm_config_check() - the checks lvm_create() makes before asking lvmd:
 * a name is set and valid, a kernel is set, memory and vcpus in bounds,
 * at most LVM_VIFS_MAX vifs, each valid, no MAC twice.
 * Returns 0 or -EINVAL with one line in (err).
 */
int lvm_config_check(const struct lvm_config *cfg, char *err, size_t errlen);

/*
 * lvm_name_check() - (name) is 1..LVM_NAME_MAX bytes of [A-Za-z0-9._-],
 * not "." or "..", and not all digits (that would read as a domain id).
 * Returns 0 or -EINVAL.
 */
int lvm_name_check(const char *name);

/*
 * lvm_escape() - (s) made safe to echo inside a one-line message: control
 * bytes (0x00-0x1f, 0x7f) become \n, \t, \r or \xHH, and past (max) bytes
 * of (s) the rest is cut and "…" put in its place (never inside a UTF-8
 * character). The result goes into (buf), of (len) bytes; a (len) of
 * LVM_ESCAPE_LEN(max) always holds it whole, a smaller one cuts it.
 * Returns (buf); (s) NULL reads as "".
 */
#define LVM_ESCAPE_LEN(max) ((max) * 4 + 4)
const char *lvm_escape(const char *s, size_t max, char *buf, size_t len);
/* LVM_ESCAPED() - lvm_escape() into a buffer that lives as long as the
 * enclosing block (C only: a compound literal), for a message's argument. */
#define LVM_ESCAPED(s, max) \
	lvm_escape((s), (max), (char[LVM_ESCAPE_LEN(max)]){ 0 }, \
		   LVM_ESCAPE_LEN(max))

/* Durations of one creation, in nanoseconds, as lvmd measured them. */
struct lvm_timing {
	uint64_t queue_ns;           /* request received (lvmd about to read
					it) → work started: the read, the
					parse, requests read before it */
	uint64_t prepare_ns;         /* domain, vCPUs, memory, event channels */
	uint64_t load_ns;            /* image read and parsed */
	uint64_t build_ns;           /* kernel, page tables, start info */
	uint64_t devices_ns;         /* device page, grant table; in lvmd
					also its backends attached and the
					record written (below) */
	uint64_t unpause_ns;
	uint64_t total_ns;           /* request received → reply sent */
	uint64_t client_ns;          /* as the caller saw it: the request's
					first byte sent → the reply's last
					byte read (its JSON: encode_ns,
					decode_ns) */
	bool has_ready;
	uint64_t ready_ns;           /* guest's ready mark − request received */
	uint64_t claim_ns;           /* taking a ready shell from lvmd's pool
					(0: cold, the shell was prepared
					for this request: prepare_ns) */
	bool pool_hit;               /* a pre-created shell was used */
	/* Parts of devices_ns, in lvmd (0 where not done on the path): */
	uint64_t map_ns;             /* console ring and device page mapped */
	uint64_t bind_ns;            /* dom0's console and sysctl ports bound
					(0: bound when the pool made the
					shell) */
	uint64_t log_ns;             /* console log opened */
	uint64_t save_ns;            /* the guest's record written */
	/* In the caller (liblvm), around client_ns: */
	uint64_t encode_ns;          /* the request built and encoded */
	uint64_t decode_ns;          /* the reply decoded, this timing
					included */
	uint64_t tsc_khz;            /* the clock of lvmd's times and of
					client_ns: the TSC at this rate
					(Xen's), or 0: CLOCK_MONOTONIC */
};

/* One guest, as lvm_info() and lvm_list() report it. */
/*
 * What an image built by `lvm build` says about its application (its
 * application note, docs/build.md); all empty for other images.
 */
struct lvm_app {
	char name[33];               /* "" : not built by lvm build */
	char version[33];
	char build_id[65];           /* SHA-256 of its inputs, in hex */
};

struct lvm_info {
	char name[LVM_NAME_MAX + 1]; /* "" for a domain lvm does not manage */
	uint32_t domid;
	bool managed;                /* created (or adopted) by this lvmd */
	char uuid[37];               /* the domain handle, lower-case */
	enum lvm_state state;
	uint32_t memory_mb;
	uint32_t vcpus;
	/* The rest is only set for managed guests. */
	int64_t created;             /* creation time, seconds since the epoch */
	uint64_t uptime_ms;
	bool has_ready;
	uint64_t ready_ns;           /* create request → guest ready */
	enum lvm_action on_poweroff;
	enum lvm_action on_crash;
	enum lvm_action on_reboot;
	bool noxs;                   /* the guest has a noxs device page */
	bool xenstore;               /* the guest runs in XenStore mode */
	char *kernel;                /* owned; freed by lvm_info_clear() */
	char *cmdline;               /* owned, may be NULL */
	char *console_log;           /* owned: path of its console log */
	struct lvm_app app;          /* the application it runs, if known */
	char warning[160];           /* create: something given but not
					used (""; e.g. a vif the application
					does not need) */
	struct lvm_vif vifs[LVM_VIFS_MAX]; /* managed guests: resolved (MAC,
					      bridge, address, prefix, MTU);
					      dom0's device
					      lvm_vif_devname_of() */
	unsigned nvifs;
};

/* lvm_info_clear() - free (info)'s strings and zero it. NULL-safe. */
void lvm_info_clear(struct lvm_info *info);

/*
 * lvm_open() - connect to lvmd at (sock_path), or LVM_DEFAULT_SOCK when
 * NULL. Does not block when lvmd is not running.
 * Returns a handle to close with lvm_close(), or NULL with errno set:
 * ENOENT or ECONNREFUSED (lvmd is not running), EACCES (not root),
 * ENAMETOOLONG, ENOMEM.
 */
lvm_t *lvm_open(const char *sock_path);

/* lvm_close() - close (h)'s connection and free it. NULL-safe. */
void lvm_close(lvm_t *h);

/*
 * lvm_set_busy_wait() - how each later call on (h) waits for lvmd's
 * reply: for up to (usec) microseconds it polls the connection, giving
 * its CPU away between polls (sched_yield), and only then sleeps until
 * the reply comes. A reply that comes within that time is read without
 * the wake-up of a sleeping CPU (about 1 ms in a nested box), at the
 * price of that CPU time. 0, the default, sleeps at once; values above
 * LVM_BUSY_WAIT_MAX are taken as it. For a process that makes a request
 * or two and exits, as the lvm command does. NULL-safe.
 */
#define LVM_BUSY_WAIT_MAX 100000u
void lvm_set_busy_wait(lvm_t *h, unsigned usec);

/*
 * lvm_last_error() - one line describing the last failed call on (h):
 * lvmd's message when lvmd refused the request, else liblvm's own. Valid
 * until the next call on (h). Never NULL.
 */
const char *lvm_last_error(const lvm_t *h);

/* Flags of lvm_create(). */
#define LVM_CREATE_WAIT_READY 1u     /* wait up to LVM_READY_WAIT_MS for the
					guest's ready mark before replying */

/*
 * lvm_create() - ask lvmd to create and start a guest from (cfg). A
 * relative kernel or ramdisk path is made absolute against the cwd. On
 * success fills (info) and (timing) when not NULL (free (info) with
 * lvm_info_clear()).
 * Returns 0, or -EINVAL (bad config), -EEXIST (name taken), -ENOENT
 * (kernel or ramdisk missing), -ENOEXEC (not a Xen PV ELF image),
 * -ENOMEM (not enough free memory in the hypervisor), -EOPNOTSUPP
 * (XenStore mode), -EPROTO/-ECONNRESET (lvmd misbehaved or went away),
 * or another -errno from the domain builder.
 */
int lvm_create(lvm_t *h, const struct lvm_config *cfg, unsigned flags,
	       struct lvm_info *info, struct lvm_timing *timing);

/*
 * lvm_destroy() - destroy guest (target) at once, whatever its state.
 * Returns 0, -ESRCH (no such guest), -EPERM (a domain lvm does not manage).
 */
int lvm_destroy(lvm_t *h, const char *target);

/*
 * lvm_shutdown() - ask guest (target) to power off through its sysctl
 * device and wait until it is gone; after (timeout_ms) (0: the default,
 * LVM_DEFAULT_SHUTDOWN_MS) lvmd destroys it.
 * Returns 0 (it powered off and was reaped, or was preserved by
 * on_poweroff), -ETIMEDOUT (it did not comply and was destroyed), -ESRCH,
 * -EOPNOTSUPP (the guest has no sysctl device: use lvm_destroy()).
 */
int lvm_shutdown(lvm_t *h, const char *target, uint32_t timeout_ms);

/*
 * lvm_reboot() - like lvm_shutdown(), with a reboot request; lvmd then
 * builds the guest again from the same config (same name and uuid, a new
 * domain id). On success fills (info) when not NULL.
 * Returns 0, -ETIMEDOUT (destroyed, not restarted), -ESRCH, -EOPNOTSUPP,
 * or an error of recreating it (the guest is then gone).
 */
int lvm_reboot(lvm_t *h, const char *target, uint32_t timeout_ms,
	       struct lvm_info *info);

/* lvm_pause(), lvm_unpause() - pause or unpause guest (target).
 * Return 0, -ESRCH, -EPERM, or -errno from the hypervisor. */
int lvm_pause(lvm_t *h, const char *target);
int lvm_unpause(lvm_t *h, const char *target);

/*
 * lvm_info() - fill (out) for guest (target); free it with
 * lvm_info_clear(). Returns 0 or -ESRCH.
 */
int lvm_info(lvm_t *h, const char *target, struct lvm_info *out);

/*
 * lvm_list() - the guests lvmd manages, by domain id; with (all) also
 * every other domain of the hypervisor (dom0 included, managed = false).
 * Stores a malloc'd array in (*out) and its length in (*n); free it with
 * lvm_list_free(). Returns 0 or -errno.
 */
int lvm_list(lvm_t *h, bool all, struct lvm_info **out, size_t *n);

/* lvm_list_free() - free what lvm_list() returned. NULL-safe. */
void lvm_list_free(struct lvm_info *list, size_t n);

#define LVM_POOL_IMAGE_MAX 1024      /* bytes of a pool's image path, NUL in */
#define LVM_POOL_ERROR_MAX 256       /* bytes of a pool's last error, NUL in */

/* One shell pool of lvmd: shells of one shape kept ready for creates. */
struct lvm_pool_info {
	uint32_t memory_mb;
	uint32_t vcpus;
	uint32_t target;             /* shells to keep ready */
	uint32_t ready;              /* ready now */
	uint32_t preparing;          /* being prepared now */
	uint64_t hits;               /* creates that took a shell */
	uint64_t misses;             /* creates of this shape that went cold */
	char image[LVM_POOL_IMAGE_MAX]; /* shells built ahead for this image
					   (absolute path); "": not built */
	char error[LVM_POOL_ERROR_MAX]; /* why the last refill failed, one
					   line; "": the last one worked */
};

/*
 * lvm_pool_list() - lvmd's pools. Stores a malloc'd array in (*out) (free
 * it with free()) and its length in (*n); (*other_misses) gets the number
 * of creates of a shape without a pool. Returns 0 or -errno.
 */
int lvm_pool_list(lvm_t *h, struct lvm_pool_info **out, size_t *n,
		  uint64_t *other_misses);

/*
 * lvm_pool_set() - keep (target) shells of (memory_mb) MiB and (vcpus)
 * vCPUs ready, creating that pool if new; 0 drains it (its shells are
 * destroyed). Returns 0, -EINVAL (a shape lvm cannot create, a target over
 * lvmd's maximum), -ENOSPC (lvmd has as many pools as it keeps), -errno.
 */
int lvm_pool_set(lvm_t *h, uint32_t memory_mb, uint32_t vcpus,
		 uint32_t target);

/*
 * lvm_pool_set_image() - lvm_pool_set(), and build that pool's shells
 * ahead for the image at (image) (an absolute path; NULL or "": not built
 * ahead, as lvm_pool_set()). A shell built ahead has the image loaded,
 * its page tables and vCPU set, and is never run until claimed: a create
 * of that image (the same file, by any path) then only writes its command line,
 * name and devices, and unpauses. A create of another image, or with a
 * ramdisk, does not use such a pool (a miss). Changing the image, or the
 * file changing, replaces the pool's shells. Returns as lvm_pool_set();
 * -EINVAL also for a relative path or one of LVM_POOL_IMAGE_MAX bytes or
 * more.
 */
int lvm_pool_set_image(lvm_t *h, uint32_t memory_mb, uint32_t vcpus,
		       uint32_t target, const char *image);

/*
 * lvm_console_attach() - open a new connection to lvmd attached to guest
 * (target)'s console. lvmd first sends what the guest wrote so far (up to
 * 64 KiB of its log), then the guest's output as it comes; bytes written
 * to the fd go to the guest's console input. lvmd closes the connection
 * when the guest is gone. (h) stays usable.
 * Returns the fd (>= 0; the caller closes it), or -ESRCH, -errno.
 */
int lvm_console_attach(lvm_t *h, const char *target);

/*
 * lvm_info_json(), lvm_timing_json() - (info) or (t) as one JSON object,
 * in the field names of lvmd's protocol (the timing also has client_ns,
 * encode_ns and decode_ns).
 * Returns malloc'd text (free it with free()), or NULL with errno ENOMEM.
 */
char *lvm_info_json(const struct lvm_info *info);
char *lvm_timing_json(const struct lvm_timing *t);

/*
 * lvm_pool_json() - the (n) pools (v) and (other_misses), as lvm_pool_list()
 * returned them, as one JSON object {"pools": [...], "other_misses": N}
 * in the field names of lvmd's protocol. Returns malloc'd text (free it
 * with free()), or NULL with errno ENOMEM.
 */
char *lvm_pool_json(const struct lvm_pool_info *v, size_t n,
		    uint64_t other_misses);

/* ---- lvm top: a snapshot of lvmd and its guests ---- */
#define LVM_TOP_OPS 16               /* request kinds lvm_top() can report */

/* One vif's counters, from dom0's side: rx = to the guest, tx = from it. */
struct lvm_top_vif {
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets;
	bool connected;              /* noxs: its rings are connected */
};

/* One managed guest in a snapshot. */
struct lvm_top_guest {
	char name[LVM_NAME_MAX + 1];
	uint32_t domid;
	enum lvm_state state;
	uint32_t vcpus;              /* online */
	uint32_t memory_mb;          /* what it holds now */
	uint64_t cpu_ns;             /* CPU time of all its vCPUs, cumulative */
	uint64_t console_bytes;      /* bytes it wrote on its console since
					lvmd (this run of it) began serving it */
	struct lvm_top_vif vifs[LVM_VIFS_MAX]; /* noxs vifs; a XenStore-mode
					guest's are not counted (nvifs 0) */
	unsigned nvifs;
};

/* Requests of one kind lvmd received since it started. */
struct lvm_top_op {
	char op[16];                 /* its wire name: "create", "list", ... */
	uint64_t count;
};

/* A snapshot of lvmd and its guests, as lvm_top() returns it. */
/* The scheduling class of lvmd's data path thread (lvmd.conf's
 * data_path_yield). */
enum lvm_data_path {
	LVM_DATA_PATH_NONE = 0,      /* no data path (no vif backend), or an
					lvmd that does not say */
	LVM_DATA_PATH_NORMAL = 1,    /* the normal class: not yielding, or
					starved by other work */
	LVM_DATA_PATH_YIELDING = 2,  /* SCHED_IDLE: gives its CPU to any other
					work of dom0 */
};

struct lvm_top {
	uint64_t time_ns;            /* lvmd's monotonic clock when taken:
					rates come from two snapshots */
	uint64_t uptime_ns;          /* since lvmd started */
	uint64_t requests;           /* requests received, all kinds */
	struct lvm_top_op ops[LVM_TOP_OPS]; /* by kind (those seen), */
	unsigned nops;               /* in the protocol's order */
	uint64_t cpu_ns;             /* lvmd's own CPU time (all threads) */
	uint64_t rss_kib;            /* lvmd's resident memory */
	uint32_t nguests;            /* guests lvmd manages */
	struct lvm_pool_info *pools; /* as lvm_pool_list(); malloc'd */
	size_t npools;
	uint64_t other_misses;
	struct lvm_top_guest *guests; /* by domain id; malloc'd */
	size_t nguests_listed;       /* those in (guests): guests gone between
					two pages of the answer are not */
	enum lvm_data_path data_path; /* the vifs' data path thread's
					scheduling class now */
	uint64_t data_path_starved;  /* times it was starved back into the
					normal class since lvmd started */
};

/*
 * lvm_top() - a snapshot of lvmd (its request counters, CPU time, memory,
 * pools) and of each guest it manages (CPU time, memory, console bytes,
 * vif counters), in (out) (free it with lvm_top_clear()). A long guest
 * table comes in pages, each answered at once by lvmd.
 * Returns 0 or -errno.
 */
int lvm_top(lvm_t *h, struct lvm_top *out);

/* lvm_top_clear() - free what lvm_top() stored in (t) and zero it. */
void lvm_top_clear(struct lvm_top *t);

/*
 * lvm_top_json() - (t) as one JSON object in the field names of lvmd's
 * protocol ("time_ns", "requests", "ops", "cpu_ns", "rss_kib", "guests",
 * "pools", "other_misses", ...). Returns malloc'd text (free it with
 * free()), or NULL with errno ENOMEM.
 */
char *lvm_top_json(const struct lvm_top *t);

/* lvm_state_name() - "running", "paused", … ; "?" when out of range. */
const char *lvm_state_name(enum lvm_state s);

/* lvm_action_name() - "destroy", "preserve" or "restart"; "?" when out of
 * range. */
const char *lvm_action_name(enum lvm_action a);

#ifdef __cplusplus
}
#endif

#endif
