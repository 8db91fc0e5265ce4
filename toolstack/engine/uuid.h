/*
 * uuid.h — the domain handles (uuids) lvm gives its domains: the prefixes
 * that tell a guest from a shell of lvmd's pools, the one generator, the
 * one classifier, and the text form shared by lvmd's records and the
 * XenStore tree.
 *
 * A restarted lvmd tells shells (whose libxenguest state died with the
 * old process: destroyed) from guests (adopted) by these prefixes.
 */
#ifndef LVM_UUID_H
#define LVM_UUID_H

#include <stdint.h>

#define LVM_UUID_PREFIX_LEN 8
#define LVM_UUID_PREFIX_GUEST "lvm\0vm\x01\x00"
#define LVM_UUID_PREFIX_SHELL "lvm\0sh\x01\x00"

/* What a domain handle says about a domain. */
enum lvm_uuid_kind {
	LVM_UUID_OTHER = 0,          /* not made by lvm */
	LVM_UUID_GUEST = 1,          /* a guest of lvmd's */
	LVM_UUID_SHELL = 2,          /* a shell of lvmd's pools */
};

/*
 * lvm_uuid_new() - a new handle of (kind) (GUEST or SHELL) in (u): its
 * prefix, then random bytes. Returns 0, -EINVAL for another (kind), or
 * the -errno of getrandom().
 */
int lvm_uuid_new(enum lvm_uuid_kind kind, uint8_t u[16]);

/* lvm_uuid_kind() - classify the 16-byte domain handle (u). */
enum lvm_uuid_kind lvm_uuid_kind(const uint8_t u[16]);

/* lvm_uuid_format() - (u) as 36 lower-case characters + NUL in (out). */
void lvm_uuid_format(const uint8_t u[16], char out[37]);

#endif
