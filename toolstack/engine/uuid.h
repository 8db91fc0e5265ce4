/*
 * uuid.h — the text form of a domain handle (uuid), shared by lvmd's
 * records and the XenStore tree.
 */
#ifndef LVM_UUID_H
#define LVM_UUID_H

#include <stdint.h>

/* lvm_uuid_format() - (u) as 36 lower-case characters + NUL in (out). */
void lvm_uuid_format(const uint8_t u[16], char out[37]);

#endif
