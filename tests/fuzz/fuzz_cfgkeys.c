/*
 * fuzz_cfgkeys.c — libFuzzer target for the config key scanner
 * (toolstack/liblvm/cfgkeys.c), which reads files users hand to lvm:
 * any bytes must give keys within the data, increasing line numbers, or a
 * syntax error with a line inside the data.
 *
 *   sources: tests/fuzz/fuzz_cfgkeys.c toolstack/liblvm/cfgkeys.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "toolstack/liblvm/cfgkeys.h"

struct ctx {
	const char *data;
	size_t size;
	unsigned last_line, max_line;
};

static int on_key(void *arg, const char *key, size_t len, unsigned line,
		  bool append)
{
	struct ctx *c = arg;

	(void)append;
	if (len == 0 || key < c->data || key + len > c->data + c->size)
		abort();
	if (line < c->last_line || line > c->max_line)
		abort();
	c->last_line = line;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { (const char *)data, size, 1, 1 };
	const char *what = NULL;
	unsigned line = 0;
	int rc;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			c.max_line++;
	rc = lvm_cfgkeys_scan((const char *)data, size, on_key, &c, &line,
			      &what);
	if (rc != 0 && rc != -EINVAL)
		abort();
	if (rc == -EINVAL && (!what || line < 1 || line > c.max_line))
		abort();
	return 0;
}
