/*
 * libos/string.h — the few C library string functions the guest needs.
 *
 * The compiler may emit calls to memcpy, memmove, memset and memcmp on its
 * own (struct copies, initialisers) even in freestanding code, so these keep
 * their standard names and semantics.
 */
#ifndef LIBOS_STRING_H
#define LIBOS_STRING_H

#include <stddef.h>

/* memcpy() - copy (n) bytes from (src) to (dst); they must not overlap. */
void *memcpy(void *dst, const void *src, size_t n);

/* memmove() - copy (n) bytes from (src) to (dst); they may overlap. */
void *memmove(void *dst, const void *src, size_t n);

/* memset() - set (n) bytes at (dst) to (c) converted to unsigned char. */
void *memset(void *dst, int c, size_t n);

/* memcmp() - compare (n) bytes as unsigned char; <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n);

/* strlen() - the number of bytes before the NUL that ends (s). */
size_t strlen(const char *s);

#endif
