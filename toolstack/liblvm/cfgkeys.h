/*
 * cfgkeys.h — list the top-level keys of an xl.cfg-style file, with their
 * line numbers. libxlutil reads values but cannot enumerate keys, so this
 * small scanner is what lets lvm reject unknown ones. Internal.
 *
 * The syntax it follows: statements `KEY = VALUE` or `KEY += VALUE`, ended
 * by a newline, ';' or the end of the data; a VALUE is a "string" (with
 * backslash escapes), a 'string', a bare word (numbers), or a [ list ] of
 * values separated by ',' that may span lines; '#' starts a comment
 * outside strings. The data is untrusted: any bytes are handled.
 */
#ifndef LVM_CFGKEYS_H
#define LVM_CFGKEYS_H

#include <stdbool.h>
#include <stddef.h>

#define LVM_CFGKEYS_DEPTH 8          /* deepest nesting of lists */

/*
 * Called once per statement, in file order, with the key (not
 * NUL-terminated: (len) bytes), its 1-based line, and whether the
 * operator was "+=". A non-zero return stops the scan and is returned.
 */
typedef int lvm_cfgkey_fn(void *arg, const char *key, size_t len,
			  unsigned line, bool append);

/*
 * lvm_cfgkeys_scan() - scan the (len) bytes at (data), calling (fn) for
 * each key.
 * Returns 0, (fn)'s non-zero value, or -EINVAL for bad syntax with the
 * line in (*line) and a short static reason in (*what).
 */
int lvm_cfgkeys_scan(const char *data, size_t len, lvm_cfgkey_fn *fn,
		     void *arg, unsigned *line, const char **what);

#endif
