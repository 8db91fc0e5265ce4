/*
 * proto.h — the protocol between liblvm's client and lvmd, shared by both.
 *
 * A SOCK_STREAM UNIX socket. Each message is a 4-byte little-endian length
 * (1..LVM_PROTO_MAX) followed by that many bytes of one JSON object.
 * Requests: {"op": NAME, ...}; replies: {"ok": true, ...} or
 * {"ok": false, "errno": N, "error": "one line"}. After the ok reply to
 * "console" the connection carries raw bytes both ways. docs/lvm.md lists
 * the fields of each op.
 *
 * Everything decoded here comes from the other side of a socket: lengths,
 * types and ranges are checked, and a bad message is -EPROTO (or
 * -EMSGSIZE), never a crash. Strings handed out point into the JSON object
 * they came from and live as long as it does.
 */
#ifndef LVM_PROTO_H
#define LVM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <lvm.h>

#define LVM_PROTO_HDR 4
#define LVM_PROTO_MAX 65536          /* largest JSON body, in bytes */
#define LVM_PROTO_DEPTH 8            /* deepest JSON nesting accepted */
#define LVM_PROTO_LIST_BUDGET 49152  /* list: bytes of guests per reply; the
					reply has "next" when more remain */

enum lvm_op {
	LVM_OP_CREATE,
	LVM_OP_DESTROY,
	LVM_OP_SHUTDOWN,
	LVM_OP_REBOOT,
	LVM_OP_PAUSE,
	LVM_OP_UNPAUSE,
	LVM_OP_LIST,
	LVM_OP_INFO,
	LVM_OP_CONSOLE,
	LVM_OP_POOL,                 /* list the shell pools */
	LVM_OP_POOL_SET,             /* set one pool's target */
	LVM_OP_TOP,                  /* lvmd's counters and its guests' (paged
					like list: "from", "next") */
	LVM_OP_COUNT,
};

/* lvm_op_name() - the wire name of (op); NULL when out of range. */
const char *lvm_op_name(enum lvm_op op);

/*
 * lvm_proto_encode() - frame (msg): a malloc'd buffer of header + JSON in
 * (*buf), its size in (*len).
 * Returns 0, -EMSGSIZE (the JSON is over LVM_PROTO_MAX), -ENOMEM.
 */
int lvm_proto_encode(json_object *msg, char **buf, size_t *len);

/*
 * lvm_proto_decode() - take one message from the (len) bytes at (buf).
 * Returns 1 with the object in (*out) (the caller puts it) and the bytes
 * it took in (*used); 0 when more bytes are needed; -EMSGSIZE for a length
 * of 0 or over LVM_PROTO_MAX; -EPROTO when the body is not exactly one
 * JSON object (bad syntax, trailing bytes, NUL bytes, too deep).
 */
int lvm_proto_decode(const void *buf, size_t len, size_t *used,
		     json_object **out);

/*
 * A blocking socket's exchange, in halves, so that a caller can time the
 * exchange apart from its JSON (liblvm: its request sent -> the reply
 * read):
 * lvm_proto_write() - write the (len) bytes lvm_proto_encode() made at
 * (buf) to the blocking socket (fd), whole. Returns 0 or the -errno of
 * write (-EPIPE when the peer went away; SIGPIPE is not raised).
 * lvm_proto_read() - read one framed message's JSON text, unparsed, into
 * (*body) (malloc'd, (*len) bytes), exactly the message's bytes, nothing
 * after it. Returns 0, -ECONNRESET (closed before a whole message),
 * -EMSGSIZE, -ENOMEM, or the -errno of read.
 * lvm_proto_parse() - that text as exactly one JSON object into (*out).
 * Returns 0, -EPROTO (bad syntax, trailing bytes, NUL bytes, too deep, not
 * an object), -ENOMEM.
 */
int lvm_proto_write(int fd, const char *buf, size_t len);
int lvm_proto_read(int fd, char **body, size_t *len);
int lvm_proto_parse(const char *body, size_t len, json_object **out);

/* The creation part of a request; strings may be NULL. */
struct lvm_req_cfg {
	const char *name;
	const char *kernel;
	const char *ramdisk;
	const char *cmdline;
	uint32_t memory_mb;
	uint32_t vcpus;
	enum lvm_action on_poweroff;
	enum lvm_action on_crash;
	enum lvm_action on_reboot;   /* absent on the wire: restart */
	enum lvm_store store;
	bool paused;
	bool wait_ready;
	struct lvm_vif vifs[LVM_VIFS_MAX]; /* as in struct lvm_config */
	unsigned nvifs;
};

