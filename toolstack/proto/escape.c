/*
 * escape.c — lvm_escape() (lvm.h): a value echoed in an error line stays
 * on that line. One home for liblvm, the lvm command (through liblvm.so),
 * lvmd and the engine's error lines (toolstack/engine/error.c): part of
 * the protocol's sources, and built into the engine's archive too
 * (toolstack/module.mk), so the engine needs nothing else of proto/.
 */
#include <stdio.h>
#include <string.h>

#include <lvm.h>

/* cut_at() - where to cut (s), of (n) bytes, to keep at most (max) bytes
 * and no half of a UTF-8 character. */
static size_t cut_at(const unsigned char *s, size_t n, size_t max)
{
	size_t at = max;

	if (n <= max)
		return n;
	while (at > 0 && (s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/* one() - byte (c) as it is echoed, into (esc); returns its length. */
static size_t one(unsigned char c, char esc[5])
{
	if (c == '\n' || c == '\t' || c == '\r') {
		esc[0] = '\\';
		esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		return 2;
	}
	if (c < 0x20 || c == 0x7f)
		return (size_t)snprintf(esc, 5, "\\x%02x", c);
	esc[0] = (char)c;
	return 1;
}

const char *lvm_escape(const char *s, size_t max, char *buf, size_t len)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), keep = cut_at(u, n, max);
	size_t at = 0, k, need;
	char esc[5];

	if (len == 0)
		return buf;
	for (size_t i = 0; i < keep; i++) {
		k = one(u[i], esc);
		/* room for this byte, and for "…" unless it is the last (or
		 * (buf) could never hold "…") */
		need = k + (i + 1 < n && len > 3 ? 3 : 0);
		if (len - 1 - at < need) {
			keep = 0;            /* out of room: cut here */
			break;
		}
		memcpy(buf + at, esc, k);
		at += k;
	}
	if (keep < n && len - 1 - at >= 3) {
		memcpy(buf + at, ellipsis, 3);
		at += 3;
	}
	buf[at] = '\0';
	return buf;
}
