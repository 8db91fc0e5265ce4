/*
 * uuid.h — the domain handles (uuids) lvm gives its domains: their layout
 * (kind, layout version, the lvmd instance that made them), the one
 * generator, the one classifier, the instance identity of a state
 * directory, and the text form shared by lvmd's records and the XenStore
 * tree.
 *
 * Layout (16 bytes, as the hypervisor keeps a domain's handle):
 *
 *   bytes  0-3   "lvm\0"                  made by lvm
 *   bytes  4-5   "vm", "sh" or "cd"       a guest, a shell of the pools,
 *                                         or the holder of an image's code
 *                                         (code.h)
 *   byte   6     LVM_UUID_VERSION (2)     this layout
 *   bytes  7-10  instance, big-endian     the lvmd that made it
 *                                         (lvm_uuid_instance_of())
 *   bytes 11-15  random                   one domain from another
 *
 * Text form: 6c766d00-766d-02II-IIII-IIRRRRRRRRRR for a guest, with
 * 7368 in place of 766d for a shell and 6364 for a holder (I: instance,
 * R: random).
 *
 * A restarted lvmd settles every domain of its own instance by these
 * bytes: shells (whose libxenguest state died with the old process) are
 * destroyed, and so are holders (the guests that map a holder's pages
 * keep them), guests are adopted if a record names them and destroyed if
 * none does; domains of another instance (a second lvmd, `lvmd -S`) or
 * not made by lvm are left alone.
 */
#ifndef LVM_UUID_H
#define LVM_UUID_H

#include <stdbool.h>
#include <stdint.h>

#define LVM_UUID_PREFIX_LEN 7        /* "lvm\0", the kind, the version */
#define LVM_UUID_VERSION 2
#define LVM_UUID_PREFIX_GUEST "lvm\0vm\x02"
#define LVM_UUID_PREFIX_SHELL "lvm\0sh\x02"
#define LVM_UUID_PREFIX_CODE "lvm\0cd\x02"
#define LVM_UUID_INSTANCE_AT 7       /* 4 bytes, big-endian */
#define LVM_UUID_RANDOM_AT 11        /* 5 random bytes to the end */

/* What a domain handle says about a domain. */
enum lvm_uuid_kind {
	LVM_UUID_OTHER = 0,          /* not made by lvm (or another layout) */
	LVM_UUID_GUEST = 1,          /* a guest of an lvmd's */
	LVM_UUID_SHELL = 2,          /* a shell of an lvmd's pools */
	LVM_UUID_CODE = 3,           /* a holder of an image's code */
};

/*
 * lvm_uuid_new() - a new handle of (kind) (GUEST, SHELL or CODE) for the lvmd
 * instance (instance) in (u): the layout above, the last bytes random.
 * Returns 0, -EINVAL for another (kind), or the -errno of getrandom().
 */
int lvm_uuid_new(enum lvm_uuid_kind kind, uint32_t instance, uint8_t u[16]);

/* lvm_uuid_kind() - classify the 16-byte domain handle (u). */
enum lvm_uuid_kind lvm_uuid_kind(const uint8_t u[16]);

/* lvm_uuid_instance() - the instance bytes of (u); meaningful only when
 * lvm_uuid_kind(u) is not LVM_UUID_OTHER. */
uint32_t lvm_uuid_instance(const uint8_t u[16]);

/* lvm_uuid_is_ours() - whether (u) is a handle of (kind) made by the lvmd
 * instance (instance). */
bool lvm_uuid_is_ours(const uint8_t u[16], enum lvm_uuid_kind kind,
		      uint32_t instance);

/*
 * lvm_uuid_instance_of() - the instance identity of the lvmd whose state
 * lives at (path) (its canonical path, so that two spellings of one
 * directory agree): a 32-bit FNV-1a hash of the string, never 0. Two
 * lvmds on different state directories differ but for a 1 in 2^32 chance.
 */
uint32_t lvm_uuid_instance_of(const char *path);

/* lvm_uuid_format() - (u) as 36 lower-case characters + NUL in (out). */
void lvm_uuid_format(const uint8_t u[16], char out[37]);

#endif
