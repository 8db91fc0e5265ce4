/*
 * args.c — the `lvm` command line: verbs, their options, their help texts
 * (see cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "toolstack/common/errf.h"

enum opt_id {
	O_HELP, O_NAME, O_MEMORY, O_VCPUS, O_CMDLINE, O_TIMING, O_JSON,
	O_PAUSED, O_NOXS, O_XENSTORE, O_ALL, O_TIMEOUT, O_RAMDISK, O_VIF,
	O_DELAY, O_ITERATIONS, O_BATCH, O_COUNT
};

static const struct {
	const char *lng;
	char shrt;
	bool arg;
} opts[O_COUNT] = {
	[O_HELP] = { "help", 'h', false },
	[O_NAME] = { "name", 'n', true },
	[O_MEMORY] = { "memory", 'm', true },
	[O_VCPUS] = { "vcpus", 'c', true },
	[O_CMDLINE] = { "cmdline", 0, true },
	[O_TIMING] = { "timing", 0, false },
	[O_JSON] = { "json", 0, false },
	[O_PAUSED] = { "paused", 'p', false },
	[O_NOXS] = { "noxs", 0, false },
	[O_XENSTORE] = { "xenstore", 0, false },
	[O_ALL] = { "all", 'a', false },
	[O_TIMEOUT] = { "timeout", 't', true },
	[O_RAMDISK] = { "ramdisk", 'r', true },
	[O_VIF] = { "vif", 0, true },
	[O_DELAY] = { "delay", 'd', true },
	[O_ITERATIONS] = { "iterations", 'n', true },
	[O_BATCH] = { "batch", 'b', false },
};

#define BIT(o) (1u << (o))

static const struct {
	const char *name;
	unsigned opts;               /* allowed options */
	unsigned arg;                /* positional arguments it takes, at most */
	const char *usage;
} verbs[V_COUNT] = {
	[V_NONE] = { "lvm", 0, 0,
		"usage: lvm [-s SOCKET] VERB [OPTIONS] [ARG]\n"
		"\n"
		"Creates and runs lightweight Xen guests through lvmd, the lvm\n"
		"daemon (start it with: lvmd -d).\n"
		"\n"
		"verbs:\n"
		"  create CONFIG|IMAGE   create and start a guest\n"
		"  destroy GUEST         destroy a guest at once\n"
		"  shutdown GUEST        ask a guest to power off, wait until it is gone\n"
		"  reboot GUEST          ask a guest to reboot; lvmd builds it again\n"
		"  pause GUEST           pause a guest\n"
		"  unpause GUEST         unpause a guest\n"
		"  list                  the guests, one per line\n"
		"  info GUEST            one guest in detail\n"
		"  console GUEST         attach to a guest's console (Ctrl-] detaches)\n"
		"  pool                  lvmd's pools of pre-created shells\n"
		"  pool set MEMxVCPUS N [IMAGE]  keep N shells of that shape ready\n"
		"  top                   a live view of the guests and of lvmd\n"
		"  build DIR             build an application into an image (no lvmd\n"
		"                        needed; lvm build --help)\n"
		"\n"
		"A GUEST is a name or a domain id. `lvm VERB --help` shows a verb's\n"
		"options.\n"
		"\n"
		"options:\n"
		"  -s, --socket PATH     lvmd's socket (default $LVM_SOCKET, else\n"
		"                        " LVM_DEFAULT_SOCK ")\n"
		"  -h, --help            this text\n"
		"  --version             the version\n" },
	[V_CREATE] = { "create",
		BIT(O_HELP) | BIT(O_NAME) | BIT(O_MEMORY) | BIT(O_VCPUS) |
			BIT(O_CMDLINE) | BIT(O_TIMING) | BIT(O_JSON) |
			BIT(O_PAUSED) | BIT(O_NOXS) | BIT(O_XENSTORE) |
			BIT(O_RAMDISK) | BIT(O_VIF),
		1,
		"usage: lvm create CONFIG|IMAGE [OPTIONS]\n"
		"\n"
		"Creates a guest and starts it. The argument is an xl.cfg-style\n"
		"config file, or a guest image (an ELF file, or a Linux bzImage)\n"
		"to boot with the options below; an image's guest is named after\n"
		"the file unless --name is given. Options override the config.\n"
		"An image without the noxs note runs in XenStore mode.\n"
		"\n"
		"  -n, --name NAME       the guest's name (1-63 of A-Z a-z 0-9 . _ -)\n"
		"  -m, --memory MIB      memory in MiB (at least 4; default 4)\n"
		"  -c, --vcpus N         virtual CPUs (1-128; default 1)\n"
		"      --cmdline TEXT    the guest's command line\n"
		"  -r, --ramdisk FILE    an initial ramdisk for the guest\n"
		"  -p, --paused          leave it paused (start it with lvm unpause)\n"
		"      --noxs            require the noxs device page\n"
		"      --xenstore        XenStore mode, even for a noxs image\n"
		"      --vif SPEC        a network interface, after the config's\n"
		"                        (repeatable, up to 8 in all). SPEC is\n"
		"                        xl's: mac=M,bridge=B,ip=A.B.C.D[/P],mtu=N,\n"
		"                        each optional; '' or default: all chosen\n"
		"                        by lvmd (a 00:16:3e MAC, its bridge, a\n"
		"                        free address of the bridge's subnet, 1500)\n"
		"      --timing          print how long each phase took, and when\n"
		"                        the guest reported ready (waits up to 5 s)\n"
		"      --json            print the result as JSON\n" },
	[V_DESTROY] = { "destroy", BIT(O_HELP), 1,
		"usage: lvm destroy GUEST\n"
		"\n"
		"Destroys the guest at once, whatever its state.\n" },
	[V_SHUTDOWN] = { "shutdown", BIT(O_HELP) | BIT(O_TIMEOUT), 1,
		"usage: lvm shutdown [-t SECONDS] GUEST\n"
		"\n"
		"Asks the guest to power off through its sysctl device and waits\n"
		"until it is gone. A guest still running after SECONDS (default\n"
		"10) is destroyed, and lvm exits with status 1.\n"
		"\n"
		"  -t, --timeout SECONDS how long the guest gets\n" },
	[V_REBOOT] = { "reboot", BIT(O_HELP) | BIT(O_TIMEOUT), 1,
		"usage: lvm reboot [-t SECONDS] GUEST\n"
		"\n"
		"Asks the guest to reboot; once it has shut down, lvmd builds it\n"
		"again from the same config (same name, a new domain id). A guest\n"
		"still running after SECONDS (default 10) is destroyed.\n"
		"\n"
		"  -t, --timeout SECONDS how long the guest gets\n" },
	[V_PAUSE] = { "pause", BIT(O_HELP), 1,
		"usage: lvm pause GUEST\n\nPauses the guest's vCPUs.\n" },
	[V_UNPAUSE] = { "unpause", BIT(O_HELP), 1,
		"usage: lvm unpause GUEST\n\nLets a paused guest run again.\n" },
	[V_LIST] = { "list", BIT(O_HELP) | BIT(O_ALL) | BIT(O_JSON), 0,
		"usage: lvm list [--all] [--json]\n"
		"\n"
		"Lists the guests lvmd manages: name, domain id, state, memory,\n"
		"vCPUs, uptime, and the time from creation to the guest's ready\n"
		"mark.\n"
		"\n"
		"  -a, --all             also every other domain of the hypervisor\n"
		"      --json            JSON instead of a table\n" },
	[V_INFO] = { "info", BIT(O_HELP) | BIT(O_JSON), 1,
		"usage: lvm info [--json] GUEST\n"
		"\n"
		"Shows one guest in detail.\n"
		"\n"
		"      --json            JSON instead of text\n" },
	[V_CONSOLE] = { "console", BIT(O_HELP), 1,
		"usage: lvm console GUEST\n"
		"\n"
		"Shows what the guest wrote on its console so far and then as it\n"
		"comes; what you type goes to the guest. Ctrl-] detaches. Ends\n"
		"when the guest is gone.\n" },
	[V_POOL] = { "pool", BIT(O_HELP) | BIT(O_JSON), 4,
		"usage: lvm pool [--json]\n"
		"       lvm pool set MEMxVCPUS N [IMAGE]\n"
		"\n"
		"lvmd keeps VM shells (domains with their vCPUs and memory, made\n"
		"ahead of time) ready in pools, one per shape; a create of exactly\n"
		"that memory and vCPU count (noxs mode) takes one and skips that\n"
		"work. Without arguments: each pool's shape, target, shells ready\n"
		"and being prepared, hits and misses.\n"
		"\n"
		"  set MEMxVCPUS N       keep N shells of MEM MiB and VCPUS vCPUs\n"
		"                        ready (e.g. `lvm pool set 4x1 16`); a new\n"
		"                        shape makes a new pool; 0 drains it\n"
		"  set MEMxVCPUS N IMAGE the same, with each shell built ahead for\n"
		"                        IMAGE (a noxs image): its creates only\n"
		"                        write the command line, name and devices;\n"
		"                        creates of other images, or with a\n"
		"                        ramdisk, do not use this pool\n"
		"      --json            JSON instead of a table\n" },
	[V_TOP] = { "top", BIT(O_HELP) | BIT(O_DELAY) | BIT(O_ITERATIONS) |
			   BIT(O_BATCH) | BIT(O_JSON), 0,
		"usage: lvm top [-d SECONDS] [-n ITERATIONS] [--batch] [--json]\n"
		"\n"
		"A live view of lvmd's guests (state, memory, vCPUs, CPU time and\n"
		"%, console bytes, network bytes and packets per second) and of\n"
		"lvmd itself (requests per second, its CPU and memory, its pools'\n"
		"levels, hits and misses), every SECONDS. On a terminal it redraws\n"
		"the screen, busiest guest first; q quits. Rates need two samples:\n"
		"the first frame shows '-' for them.\n"
		"\n"
		"  -d, --delay SECONDS   between frames (default 2; 0.1 to 86400)\n"
		"  -n, --iterations N    stop after N frames (default: never)\n"
		"  -b, --batch           plain text frames one after another, for\n"
		"                        scripts (also when stdout is not a terminal)\n"
		"      --json            one JSON object per frame, one per line\n" },
};

