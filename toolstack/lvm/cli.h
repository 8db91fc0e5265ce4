/*
 * cli.h — the `lvm` command: its parsed command line and one function per
 * verb. Parsing (args.c) is separate from doing (one file per verb) so it
 * can be tested without lvmd.
 *
 *   lvm [-s SOCKET] VERB [OPTIONS] [ARG]
 */
#ifndef LVM_CLI_H
#define LVM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <lvm.h>

enum lvm_verb {
	V_NONE,                      /* only global options (--help, --version) */
	V_CREATE,
	V_DESTROY,
	V_SHUTDOWN,
	V_REBOOT,
	V_PAUSE,
	V_UNPAUSE,
	V_LIST,
	V_INFO,
	V_CONSOLE,
	V_POOL,
	V_TOP,
	V_COUNT,
};

struct lvm_cli {
	enum lvm_verb verb;
	const char *sock;            /* -s/--socket, else $LVM_SOCKET, else NULL */
	bool help;                   /* --help: print the usage, do nothing */
	bool version;
	const char *arg;             /* CONFIG|IMAGE (create) or TARGET; the
					first of (args) */
	const char *args[4];         /* positional arguments (pool: set
					SHAPE N [IMAGE]) */
	unsigned nargs;
	bool pool_set;               /* pool set MEMxVCPUS N */
	uint32_t pool_memory_mb, pool_vcpus, pool_target;
	char *pool_image;            /* pool set ... IMAGE, resolved; malloc'd */
	const char *name;            /* create --name */
	const char *ramdisk;         /* create --ramdisk */
	const char *cmdline;         /* create --cmdline */
	bool has_memory, has_vcpus;
	uint32_t memory_mb;          /* create --memory */
	uint32_t vcpus;              /* create --vcpus */
	bool has_store;
	enum lvm_store store;        /* create --noxs / --xenstore */
	struct lvm_vif vifs[LVM_VIFS_MAX]; /* create --vif, in order */
	unsigned nvifs;
	bool timing;                 /* create --timing */
	bool paused;                 /* create --paused */
	bool json;                   /* create, list, info --json */
	bool all;                    /* list --all */
	uint32_t timeout_s;          /* shutdown, reboot -t; 0: default */
	uint32_t delay_ms;           /* top -d; 0: default */
	uint32_t iterations;         /* top -n; 0: no end */
	bool batch;                  /* top --batch */
};

/*
 * lvm_cli_parse() - parse (argc)/(argv) (argv[0] is the program) into
 * (cli). Pointers in (cli) point into (argv).
 * Returns 0, or -EINVAL with one line in (err) (no "lvm: " prefix), e.g.
 * "create: unknown option '--frob' (see lvm create --help)".
 */
int lvm_cli_parse(int argc, char *const argv[], struct lvm_cli *cli,
		  char *err, size_t errlen);

/* lvm_cli_usage() - the help text of (verb) (V_NONE: the whole command). */
const char *lvm_cli_usage(enum lvm_verb verb);

/* lvm_cli_verb_name() - "create", … ; "lvm" for V_NONE. */
const char *lvm_cli_verb_name(enum lvm_verb verb);

/*
 * The verbs. Each gets the parsed line, checks what it can locally, reaches
 * lvmd with lvm_connect(), prints its output on stdout and at most one
 * "lvm: ..." line on stderr, and returns the exit status (0 or 1).
 */
int lvm_cmd_create(const struct lvm_cli *cli);
int lvm_cmd_destroy(const struct lvm_cli *cli);
int lvm_cmd_shutdown(const struct lvm_cli *cli); /* and reboot */
int lvm_cmd_pause(const struct lvm_cli *cli);    /* and unpause */
int lvm_cmd_list(const struct lvm_cli *cli);
int lvm_cmd_info(const struct lvm_cli *cli);
int lvm_cmd_console(const struct lvm_cli *cli);
int lvm_cmd_pool(const struct lvm_cli *cli);
int lvm_cmd_top(const struct lvm_cli *cli);

/*
 * lvm_cli_seconds() - "2", "0.5", "1.25" seconds (0.1 to 86400; digits
 * past the millisecond are dropped) into (*ms). Returns 0 or -EINVAL.
 */
int lvm_cli_seconds(const char *s, uint32_t *ms);

