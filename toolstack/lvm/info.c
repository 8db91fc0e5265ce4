/*
 * info.c — `lvm info [--json] GUEST`.
 */
#include <stdio.h>
#include <time.h>

#include "cli.h"

static void print_text(const struct lvm_info *g)
{
	char up[32], ms[32], when[64];
	struct tm tm;
	time_t t;

	printf("name:         %s\n", g->managed ? g->name : "-");
	printf("domid:        %u\n", g->domid);
	printf("managed:      %s\n", g->managed ? "yes" : "no");
	printf("uuid:         %s\n", g->uuid);
	printf("state:        %s\n", lvm_state_name(g->state));
	printf("memory:       %u MiB\n", g->memory_mb);
	printf("vcpus:        %u\n", g->vcpus);
	if (!g->managed)
		return;
	t = (time_t)g->created;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("kernel:       %s\n", g->kernel ? g->kernel : "-");
	if (g->app.name[0])
		printf("app:          %s %s (lvm build, build id %s)\n",
		       g->app.name, g->app.version, g->app.build_id);
	printf("cmdline:      %s\n", g->cmdline ? g->cmdline : "");
	printf("created:      %s (up %s)\n", when,
	       lvm_fmt_uptime(g->uptime_ms, up, sizeof(up)));
	if (g->has_ready)
		printf("ready:        %s ms after the create request\n",
		       lvm_fmt_ms(g->ready_ns, ms, sizeof(ms)));
	else
		printf("ready:        -\n");
	printf("devices:      %s%sconsole\n",
	       g->noxs ? "noxs device page, " : "",
	       g->xenstore ? "xenstore, " : "");
	printf("on_poweroff:  %s\n", lvm_action_name(g->on_poweroff));
	printf("on_crash:     %s\n", lvm_action_name(g->on_crash));
	printf("on_reboot:    %s\n", lvm_action_name(g->on_reboot));
	printf("console log:  %s\n", g->console_log ? g->console_log : "-");
	for (unsigned i = 0; i < g->nvifs && i < LVM_VIFS_MAX; i++) {
		char dev[LVM_IFNAME_MAX + 1], spec[LVM_VIF_SPEC_LEN], k[16];

		if (lvm_vif_devname_of(g->domid, i, g->xenstore, dev) < 0)
			snprintf(dev, sizeof(dev), "-");
		snprintf(k, sizeof(k), "vif%u:", i);
		printf("%-14s%s on %s (%s)\n", k, dev, g->vifs[i].bridge,
		       lvm_vif_format(&g->vifs[i], spec, sizeof(spec)));
	}
}

int lvm_cmd_info(const struct lvm_cli *cli)
{
	lvm_t *h = lvm_connect(cli);
	struct lvm_info g;
	int rc = 0;

	if (!h)
		return 1;
	if (lvm_info(h, cli->arg, &g) < 0) {
		rc = lvm_fail(h);
		goto out;
	}
	if (cli->json)
		rc = lvm_print_info_json(&g);
	else
		print_text(&g);
	lvm_info_clear(&g);
out:
	lvm_close(h);
	return rc;
}