const char *lvm_cli_usage(enum lvm_verb verb)
{
	return (unsigned)verb < V_COUNT ? verbs[verb].usage : verbs[V_NONE].usage;
}

const char *lvm_cli_verb_name(enum lvm_verb verb)
{
	return (unsigned)verb < V_COUNT ? verbs[verb].name : "lvm";
}

/* number: (s) as a decimal in 0..(max), or -EINVAL. */
static int number(const char *s, uint64_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* find_opt: the option (s) names ("--name", "--name=X", "-n", "-nX"),
 * with its inline value in (*val), or -1; a short one among those
 * (allowed) (one letter means one option per verb). */
static int find_opt(const char *s, unsigned allowed, const char **val)
{
	*val = NULL;
	if (s[0] == '-' && s[1] == '-') {
		const char *eq = strchr(s + 2, '=');
		size_t n = eq ? (size_t)(eq - s - 2) : strlen(s + 2);

		for (int i = 0; i < O_COUNT; i++) {
			if (strlen(opts[i].lng) == n &&
			    strncmp(opts[i].lng, s + 2, n) == 0) {
				*val = eq ? eq + 1 : NULL;
				return i;
			}
		}
		return -1;
	}
	for (int i = 0; i < O_COUNT; i++) {
		if (opts[i].shrt && s[1] == opts[i].shrt &&
		    (allowed & BIT(i))) {
			if (s[2])
				*val = s + 2;
			return i;
		}
	}
	return -1;
}

static int set_opt(struct lvm_cli *c, int id, const char *v, const char *verb,
		   const char *spelled, char *err, size_t errlen)
{
	switch (id) {
	case O_HELP: c->help = true; break;
	case O_NAME: c->name = v; break;
	case O_CMDLINE: c->cmdline = v; break;
	case O_RAMDISK: c->ramdisk = v; break;
	case O_MEMORY:
		if (number(v, UINT32_MAX, &c->memory_mb) < 0)
			return lvm_errf(err, errlen, EINVAL, "%s: %s wants a number of MiB, not '%s'",
				        verb, spelled, LVM_ESCAPED(v, 40));
		c->has_memory = true;
		break;
	case O_VCPUS:
		if (number(v, UINT32_MAX, &c->vcpus) < 0)
			return lvm_errf(err, errlen, EINVAL, "%s: %s wants a number, not '%s'",
				        verb, spelled, LVM_ESCAPED(v, 40));
		c->has_vcpus = true;
		break;
	case O_TIMEOUT:
		if (number(v, 4000000, &c->timeout_s) < 0 || c->timeout_s == 0)
			return lvm_errf(err, errlen, EINVAL,
				        "%s: %s wants a number of seconds (1..4000000), not '%s'",
				        verb, spelled, LVM_ESCAPED(v, 40));
		break;
	case O_VIF: {
		char why[256];

		if (c->nvifs == LVM_VIFS_MAX)
			return lvm_errf(err, errlen, EINVAL, "%s: %s: at most %d",
				        verb, spelled, LVM_VIFS_MAX);
		if (lvm_vif_parse(v, &c->vifs[c->nvifs], why, sizeof(why)) < 0)
			return lvm_errf(err, errlen, EINVAL, "%s: %s '%s': %s", verb,
				        spelled, LVM_ESCAPED(v, 80), why);
		c->nvifs++;
		break;
	}
	case O_DELAY:
		if (lvm_cli_seconds(v, &c->delay_ms) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "%s: %s wants seconds from 0.1 to 86400, not '%s'",
				        verb, spelled, LVM_ESCAPED(v, 40));
		break;
	case O_ITERATIONS:
		if (number(v, UINT32_MAX, &c->iterations) < 0 || !c->iterations)
			return lvm_errf(err, errlen, EINVAL,
				        "%s: %s wants a number of frames (1 or more), not '%s'",
				        verb, spelled, LVM_ESCAPED(v, 40));
		break;
	case O_BATCH: c->batch = true; break;
	case O_TIMING: c->timing = true; break;
	case O_JSON: c->json = true; break;
	case O_PAUSED: c->paused = true; break;
	case O_ALL: c->all = true; break;
	case O_NOXS:
	case O_XENSTORE: {
		enum lvm_store s = id == O_NOXS ? LVM_STORE_NOXS : LVM_STORE_XENSTORE;

		if (c->has_store && c->store != s)
			return lvm_errf(err, errlen, EINVAL, "%s: --noxs and --xenstore exclude each other",
				        verb);
		c->has_store = true;
		c->store = s;
		break;
	}
	}
	return 0;
}

int lvm_cli_seconds(const char *s, uint32_t *ms)
{
	uint64_t v = 0, scale = 1000;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		if ((v = v * 10 + (uint64_t)(*s - '0')) > 86400)
			return -EINVAL;
	v *= 1000;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
			if ((scale /= 10))
				v += scale * (uint64_t)(*s - '0');
	if (*s || !digits || v < 100 || v > 86400000)
		return -EINVAL;
	*ms = (uint32_t)v;
	return 0;
}

int lvm_cli_shape(const char *s, uint32_t *memory_mb, uint32_t *vcpus)
{
	char m[16];
	const char *x = strpbrk(s, "x:");

	if (!x || (size_t)(x - s) >= sizeof(m))
		return -EINVAL;
	memcpy(m, s, (size_t)(x - s));
	m[x - s] = '\0';
	if (number(m, UINT32_MAX, memory_mb) < 0 ||
	    number(x + 1, UINT32_MAX, vcpus) < 0 || *memory_mb == 0 ||
	    *vcpus == 0)
		return -EINVAL;
	return 0;
}

/* pool_args: `pool set MEMxVCPUS N [IMAGE]`. */
static int pool_args(struct lvm_cli *c, char *err, size_t errlen)
{
	if (strcmp(c->args[0], "set") != 0)
		return lvm_errf(err, errlen, EINVAL, "pool: unknown subcommand '%s' (see lvm pool --help)",
			        LVM_ESCAPED(c->args[0], 40));
	if (c->nargs != 3 && c->nargs != 4)
		return lvm_errf(err, errlen, EINVAL, "pool set: want MEMxVCPUS, N and maybe an IMAGE, e.g. `lvm pool set 4x1 16`");
	if (lvm_cli_shape(c->args[1], &c->pool_memory_mb, &c->pool_vcpus) < 0)
		return lvm_errf(err, errlen, EINVAL, "pool set: '%s' is not a shape MEMxVCPUS (e.g. 4x1)",
			        LVM_ESCAPED(c->args[1], 40));
	if (number(c->args[2], UINT32_MAX, &c->pool_target) < 0)
		return lvm_errf(err, errlen, EINVAL, "pool set: '%s' is not a number of shells",
			        LVM_ESCAPED(c->args[2], 40));
	if (c->nargs == 4) {
		/* lvmd needs an absolute path, and a file that exists */
		c->pool_image = realpath(c->args[3], NULL);
		if (!c->pool_image)
			return lvm_errf(err, errlen, EINVAL, "pool set: image %s: %s",
				        LVM_ESCAPED(c->args[3], 200), strerror(errno));
	}
	c->pool_set = true;
	return 0;
}

/* global: options before the verb. Returns the index of the verb. */
static int global(int argc, char *const argv[], struct lvm_cli *c, char *err,
		  size_t errlen)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			c->help = true;
		} else if (!strcmp(a, "--version")) {
			c->version = true;
		} else if (!strcmp(a, "-s") || !strcmp(a, "--socket")) {
			if (i + 1 >= argc)
				return lvm_errf(err, errlen, EINVAL, "%s wants a path", a);
			c->sock = argv[++i];
		} else if (!strncmp(a, "--socket=", 9)) {
			c->sock = a + 9;
		} else {
			return lvm_errf(err, errlen, EINVAL, "unknown option '%s' (see lvm --help)",
				        LVM_ESCAPED(a, 40));
		}
		i++;
	}
	return i;
}