/*
 * lvm_cli_shape() - parse a pool shape "MEMxVCPUS" (e.g. "4x1"; ':' also
 * separates) into (*memory_mb) and (*vcpus). Returns 0 or -EINVAL.
 */
int lvm_cli_shape(const char *s, uint32_t *memory_mb, uint32_t *vcpus);

/*
 * lvm_connect() - a handle on lvmd at (cli)'s socket, or NULL after
 * printing the one error line ("cannot reach lvmd at PATH (is it
 * running? ...)").
 */
lvm_t *lvm_connect(const struct lvm_cli *cli);

/* Output helpers (fmt.c). */
/* lvm_errorf() - print "lvm: " + the formatted line on stderr; returns 1. */
int lvm_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* lvm_fail() - "lvm: " + (h)'s last error; returns 1. */
int lvm_fail(lvm_t *h);
/* lvm_fmt_ms() - (ns) as milliseconds, "12.345", into (buf). */
const char *lvm_fmt_ms(uint64_t ns, char *buf, size_t len);
/* lvm_fmt_uptime() - (ms) as "H:MM:SS" or "Nd HH:MM:SS". */
const char *lvm_fmt_uptime(uint64_t ms, char *buf, size_t len);
struct json_object;
/* lvm_print_json() - (o) pretty-printed on stdout, then released; 0, or 1
 * with an error line when (o) is NULL. */
int lvm_print_json(struct json_object *o);
/* lvm_print_info_json() - (info) as JSON on stdout. */
int lvm_print_info_json(const struct lvm_info *info);

/* ---- lvm top's view (topview.c): rates and frames, no I/O but (f) ---- */
/* One guest's rates between two snapshots. */
struct lvm_top_rate {
	bool known;                  /* it was in the previous snapshot */
	bool cpu_known, cons_known;  /* and each counter grew (Xen adds a */
	bool net_known;              /* running vCPU's current run on the
					reading pCPU's clock, so its CPU time
					can step back), its vifs' too */
	double cpu_pct;              /* % of one CPU (its vCPUs summed) */
	double cons_bps;             /* console bytes/s */
	double rx_bps, tx_bps;       /* its vifs' bytes/s, summed */
	double rx_pps, tx_pps;       /* and packets/s */
};

struct lvm_top_view {
	bool has_prev;               /* rates known (two snapshots of one lvmd) */
	double interval_s;           /* between them, on lvmd's clock */
	double req_ps;               /* lvmd's requests/s */
	double cpu_pct;              /* lvmd's CPU % */
	struct lvm_top_rate *rates;  /* one per cur->guests[] */
	size_t *order;               /* cur->guests' indices: busiest first
					(CPU %), then by domain id */
};

/*
 * lvm_top_view() - the rates from (prev) (NULL: the first snapshot) to
 * (cur), into (v) (free with lvm_top_view_free()). A guest is matched by
 * domain id and name; a counter that went back gives no rate for itself
 * alone, and an lvmd restarted between the two none at all. Returns 0 or -ENOMEM.
 */
int lvm_top_view(const struct lvm_top *prev, const struct lvm_top *cur,
		 struct lvm_top_view *v);
void lvm_top_view_free(struct lvm_top_view *v);

/*
 * lvm_top_print() - one text frame of (cur) and (v) on (f): lvmd's lines,
 * the pools, then a table of guests, busiest first, at most (rows) of
 * them (0: all). Unknown rates are "-".
 */
void lvm_top_print(FILE *f, const struct lvm_top *cur,
		   const struct lvm_top_view *v, unsigned rows);

/*
 * lvm_top_clip() - (len) bytes of (text) onto (f), each line cut to (width)
 * columns (0: as they are): on a terminal, a line wider than the screen
 * would wrap onto a second row, and a frame of such lines would scroll
 * lvmd's lines off the top of the screen. Columns are bytes (lvm's names
 * are ASCII).
 */
void lvm_top_clip(FILE *f, const char *text, size_t len, unsigned width);

/*
 * lvm_top_view_json() - (cur) as lvm_top_json() has it, with the rates of
 * (v) added: "interval_s", "requests_per_s", "cpu_pct" at the top and, per
 * guest, "cpu_pct", "console_bps", "net_rx_bps", "net_tx_bps",
 * "net_rx_pps", "net_tx_pps" (null when unknown). NULL on ENOMEM.
 */
struct json_object *lvm_top_view_json(const struct lvm_top *cur,
				      const struct lvm_top_view *v);

#endif
