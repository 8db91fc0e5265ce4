/*
 * appnote.c — the application note's descriptor written and read back
 * (appnote.h), and the assembly that carries it into an image.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appnote.h"

const char *app_devices_name(unsigned devices)
{
	return (devices & APP_DEV_VIF) ? "vif" : "";
}

static const char *const keys[] = {
	"name", "version", "build_id", "memory", "devices", "cmdline",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int app_note_desc(const struct app_note *n, char *buf, size_t cap)
{
	int len;

	if (!n->name[0] || !n->version[0] ||
	    strlen(n->build_id) != APP_BUILD_ID_HEX)
		return -EINVAL;
	len = snprintf(buf, cap,
		       "name=%s%cversion=%s%cbuild_id=%s%cmemory=%u%c"
		       "devices=%s%ccmdline=%s%c",
		       n->name, 0, n->version, 0, n->build_id, 0,
		       (unsigned)n->memory_mb, 0, app_devices_name(n->devices),
		       0, n->cmdline, 0);
	if (len < 0 || (size_t)len >= cap || (size_t)len > APP_NOTE_DESC_MAX)
		return -ENOSPC;
	return len;
}

static bool all_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* put: value (v, vlen) of key index (k) into (n); false if bad. */
static bool put(struct app_note *n, unsigned k, const char *v, size_t vlen)
{
	char num[16];
	char *end;
	unsigned long m;

	switch (k) {
	case 0:
	case 1:
		if (vlen == 0 || vlen >= sizeof(n->name))
			return false;
		memcpy(k == 0 ? n->name : n->version, v, vlen);
		return true;
	case 2:
		if (vlen != APP_BUILD_ID_HEX)
			return false;
		memcpy(n->build_id, v, vlen);
		return all_hex(n->build_id);
	case 3:
		if (vlen == 0 || vlen >= sizeof(num) || v[0] == '-' ||
		    v[0] == '+' || v[0] == ' ')
			return false;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		errno = 0;
		m = strtoul(num, &end, 10);
		if (errno || *end || m > APP_NOTE_MEMORY_MAX)
			return false;
		n->memory_mb = (uint32_t)m;
		return true;
	case 4:
		if (vlen == 0)
			return true;
		if (vlen == 3 && memcmp(v, "vif", 3) == 0) {
			n->devices = APP_DEV_VIF;
			return true;
		}
		return false;
	default:
		if (vlen >= sizeof(n->cmdline))
			return false;
		memcpy(n->cmdline, v, vlen);
		return true;
	}
}

int app_note_parse(const void *desc, size_t len, struct app_note *n,
		   const char **why)
{
	const char *p = desc, *end = p + len, *nul, *eq;
	unsigned k = 0;

	memset(n, 0, sizeof(*n));
	if (len > APP_NOTE_DESC_MAX) {
		*why = "descriptor too long";
		return -EINVAL;
	}
	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul) {
			*why = "a record without its NUL";
			return -EINVAL;
		}
		eq = memchr(p, '=', (size_t)(nul - p));
		if (!eq) {
			*why = "a record without '='";
			return -EINVAL;
		}
		if (k < NKEYS) {
			if ((size_t)(eq - p) != strlen(keys[k]) ||
			    memcmp(p, keys[k], (size_t)(eq - p)) != 0) {
				*why = "keys missing or out of order";
				return -EINVAL;
			}
			if (!put(n, k, eq + 1, (size_t)(nul - eq - 1))) {
				*why = "a bad value";
				return -EINVAL;
			}
		}
		k++;
		p = nul + 1;
	}
	if (k < NKEYS) {
		*why = "keys missing";
		return -EINVAL;
	}
	return 0;
}

int app_note_asm(const char *desc, size_t len, FILE *f)
{
	fprintf(f, "/* the application note (unikernel/appnote.h), written by lvm build */\n"
		   "\t.section .note.lvm, \"a\", @note\n"
		   "\t.balign 4\n"
		   "\t.long %zu\n\t.long %zu\n\t.long %u\n"
		   "\t.asciz \"%s\"\n\t.balign 4\n",
		sizeof(APP_NOTE_NAME), len, APP_NOTE_TYPE, APP_NOTE_NAME);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%s%u", i % 16 ? "," : "\n\t.byte ",
			(unsigned char)desc[i]);
	fprintf(f, "\n\t.balign 4\n"
		   "\t.section .note.GNU-stack, \"\", @progbits\n");
	return ferror(f) ? -EIO : 0;
}
