/*
 * string.h — what lwIP's sources take from <string.h>, for the
 * freestanding guest build: libos's own (libos/string.h), plus strncmp.
 */
#ifndef LVM_LWIP_STRING_H
#define LVM_LWIP_STRING_H

#include <libos/string.h>

/* strncmp() - compare at most (n) bytes of two strings as unsigned char. */
int strncmp(const char *a, const char *b, size_t n);

#endif