/*
 * lvm_proto_app_to_json() - add (a) to (o) as "app_name", "app_version"
 * and "app_build_id" (nothing when a->name is empty). 0 or -ENOMEM.
 * lvm_proto_app_from_json() - those keys of (o) into (a) (absent: zeroed):
 * name 1..32 of a-z 0-9 _ -, version 1..32 printable without space,
 * build_id 64 lower-case hex. 0 or -EPROTO.
 */
int lvm_proto_app_to_json(json_object *o, const struct lvm_app *a);
int lvm_proto_app_from_json(json_object *o, struct lvm_app *a);

/* A decoded request. Fields an op does not use are zero. */
struct lvm_req {
	enum lvm_op op;
	const char *target;          /* destroy … info, console */
	uint32_t timeout_ms;         /* shutdown, reboot; 0: default */
	bool all;                    /* list */
	uint32_t from;               /* list, top: the first domain id wanted */
	uint32_t pool_target;        /* pool_set: shells to keep ready; the
					shape is cfg.memory_mb, cfg.vcpus */
	struct lvm_req_cfg cfg;      /* create */
};

/*
 * lvm_proto_request() - (r) as a JSON request. Returns a new object, or
 * NULL with errno EINVAL (bad op) or ENOMEM.
 */
json_object *lvm_proto_request(const struct lvm_req *r);

/*
 * lvm_proto_parse_request() - decode (obj) into (r): a known op, and for
 * it the fields it needs with the right types and ranges (a target is
 * 1..255 bytes, memory and vcpus fit in 32 bits, enums are known words).
 * Unknown fields are ignored. Strings in (r) point into (obj).
 * Returns 0, or -EPROTO with one line in (err).
 */
int lvm_proto_parse_request(json_object *obj, struct lvm_req *r, char *err,
			    size_t errlen);

/* lvm_proto_ok() - a new {"ok": true} to add fields to; NULL on ENOMEM. */
json_object *lvm_proto_ok(void);

/*
 * lvm_proto_error() - a new {"ok": false, "errno": (errnum), "error": (msg)}
 * with (msg) on one line: escaped (lvm_escape()), cut to fit. NULL on ENOMEM.
 */
json_object *lvm_proto_error(int errnum, const char *msg);

/*
 * lvm_proto_parse_reply() - check that (obj) is a reply. For an ok reply
 * sets (*errnum) to 0; for an error one to its errno (> 0; a missing or
 * bad one reads as EIO) and (*msg) to its line (or "").
 * Returns 0, or -EPROTO if (obj) is neither.
 */
int lvm_proto_parse_reply(json_object *obj, int *errnum, const char **msg);

/* lvm_proto_info_to_json() - (info) as an object; NULL on ENOMEM. */
json_object *lvm_proto_info_to_json(const struct lvm_info *info);

/*
 * lvm_proto_info_from_json() - decode (obj) into (info) (zeroed first;
 * strings are copied, free them with lvm_info_clear()).
 * Returns 0, -EPROTO (missing field, wrong type, out of range), -ENOMEM.
 */
int lvm_proto_info_from_json(json_object *obj, struct lvm_info *info);

/* lvm_proto_timing_to_json(), lvm_proto_timing_from_json(): the same for
 * (t); client_ns is not sent. */
json_object *lvm_proto_timing_to_json(const struct lvm_timing *t);
int lvm_proto_timing_from_json(json_object *obj, struct lvm_timing *t);

/*
 * lvm_proto_pools_to_json() - add the (n) pools (v) to the reply (rep) as
 * "pools" (one object per shape; "image" and "error" only when not empty)
 * and (other_misses) as "other_misses". Returns 0 or -ENOMEM ((rep) may
 * then hold part of it).
 */
int lvm_proto_pools_to_json(json_object *rep, const struct lvm_pool_info *v,
			    size_t n, uint64_t other_misses);

/*
 * lvm_proto_pools_from_json() - decode the "pools" and "other_misses" of
 * the reply (rep): a malloc'd array (free it with free(); never NULL on
 * success, even for no pools) in (*out), its length in (*n).
 * Returns 0, -EPROTO (missing field, wrong type, out of range, a string
 * too long), -ENOMEM; (*out) is then NULL.
 */
int lvm_proto_pools_from_json(json_object *rep, struct lvm_pool_info **out,
			      size_t *n, uint64_t *other_misses);

/* ---- top (proto_top.c) ---- */
/* lvm_proto_top_guest_to_json() - (g) as an object; NULL on ENOMEM. */
json_object *lvm_proto_top_guest_to_json(const struct lvm_top_guest *g);
/* lvm_proto_top_guest_from_json() - (o) into (g) (zeroed first), every
 * field checked. 0 or -EPROTO. */
