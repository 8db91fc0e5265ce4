/*
 * pool.c — `lvm pool [--json]`: lvmd's shell pools, one line per shape
 * (and the reason its last refill failed, if it did, on the line below);
 * `lvm pool set MEMxVCPUS N [IMAGE]`: a pool's target and image.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "toolstack/liblvm/jsonform.h"

static void print_table(const struct lvm_pool_info *v, size_t n, uint64_t other)
{
	char shape[32];

	printf("%-12s %8s %6s %6s %9s %8s %8s  %s\n", "SHAPE", "MEM(MiB)",
	       "TARGET", "READY", "PREPARING", "HITS", "MISSES", "IMAGE");
	for (size_t i = 0; i < n; i++) {
		snprintf(shape, sizeof(shape), "%ux%u", v[i].memory_mb, v[i].vcpus);
		printf("%-12s %8u %6u %6u %9u %8llu %8llu  %s\n", shape,
		       v[i].memory_mb, v[i].target, v[i].ready, v[i].preparing,
		       (unsigned long long)v[i].hits,
		       (unsigned long long)v[i].misses,
		       v[i].image[0] ? v[i].image : "-");
		if (v[i].error[0])
			printf("%-12s refill failed: %s\n", "", v[i].error);
	}
	printf("%-12s %8s %6s %6s %9s %8s %8llu\n", "(other)", "-", "-", "-", "-",
	       "-", (unsigned long long)other);
}

int lvm_cmd_pool(const struct lvm_cli *cli)
{
	lvm_t *h = lvm_connect(cli);
	struct lvm_pool_info *v;
	uint64_t other;
	size_t n;
	int rc = 0;

	if (!h)
		return 1;
	if (cli->pool_set) {
		if (lvm_pool_set_image(h, cli->pool_memory_mb, cli->pool_vcpus,
				       cli->pool_target, cli->pool_image) < 0)
			rc = lvm_fail(h);
		goto out;
	}
	if (lvm_pool_list(h, &v, &n, &other) < 0) {
		rc = lvm_fail(h);
		goto out;
	}
	if (cli->json)
		rc = lvm_print_json(lvm_jsonform_pools(v, n, other));
	else
		print_table(v, n, other);
	free(v);
out:
	lvm_close(h);
	return rc;
}
