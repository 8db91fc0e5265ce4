/*
 * create.c — `lvm create CONFIG|IMAGE [OPTIONS]`: a config file or an
 * image (ELF or bzImage), options on top, one request to lvmd; prints the
 * guest, and with --timing the phases lvmd measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "toolstack/liblvm/jsonform.h"

/*
 * is_image: 1 if (path) is a guest image rather than a config: it starts
 * with the ELF magic, or has a bzImage's "HdrS" header; 0 if not; -errno,
 * -EINVAL if it is not a regular file (refused before reading: opening
 * never blocks, and reading only a regular file cannot).
 */
static int is_image(const char *path)
{
	unsigned char m[0x206];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		n = -errno;
	else if (!S_ISREG(st.st_mode))
		n = -EINVAL;
	else if ((n = read(fd, m, sizeof(m))) < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	if (n >= 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' &&
	    m[3] == 'F')
		return 1;
	return n == (ssize_t)sizeof(m) && !memcmp(m + 0x202, "HdrS", 4);
}

/* image_name: the image's file name without its extension, into (buf). */
static const char *image_name(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	char *dot;

	snprintf(buf, len, "%s", b ? b + 1 : path);
	dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
	return buf;
}

static int build_config(const struct lvm_cli *cli, struct lvm_config *cfg)
{
	char err[512], name[LVM_NAME_MAX + 16];
	int elf = is_image(cli->arg);

	if (elf == -EINVAL)
		return lvm_errorf("%s: not a regular file",
				  LVM_ESCAPED(cli->arg, 200));
	if (elf < 0)
		return lvm_errorf("%s: %s", LVM_ESCAPED(cli->arg, 200),
				  strerror(-elf));
	if (elf) {
		if (lvm_config_set_str(&cfg->kernel, cli->arg) < 0 ||
		    lvm_config_set_str(&cfg->name, cli->name ? cli->name :
				       image_name(cli->arg, name, sizeof(name))) < 0)
			return lvm_errorf("out of memory");
	} else if (lvm_config_parse_file(cli->arg, cfg, err, sizeof(err)) < 0) {
		return lvm_errorf("%s", err);
	}
	if ((cli->name && lvm_config_set_str(&cfg->name, cli->name) < 0) ||
	    (cli->cmdline && lvm_config_set_str(&cfg->cmdline, cli->cmdline) < 0) ||
	    (cli->ramdisk && lvm_config_set_str(&cfg->ramdisk, cli->ramdisk) < 0))
		return lvm_errorf("out of memory");
	if (cli->has_memory)
		cfg->memory_mb = cli->memory_mb;
	if (cli->has_vcpus)
		cfg->vcpus = cli->vcpus;
	if (cli->has_store)
		cfg->store = cli->store;
	if (cli->paused)
		cfg->paused = true;
	if (cfg->nvifs + cli->nvifs > LVM_VIFS_MAX)
		return lvm_errorf("vif: %u in the config and %u --vif: at most %d in all",
				  cfg->nvifs, cli->nvifs, LVM_VIFS_MAX);
	memcpy(cfg->vifs + cfg->nvifs, cli->vifs,
	       sizeof(cli->vifs[0]) * cli->nvifs);
	cfg->nvifs += cli->nvifs;
	return 0;
}

static void print_timing(const struct lvm_timing *t, bool noxs)
{
	static const struct {
		const char *what;
		size_t off;
		const char *note;
	} rows[] = {
		{ "queue", offsetof(struct lvm_timing, queue_ns), "request received -> work started" },
		{ "claim", offsetof(struct lvm_timing, claim_ns), "shell taken from the pool (0: cold)" },
		{ "prepare", offsetof(struct lvm_timing, prepare_ns), "domain, vCPUs, memory, event channels" },
		{ "load", offsetof(struct lvm_timing, load_ns), "image read and parsed" },
		{ "build", offsetof(struct lvm_timing, build_ns), "kernel, page tables, start info" },
		{ "devices", offsetof(struct lvm_timing, devices_ns), "device page, grant table, backends, record" },
		{ " map", offsetof(struct lvm_timing, map_ns), "console ring and device page mapped" },
		{ " bind", offsetof(struct lvm_timing, bind_ns), "dom0's ports bound (0: bound ahead)" },
		{ " log", offsetof(struct lvm_timing, log_ns), "console log opened" },
		{ " save", offsetof(struct lvm_timing, save_ns), "record written" },
		{ "unpause", offsetof(struct lvm_timing, unpause_ns), "the guest let run (0: after the reply)" },
		{ "total", offsetof(struct lvm_timing, total_ns), "in lvmd: request received -> reply" },
		{ "encode", offsetof(struct lvm_timing, encode_ns), "in lvm: request built and encoded" },
		{ "client", offsetof(struct lvm_timing, client_ns), "in lvm: request sent -> reply read" },
		{ "decode", offsetof(struct lvm_timing, decode_ns), "in lvm: reply decoded" },
	};
	char ms[32];

	printf("  pool     %s\n", t->pool_hit ? "hit (a pre-created shell)" :
					      "miss (cold: shell prepared now)");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("  %-8s %10s ms  %s\n", rows[i].what,
		       lvm_fmt_ms(*(const uint64_t *)((const char *)t + rows[i].off),
				  ms, sizeof(ms)),
		       rows[i].note);
	if (t->has_ready)
		printf("  %-8s %10s ms  %s\n", "ready",
		       lvm_fmt_ms(t->ready_ns, ms, sizeof(ms)),
		       "request received -> guest ready (dom0 clock)");
	else
		printf("  %-8s %10s     %s\n", "ready", "-",
		       noxs ? "no ready mark within 5 s" :
			      "no ready mark: the guest has no noxs device page");
	if (t->tsc_khz)
		printf("  clock    the TSC at %llu kHz (Xen's rate)\n",
		       (unsigned long long)t->tsc_khz);
	else
		printf("  clock    CLOCK_MONOTONIC\n");
}

static int print_json(const struct lvm_info *info, const struct lvm_timing *t)
{
	json_object *o = json_object_new_object();
	json_object *i = lvm_jsonform_info(info);
	json_object *tj = lvm_jsonform_timing(t);

	if (!o || !i || !tj) {
		json_object_put(o);
		json_object_put(i);
		json_object_put(tj);
		return lvm_errorf("out of memory");
	}
	json_object_object_add(o, "info", i);
	json_object_object_add(o, "timing", tj);
	return lvm_print_json(o);
}

int lvm_cmd_create(const struct lvm_cli *cli)
{
	struct lvm_config cfg;
	struct lvm_timing t;
	struct lvm_info info;
	char err[512];
	lvm_t *h = NULL;
	int rc;

	lvm_config_init(&cfg);
	rc = build_config(cli, &cfg);
	if (rc)
		goto out;
	if (lvm_config_check(&cfg, err, sizeof(err)) < 0) {
		rc = lvm_errorf("%s", err);
		goto out;
	}
	h = lvm_connect(cli);
	if (!h) {
		rc = 1;
		goto out;
	}
	if (lvm_create(h, &cfg, cli->timing ? LVM_CREATE_WAIT_READY : 0,
		       &info, &t) < 0) {
		rc = lvm_fail(h);
		goto out;
	}
	if (info.warning[0])
		fprintf(stderr, "lvm: warning: %s\n", info.warning);
	if (cli->json) {
		rc = print_json(&info, &t);
	} else {
		printf("created %s (domain %u)%s\n", info.name, info.domid,
		       cfg.paused ? ", paused" : "");
		if (cli->timing)
			print_timing(&t, info.noxs);
	}
	lvm_info_clear(&info);
	/*
	 * The connection is left to this process's exit, which closes it
	 * once the output is written and the process's memory released:
	 * lvmd refills the pool the guest came from when the connection
	 * closes (client.c there), and that work should not compete with
	 * the end of this command.
	 */
	lvm_config_clear(&cfg);
	return rc;
out:
	lvm_close(h);
	lvm_config_clear(&cfg);
	return rc;
}
