/*
 * uuid.c — lvm's domain handles: making, classifying, printing (see
 * uuid.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "uuid.h"

int lvm_uuid_new(enum lvm_uuid_kind kind, uint8_t u[16])
{
	const size_t n = 16 - LVM_UUID_PREFIX_LEN;
	ssize_t r;

	if (kind == LVM_UUID_GUEST)
		memcpy(u, LVM_UUID_PREFIX_GUEST, LVM_UUID_PREFIX_LEN);
	else if (kind == LVM_UUID_SHELL)
		memcpy(u, LVM_UUID_PREFIX_SHELL, LVM_UUID_PREFIX_LEN);
	else
		return -EINVAL;
	do
		r = getrandom(u + LVM_UUID_PREFIX_LEN, n, 0);
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
	return LVM_UUID_OTHER;
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
