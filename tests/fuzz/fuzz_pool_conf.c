/*
 * fuzz_pool_conf.c — libFuzzer target for lvmd's pool configuration:
 * lines of lvmd.conf (toolstack/lvmd/conf.c) and the pool specs in them
 * or given as -P (lvmd_pool_parse, toolstack/lvmd/pool.c), then the pools
 * they set (lvmd_pool_set). The input is the file, one line per '\n'.
 * A spec read is in bounds (memory and vCPUs non-zero, at most
 * LVMD_POOL_TARGET_MAX shells, the image "" or an absolute path from the
 * line, shorter than LVMD_POOL_IMAGE_MAX), every such spec is accepted by
 * lvmd_pool_set until the shapes run out, and the pool then has that
 * target and image.
 *
 *   sources: tests/fuzz/fuzz_pool_conf.c toolstack/lvmd/conf.c
 *            toolstack/lvmd/pool.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/lvmd/conf.h"
#include "toolstack/lvmd/pool.h"

static void one_line(struct lvmd_pool *p, char *line)
{
	char image[LVMD_POOL_IMAGE_MAX], copy[LVMD_POOL_IMAGE_MAX + 64];
	uint32_t m, v, t;
	const char *spec;
	size_t n;
	int rc;

	rc = lvmd_conf_line(line, &spec);
	if (rc == 0 || rc == -EINVAL) {
		if (spec)
			abort();
		return;
	}
	if (rc < LVMD_CONF_POOL || rc > LVMD_CONF_LAST || !spec ||
	    spec < line || spec > line + strlen(line) ||
	    spec[0] == ' ' || spec[0] == '\t' || strchr(spec, '#'))
		abort();
	if (rc != LVMD_CONF_POOL)
		return; /* a number, main.c's */
	/* the spec is a C string inside the line; lvmd reads lines into a
	 * buffer of this size */
	n = strlen(spec);
	if (n >= sizeof(copy))
		return;
	memcpy(copy, spec, n + 1);
	memset(image, 'x', sizeof(image));
	if (lvmd_pool_parse(copy, &m, &v, &t, image) < 0)
		return;
	n = strnlen(image, sizeof(image));
	if (m == 0 || v == 0 || t > LVMD_POOL_TARGET_MAX ||
	    n >= LVMD_POOL_IMAGE_MAX || (n && image[0] != '/') ||
	    (n && !strstr(spec, image)) || !lvmd_pool_image_ok(n ? image : "/"))
		abort();
	rc = lvmd_pool_set(p, m, v, t, image);
	if (rc == -ENOSPC && p->nshapes == LVMD_POOL_SHAPES)
		return;
	if (rc != 0 || p->nshapes > LVMD_POOL_SHAPES)
		abort();
	for (unsigned i = 0; i < p->nshapes; i++) {
		const struct lvm_pool_info *s = &p->shape[i].s;

		if (s->memory_mb == m && s->vcpus == v) {
			if (s->target != t || strcmp(s->image, image) != 0)
				abort();
			return;
		}
	}
	abort();                     /* the shape set is not there */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvmd_pool *p = malloc(sizeof(*p));
	char *text = malloc(size + 1), *line, *next;

	if (!p || !text)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	lvmd_pool_init(p);
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		one_line(p, line);
	}
	lvmd_pool_fini(p, NULL, NULL);
out:
	free(text);
	free(p);
	return 0;
}