int lvm_cli_parse(int argc, char *const argv[], struct lvm_cli *c, char *err,
		  size_t errlen)
{
	const char *vn, *val;
	char spelled[24];
	bool dashdash = false;
	int i, v, id;

	memset(c, 0, sizeof(*c));
	c->sock = getenv("LVM_SOCKET");
	if (c->sock && !*c->sock)
		c->sock = NULL;
	i = global(argc, argv, c, err, errlen);
	if (i < 0)
		return i;
	if (i >= argc) {
		if (c->help || c->version)
			return 0;
		return lvm_errf(err, errlen, EINVAL, "no verb given (see lvm --help)");
	}
	for (v = 1; v < V_COUNT; v++)
		if (!strcmp(argv[i], verbs[v].name))
			break;
	if (v == V_COUNT)
		return lvm_errf(err, errlen, EINVAL, "unknown verb '%s' (see lvm --help)",
			        LVM_ESCAPED(argv[i], 40));
	c->verb = (enum lvm_verb)v;
	vn = verbs[v].name;
	for (i++; i < argc; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (!verbs[v].arg)
				return lvm_errf(err, errlen, EINVAL, "%s: takes no argument ('%s')",
					        vn, LVM_ESCAPED(a, 40));
			if (c->nargs == verbs[v].arg)
				return lvm_errf(err, errlen, EINVAL, verbs[v].arg == 1 ?
					        "%s: one argument only ('%s' is extra)" :
					        "%s: too many arguments ('%s' is extra)",
					        vn, LVM_ESCAPED(a, 40));
			c->args[c->nargs++] = a;
			c->arg = c->args[0];
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		id = find_opt(a, verbs[v].opts, &val);
		if (id < 0 || !(verbs[v].opts & BIT(id)))
			return lvm_errf(err, errlen, EINVAL, "%s: unknown option '%s' (see lvm %s --help)",
				        vn, LVM_ESCAPED(a, 40), vn);
		/* the option as spelled, without an inline value */
		if (a[1] == '-')
			snprintf(spelled, sizeof(spelled), "--%s", opts[id].lng);
		else
			snprintf(spelled, sizeof(spelled), "-%c", opts[id].shrt);
		if (opts[id].arg && !val) {
			if (i + 1 >= argc)
				return lvm_errf(err, errlen, EINVAL, "%s: %s wants a value", vn,
					        spelled);
			val = argv[++i];
		} else if (!opts[id].arg && val) {
			return lvm_errf(err, errlen, EINVAL, "%s: %s takes no value", vn, spelled);
		}
		if (set_opt(c, id, val, vn, spelled, err, errlen) < 0)
			return -EINVAL;
	}
	if (!c->help && verbs[v].arg == 1 && !c->arg)
		return lvm_errf(err, errlen, EINVAL, "%s: missing %s (see lvm %s --help)", vn,
			        v == V_CREATE ? "CONFIG or IMAGE" : "GUEST", vn);
	if (!c->help && v == V_POOL && c->nargs > 0)
		return pool_args(c, err, errlen);
	return 0;
}
