/*
 * fuzz_manifest.c — arbitrary bytes as an application manifest
 * (unikernel/manifest.c), of a unikernel and of a --linux VM, and as an application note's descriptor
 * (unikernel/appnote.c): neither may crash, leak or read out of bounds,
 * and what they accept must hold their promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unikernel/appnote.h"
#include "unikernel/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct app_manifest m;
	struct app_note n;
	const char *why;
	char err[256];

	if (app_manifest_parse((const char *)data, size, "fuzz.cfg", &m, err,
			       sizeof(err)) == 0) {
		if (!m.name[0] || m.nsources == 0 || m.nsources > APP_SOURCES_MAX)
			abort();
		app_manifest_free(&m);
	} else if (strchr(err, '\n')) {
		abort();
	}
	/* as a --linux manifest: an absolute executable, a relative root */
	if (app_manifest_parse_linux((const char *)data, size, "fuzz.cfg", &m,
				     err, sizeof(err)) == 0) {
		size_t rl = m.root ? strlen(m.root) : 0;

		if (!m.name[0] || !m.executable || m.executable[0] != '/' ||
		    m.nsources || (m.root && (!rl || m.root[0] == '/' ||
					      strstr(m.root, "/../") ||
					      strncmp(m.root, "../", 3) == 0 ||
					      strcmp(m.root, "..") == 0 ||
					      (rl >= 3 && strcmp(m.root + rl - 3, "/..") == 0))))
			abort();
		app_manifest_free(&m);
	} else if (strchr(err, '\n')) {
		abort();
	}
	if (app_note_parse(data, size, &n, &why) == 0 &&
	    (!n.name[0] || strlen(n.build_id) != APP_BUILD_ID_HEX))
		abort();
	return 0;
}