int lvm_proto_top_guest_from_json(json_object *o, struct lvm_top_guest *g);
/*
 * lvm_proto_top_head_to_json() - add (t)'s lvmd part to the reply (rep):
 * "time_ns", "uptime_ns", "requests", "ops" (an object: op name -> count),
 * "cpu_ns", "rss_kib", "nguests", and its pools as
 * lvm_proto_pools_to_json(). 0 or -ENOMEM. (t)'s guests are not added.
 */
int lvm_proto_top_head_to_json(json_object *rep, const struct lvm_top *t);
/* lvm_proto_top_head_from_json() - those fields of (rep) into (t) (its
 * pools replaced). 0, -EPROTO, -ENOMEM. */
int lvm_proto_top_head_from_json(json_object *rep, struct lvm_top *t);
/*
 * lvm_proto_top_guests_from_json() - append the "guests" array of (rep)
 * to t->guests (t->nguests_listed of them, room for (*cap), grown with
 * realloc). 0, -EPROTO, -ENOMEM.
 */
int lvm_proto_top_guests_from_json(json_object *rep, struct lvm_top *t,
				   size_t *cap);

/* ---- vifs (vif.c: text and checks; proto_vif.c: JSON) ---- */
/* lvm_hexval() - the value of the hex digit (c) (either case), or -1. */
int lvm_hexval(char c);
/* lvm_mac_parse() - "xx:xx:xx:xx:xx:xx" (hex, either case) into (mac);
 * 0 or -EINVAL. lvm_mac_check() - unicast and not all zero; 0 or -EINVAL. */
int lvm_mac_parse(const char *s, uint8_t mac[6]);
int lvm_mac_check(const uint8_t mac[6]);
/* lvm_mac_format() - (mac) as "xx:xx:xx:xx:xx:xx" in (buf). */
const char *lvm_mac_format(const uint8_t mac[6], char buf[18]);
/* lvm_ifname_check() - (s) is a name Linux takes for a network device
 * (1..LVM_IFNAME_MAX bytes, not . or .., no '/', ':', blank or control
 * byte). 0 or -EINVAL. */
int lvm_ifname_check(const char *s);
/* lvm_ipv4_parse() - "A.B.C.D" or "A.B.C.D/P" (P 1..32; absent: 0 in
 * (*prefix)) into (ip), network order. 0 or -EINVAL. */
int lvm_ipv4_parse(const char *s, uint8_t ip[4], uint8_t *prefix);
/* lvm_ipv4_format() - (ip) as "A.B.C.D" in (buf). */
const char *lvm_ipv4_format(const uint8_t ip[4], char buf[16]);

/*
 * lvm_vif_check() - a decoded vif's fields in range: a MAC given is
 * unicast and not zero, a bridge given is an interface name, a prefix
 * (1..32) only with an address, an MTU given is 576..1500; (resolved):
 * every field set (a guest's record, lvm info). Returns 0 or -EINVAL with
 * one line in (err).
 */
int lvm_vif_check(const struct lvm_vif *v, bool resolved, char *err,
		  size_t errlen);
/* lvm_vifs_check() - (n) <= LVM_VIFS_MAX, each lvm_vif_check(), no MAC
 * twice; the line names the vif ("vif1: ..."). 0 or -EINVAL. */
int lvm_vifs_check(const struct lvm_vif *v, unsigned n, bool resolved,
		   char *err, size_t errlen);

/*
 * lvm_proto_vifs_to_json() - the (n) vifs (v) as a JSON array of objects
 * {"mac", "bridge", "ip", "prefix", "mtu"}, each only when set; with
 * (domid) non-zero each also names its dom0 device ("dev",
 * lvm_vif_devname_of(): the netback's vifD.N for a (xenstore) guest).
 * NULL on ENOMEM.
 */
json_object *lvm_proto_vifs_to_json(const struct lvm_vif *v, unsigned n,
				    uint32_t domid, bool xenstore);
/*
 * lvm_proto_vifs_from_json() - the array (arr) back into (v), (*n);
 * (arr) NULL: no vifs. Everything checked (lvm_vifs_check(), with
 * (resolved)). Returns 0 or -EPROTO with one line in (err).
 */
int lvm_proto_vifs_from_json(json_object *arr, struct lvm_vif *v,
			     unsigned *n, bool resolved, char *err,
			     size_t errlen);

/* Words on the wire for the enums; lvm_*_parse return 0 or -EINVAL. */
const char *lvm_store_name(enum lvm_store s);
int lvm_store_parse(const char *s, enum lvm_store *out);
int lvm_action_parse(const char *s, enum lvm_action *out); /* no restart */
int lvm_reboot_action_parse(const char *s, enum lvm_action *out);
int lvm_state_parse(const char *s, enum lvm_state *out);

#endif
