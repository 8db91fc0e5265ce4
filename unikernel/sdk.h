/*
 * sdk.h — the SDK `lvm build` compiles applications against: the library
 * OS's objects per module, its linker script, headers and flags, as `make`
 * lays them out in $(BUILD)/sdk (unikernel/module.mk):
 *
 *   SDK/cflags           compiler flags, one per line; @SDK@ stands for
 *                        the SDK's directory, @GCCINC@ for the compiler's
 *                        own headers (cc -print-file-name=include)
 *   SDK/modules          the module table (guests/libos/modules)
 *   SDK/symbols          "SYMBOL MODULE" per line: what each module defines
 *   SDK/stamp            a hash of everything else in the SDK
 *   SDK/include/...      the headers
 *   SDK/lib/start.o, SDK/lib/libos.ld, SDK/lib/libos/NAME.o, SDK/lib/lwip.a
 */
#ifndef UNIKERNEL_SDK_H
#define UNIKERNEL_SDK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define SDK_MODULES_MAX 32
#define SDK_OBJS_MAX 32
#define SDK_CFLAGS_MAX 64

struct sdk_module {
	char name[32];
	char *objs[SDK_OBJS_MAX];    /* owned: "start", "noxs/vring", "@lwip" */
	unsigned nobjs;
	char *requires[SDK_MODULES_MAX]; /* owned */
	unsigned nrequires;
};

struct sdk {
	char dir[PATH_MAX];
	struct sdk_module mods[SDK_MODULES_MAX];
	unsigned nmods;
	char *cflags[SDK_CFLAGS_MAX]; /* owned, placeholders replaced */
	unsigned ncflags;
	char stamp[80];
};

/*
 * sdk_open() - find the SDK ((dir) if not NULL, else $LVM_SDK, else
 * ../sdk and ../lib/lvm/sdk next to this program) and read its tables into
 * (s). Returns 0 or -errno with one line in (err).
 */
int sdk_open(struct sdk *s, const char *dir, char *err, size_t errlen);

/*
 * sdk_find() - only find the SDK's directory, as sdk_open() does, into
 * (s->dir), reading none of its tables (what lvm build --linux needs: it
 * compiles nothing, and where it runs, a dom0, may have no compiler).
 * Returns 0 or -ENOENT with one line in (err).
 */
int sdk_find(struct sdk *s, const char *dir, char *err, size_t errlen);

/* sdk_close() - free what sdk_open() read. */
void sdk_close(struct sdk *s);

/*
 * sdk_modules_parse() - the module table (text, len) into (s)'s mods.
 * Returns 0 or -EINVAL with "LINE: what" in (err). Exposed for its tests.
 */
int sdk_modules_parse(struct sdk *s, const char *text, size_t len, char *err,
		      size_t errlen);

/* sdk_module() - the module named (name), or NULL. */
const struct sdk_module *sdk_module(const struct sdk *s, const char *name);

/*
 * sdk_closure() - mark in (on) (indexed like s->mods) the core, the
 * modules (names, n) and everything they require. Returns 0, or -ENOENT
 * with the index of the unknown name in (*bad).
 */
int sdk_closure(const struct sdk *s, char *const *names, unsigned n,
		bool *on, unsigned *bad);

/* sdk_symbol_module() - the module that defines (sym), into (out); false
 * if the SDK does not know. */
bool sdk_symbol_module(const struct sdk *s, const char *sym, char *out,
		       size_t cap);

#endif
