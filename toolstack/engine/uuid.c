/*
 * uuid.c — lvm's domain handles: making, classifying, the instance
 * identity, printing (see uuid.h for the layout).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "uuid.h"

int lvm_uuid_new(enum lvm_uuid_kind kind, uint32_t instance, uint8_t u[16])
{
	const size_t n = 16 - LVM_UUID_RANDOM_AT;
	ssize_t r;

	if (kind == LVM_UUID_GUEST)
		memcpy(u, LVM_UUID_PREFIX_GUEST, LVM_UUID_PREFIX_LEN);
	else if (kind == LVM_UUID_SHELL)
		memcpy(u, LVM_UUID_PREFIX_SHELL, LVM_UUID_PREFIX_LEN);
	else if (kind == LVM_UUID_CODE)
		memcpy(u, LVM_UUID_PREFIX_CODE, LVM_UUID_PREFIX_LEN);
	else
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		u[LVM_UUID_INSTANCE_AT + i] = (uint8_t)(instance >> (24 - 8 * i));
	do
		r = getrandom(u + LVM_UUID_RANDOM_AT, n, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EIO;
}

enum lvm_uuid_kind lvm_uuid_kind(const uint8_t u[16])
{
	if (memcmp(u, LVM_UUID_PREFIX_SHELL, LVM_UUID_PREFIX_LEN) == 0)
		return LVM_UUID_SHELL;
	if (memcmp(u, LVM_UUID_PREFIX_GUEST, LVM_UUID_PREFIX_LEN) == 0)
		return LVM_UUID_GUEST;
	if (memcmp(u, LVM_UUID_PREFIX_CODE, LVM_UUID_PREFIX_LEN) == 0)
		return LVM_UUID_CODE;
	return LVM_UUID_OTHER;
}

uint32_t lvm_uuid_instance(const uint8_t u[16])
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | u[LVM_UUID_INSTANCE_AT + i];
	return v;
}

bool lvm_uuid_is_ours(const uint8_t u[16], enum lvm_uuid_kind kind,
		      uint32_t instance)
{
	return kind != LVM_UUID_OTHER && lvm_uuid_kind(u) == kind &&
	       lvm_uuid_instance(u) == instance;
}

uint32_t lvm_uuid_instance_of(const char *path)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h ? h : 1;
}

void lvm_uuid_format(const uint8_t u[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 15];
	}
	*p = '\0';
}
