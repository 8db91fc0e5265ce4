/*
 * fuzz_registry.c — libFuzzer target for lvmd's guest records
 * (toolstack/lvmd/registry.c), which lvmd reads back from disk at start-up
 * (written by an earlier lvmd, or by anyone who can write the directory).
 * Two ways in, chosen by the first byte:
 *   - the bytes as a record file, whatever they are;
 *   - a well-formed record whose uuid, name, kernel and device page hex
 *     come from the input (split at NUL bytes), so the deep checks are
 *     reached: uuids, the page's 8192 hex characters.
 * A record is read or refused with a NUL-terminated line and nothing to
 * free; a record read names a valid guest, and holds exactly the uuid and
 * page bytes its text says.
 *
 *   sources: tests/fuzz/fuzz_registry.c toolstack/lvmd/registry.c
 *            toolstack/engine/uuid.c toolstack/proto/proto_info.c
 *            toolstack/proto/proto_json.c
 *   flags:   -Itoolstack/include, link -ljson-c
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "toolstack/engine/uuid.h"
#include "toolstack/lvmd/registry.h"

#define PAGE_HEX (2 * NOXS_PAGE_SIZE)

/* hexval: the value of hex digit (c), -1 if it is none (a table, made
 * once: the page check runs it 8192 times an input). */
static int hexval(char c)
{
	static signed char t[256];
	static bool made;

	if (!made) {
		memset(t, -1, sizeof(t));
		for (int i = 0; i < 16; i++) {
			t[(unsigned char)"0123456789abcdef"[i]] = (signed char)i;
			t[(unsigned char)"0123456789ABCDEF"[i]] = (signed char)i;
		}
		made = true;
	}
	return t[(unsigned char)c];
}

/* A uuid parsed must print back as its text, in lower case. */
static void check_uuid(const char *s)
{
	uint8_t u[16];
	char back[37];

	if (lvm_uuid_parse(s, u) < 0)
		return;
	lvm_uuid_format(u, back);
	if (strlen(s) != 36)
		abort();
	for (int i = 0; i < 36; i++)
		if (tolower((unsigned char)s[i]) != back[i])
			abort();
}

static void check(const char *buf, size_t n, const char *uuid,
		  const char *page)
{
	struct lvm_reg_entry e, zero;
	char err[128];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = lvm_reg_parse(buf, n, &e, err, sizeof(err));
	memset(&zero, 0, sizeof(zero));
	if (rc < 0) {
		if ((rc != -EPROTO && rc != -ENOMEM) ||
		    !memchr(err, '\0', sizeof(err)) ||
		    memcmp(&e, &zero, sizeof(e)) != 0)
			abort();
		return;
	}
	if (rc != 0 || lvm_name_check(e.name) < 0 || e.domid == 0 ||
	    e.domid >= 0x7ff0 || !e.kernel ||
	    (unsigned)e.on_poweroff > LVM_ACTION_PRESERVE ||
	    (unsigned)e.on_crash > LVM_ACTION_PRESERVE ||
	    (unsigned)e.on_reboot > LVM_ACTION_RESTART ||
	    e.noxs != (e.noxs_copy != NULL))
		abort();
	if (uuid) {
		uint8_t u[16];

		if (lvm_uuid_parse(uuid, u) < 0 || memcmp(u, e.uuid, 16))
			abort();
	}
	if (page && e.noxs_copy) {
		const uint8_t *b = (const uint8_t *)e.noxs_copy;

		if (strlen(page) != PAGE_HEX)
			abort();
		for (size_t i = 0; i < NOXS_PAGE_SIZE; i++) {
			int hi = hexval(page[2 * i]), lo = hexval(page[2 * i + 1]);

			if (hi < 0 || lo < 0 || b[i] != (hi << 4 | lo))
				abort();
		}
	}
	lvm_reg_entry_free(&e);
}

static json_object *num(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* A record built around the input's fields (f: uuid, name, page bytes,
 * kernel; a NULL uuid or name is a good one); the page's hex is (page_len)
 * characters, with the page bytes at (at). */
static void structured(bool edge_domid, const char *f[4], size_t at,
		       size_t page_len)
{
	static char page[PAGE_HEX + 8];
	json_object *o = json_object_new_object();
	json_object *c = json_object_new_object();
	json_object *x = json_object_new_object();
	const char *uuid = f[0] ? f[0] : "6c766d00-766d-0100-0001-020304050607";
	const char *s;
	size_t n;

	memset(page, '0', sizeof(page));
	n = strlen(f[2]);
	if (n > PAGE_HEX - at)
		n = PAGE_HEX - at;
	memcpy(page + at, f[2], n);
	page[page_len] = '\0';
	json_object_object_add(o, "version", num(1));
	json_object_object_add(o, "name", json_object_new_string(f[1] ? f[1] : "g"));
	json_object_object_add(o, "domid", num(edge_domid ? 0x7fef + n % 2 : 7));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "kernel", json_object_new_string(f[3]));
	json_object_object_add(o, "memory_mb", num(8));
	json_object_object_add(o, "vcpus", num(1));
	json_object_object_add(o, "on_poweroff", json_object_new_string("destroy"));
	json_object_object_add(o, "on_crash", json_object_new_string("preserve"));
	json_object_object_add(o, "store", json_object_new_string("noxs"));
	json_object_object_add(o, "created_ns", json_object_new_int64(1));
	json_object_object_add(o, "preserved", json_object_new_boolean(0));
	json_object_object_add(c, "gfn", num(1));
	json_object_object_add(c, "mfn", num(2));
	json_object_object_add(c, "port", num(3));
	json_object_object_add(o, "console", c);
	json_object_object_add(x, "gfn", num(4));
	json_object_object_add(x, "mfn", num(5));
	json_object_object_add(x, "sysctl_port", num(6));
	json_object_object_add(x, "request_seq", num(7));
	json_object_object_add(x, "page", json_object_new_string(page));
	json_object_object_add(o, "noxs", x);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	check(s, strlen(s), uuid, page);
	json_object_put(o);
}

/*
 * The first byte: bit 0 clear, the rest is a record file as it is; set, a
 * built record, and then bit 1: the uuid from the input, bit 2: the name
 * from the input, bit 3: a domid at the edge, bits 4-7: the page hex's
 * length (8191..8193). The second byte places the input's page bytes.
 * Fields follow, NUL-separated: uuid, name, page bytes, kernel.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[4] = { NULL, NULL, "", "/k" };
	char *copy;
	size_t at = 2;
	uint8_t how;

	if (size < 2)
		return 0;
	how = data[0];
	if (!(how & 1)) {
		check((const char *)data + 1, size - 1, NULL, NULL);
		return 0;
	}
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (int i = 0; i < 4 && at <= size; i++) {
		if ((i == 0 && !(how & 2)) || (i == 1 && !(how & 4)))
			continue;            /* a good one of these */
		f[i] = copy + at;
		at += strlen(copy + at) + 1;
	}
	if (f[0])
		check_uuid(f[0]);
	structured(how & 8, f, (size_t)data[1] * 32 % PAGE_HEX,
		   PAGE_HEX - 1 + (how >> 4) % 3);
	free(copy);
	return 0;
}
