/*
 * pool.c — `lvm pool [--json]`: lvmd's shell pools, one line per shape;
 * `lvm pool set MEMxVCPUS N [IMAGE]`: a pool's target and image.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cli.h"

static int print_json(const struct lvm_pool_info *v, size_t n, uint64_t other)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	int rc = 0;

	if (!o || !arr || json_object_object_add(o, "pools", arr) < 0) {
		json_object_put(arr);
		json_object_put(o);
		return lvm_errorf("out of memory");
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_object *p = json_object_new_object();

		if (!p || json_object_array_add(arr, p) < 0) {
			json_object_put(p);
			rc = -1;
			break;
		}
		rc |= json_object_object_add(p, "memory_mb", json_object_new_uint64(v[i].memory_mb));
		rc |= json_object_object_add(p, "vcpus", json_object_new_uint64(v[i].vcpus));
		rc |= json_object_object_add(p, "target", json_object_new_uint64(v[i].target));
		rc |= json_object_object_add(p, "ready", json_object_new_uint64(v[i].ready));
		rc |= json_object_object_add(p, "preparing", json_object_new_uint64(v[i].preparing));
		rc |= json_object_object_add(p, "hits", json_object_new_uint64(v[i].hits));
		rc |= json_object_object_add(p, "misses", json_object_new_uint64(v[i].misses));
		if (v[i].image[0])
			rc |= json_object_object_add(p, "image", json_object_new_string(v[i].image));
	}
	if (rc == 0)
		rc = json_object_object_add(o, "other_misses", json_object_new_uint64(other));
	if (rc) {
		json_object_put(o);
		return lvm_errorf("out of memory");
	}
	return lvm_print_json(o);
}

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
		rc = print_json(v, n, other);
	else
		print_table(v, n, other);
	free(v);
out:
	lvm_close(h);
	return rc;
}
