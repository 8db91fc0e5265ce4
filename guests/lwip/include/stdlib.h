/*
 * stdlib.h — what lwIP's sources take from <stdlib.h> in this
 * configuration: atoi() (netif_find), from guests/lwip/libc.c.
 */
#ifndef LVM_LWIP_STDLIB_H
#define LVM_LWIP_STDLIB_H

#include <stddef.h>

/* atoi() - the decimal number at the start of (s); no overflow check. */
int atoi(const char *s);

#endif
