/*
 * list.c — `lvm list [--all] [--json]`: one line per guest.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "toolstack/liblvm/jsonform.h"

static int print_json(const struct lvm_info *v, size_t n)
{
	json_object *arr = json_object_new_array();

	if (!arr)
		return lvm_errorf("out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *o = lvm_jsonform_info(&v[i]);

		if (!o || json_object_array_add(arr, o) < 0) {
			json_object_put(o);
			json_object_put(arr);
			return lvm_errorf("out of memory");
		}
	}
	return lvm_print_json(arr);
}

/* unmanaged_name() - what the NAME column says of a domain lvm does not
 * manage: dom0, an lvmd's code holder (its handle,
 * toolstack/engine/uuid.h), or anything else (a pool's shell too). */
static const char *unmanaged_name(const struct lvm_info *g)
{
	if (g->domid == 0)
		return "(dom0)";
	if (strncmp(g->uuid, "6c766d00-6364-", 14) == 0)
		return "(code)";
	return "-";
}

static void print_table(const struct lvm_info *v, size_t n)
{
	char up[32], ready[32];

	printf("%-24s %5s %-9s %8s %5s %12s %10s\n", "NAME", "ID", "STATE",
	       "MEM(MiB)", "VCPUS", "UPTIME", "READY(ms)");
	for (size_t i = 0; i < n; i++) {
		const struct lvm_info *g = &v[i];
		const char *name = g->managed ? g->name : unmanaged_name(g);

		if (g->managed)
			lvm_fmt_uptime(g->uptime_ms, up, sizeof(up));
		else
			snprintf(up, sizeof(up), "-");
		if (g->has_ready)
			lvm_fmt_ms(g->ready_ns, ready, sizeof(ready));
		else
			snprintf(ready, sizeof(ready), "-");
		printf("%-24s %5u %-9s %8u %5u %12s %10s\n", name, g->domid,
		       lvm_state_name(g->state), g->memory_mb, g->vcpus, up,
		       ready);
	}
}

int lvm_cmd_list(const struct lvm_cli *cli)
{
	lvm_t *h = lvm_connect(cli);
	struct lvm_info *v;
	size_t n;
	int rc = 0;

	if (!h)
		return 1;
	if (lvm_list(h, cli->all, &v, &n) < 0) {
		rc = lvm_fail(h);
		goto out;
	}
	if (cli->json)
		rc = print_json(v, n);
	else
		print_table(v, n);
	lvm_list_free(v, n);
out:
	lvm_close(h);
	return rc;
}
