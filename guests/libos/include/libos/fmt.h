/*
 * libos/fmt.h — printf-style formatting into a buffer.
 *
 * Pure C with no dependencies, compiled into the guest and into host tests.
 */
#ifndef LIBOS_FMT_H
#define LIBOS_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * lo_vsnprintf() - format (fmt) with the arguments (ap) into (buf), which
 * holds (size) bytes. Writes at most size - 1 characters and always a
 * terminating NUL when (size) > 0; (buf) may be NULL when (size) is 0.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%. Flags '-' (left-justify) and '0'
 * (pad numbers with zeros after the sign), a field width (digits or '*'),
 * a precision ('.' then digits or '*': minimum digits for numbers, maximum
 * characters for %s), and the length modifiers hh, h, l, ll and z. A NULL %s
 * prints "(null)"; %p prints 0x and lower-case hex digits. Anything else
 * after a '%' is copied to the output as it stands.
 *
 * Returns the length the complete output would have had, not counting the
 * NUL (C99 semantics: truncation happened if the result is >= size), or -1
 * if that length does not fit in an int.
 */
int lo_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* lo_snprintf() - lo_vsnprintf() with a variable argument list. */
int lo_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
