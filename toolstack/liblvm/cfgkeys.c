/*
 * cfgkeys.c — the top-level key scanner (see cfgkeys.h).
 */
#include <errno.h>

#include "cfgkeys.h"

struct scan {
	const char *p, *end;
	unsigned line;
	const char *what;
};

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_word(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-' || c == '+' || c == ':' || c == '/';
}

static int fail(struct scan *s, const char *what)
{
	s->what = what;
	return -EINVAL;
}

/* skip_blank: spaces, tabs, CRs and a comment up to (not past) its newline;
 * newlines too when (nl). */
static void skip_blank(struct scan *s, int nl)
{
	while (s->p < s->end) {
		char c = *s->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			s->p++;
		} else if (c == '\n' && nl) {
			s->line++;
			s->p++;
		} else if (c == '#') {
			while (s->p < s->end && *s->p != '\n')
				s->p++;
		} else {
			break;
		}
	}
}

static int scan_string(struct scan *s)
{
	char q = *s->p++;

	while (s->p < s->end) {
		char c = *s->p++;

		if (c == '\n')
			return fail(s, "newline in a string");
		if (c == q)
			return 0;
		if (c == '\\' && q == '"') {
			if (s->p == s->end)
				break;
			if (*s->p == '\n')
				return fail(s, "newline in a string");
			s->p++;
		}
	}
	return fail(s, "unterminated string");
}

static int scan_value(struct scan *s, int depth);

static int scan_list(struct scan *s, int depth)
{
	int rc;

	if (depth >= LVM_CFGKEYS_DEPTH)
		return fail(s, "lists nested too deeply");
	s->p++; /* '[' */
	skip_blank(s, 1);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		rc = scan_value(s, depth + 1);
		if (rc < 0)
			return rc;
		skip_blank(s, 1);
		if (s->p == s->end)
			return fail(s, "unterminated list");
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return fail(s, "expected ',' or ']' in a list");
		s->p++;
		skip_blank(s, 1);
		if (s->p < s->end && *s->p == ']') { /* trailing comma */
			s->p++;
			return 0;
		}
	}
}

static int scan_value(struct scan *s, int depth)
{
	if (s->p == s->end)
		return fail(s, "missing value");
	switch (*s->p) {
	case '"':
	case '\'':
		return scan_string(s);
	case '[':
		return scan_list(s, depth);
	default:
		if (!is_word(*s->p))
			return fail(s, "missing or bad value");
		while (s->p < s->end && is_word(*s->p))
			s->p++;
		return 0;
	}
}

/* scan_statement: KEY op VALUE, then the end of the statement. */
static int scan_statement(struct scan *s, lvm_cfgkey_fn *fn, void *arg)
{
	const char *key = s->p;
	unsigned line = s->line;
	int append = 0, rc;

	if (!is_alpha(*s->p))
		return fail(s, "expected a key");
	while (s->p < s->end && (is_alpha(*s->p) ||
				 (*s->p >= '0' && *s->p <= '9') || *s->p == '.'))
		s->p++;
	size_t klen = (size_t)(s->p - key);
	skip_blank(s, 0);
	if (s->p < s->end && *s->p == '+') {
		append = 1;
		s->p++;
	}
	if (s->p == s->end || *s->p != '=')
		return fail(s, "expected '=' after the key");
	s->p++;
	skip_blank(s, 0);
	rc = scan_value(s, 0);
	if (rc < 0)
		return rc;
	skip_blank(s, 0);
	if (s->p < s->end && *s->p != '\n' && *s->p != ';')
		return fail(s, "expected the end of the line after the value");
	rc = fn(arg, key, klen, line, append);
	if (rc)
		return rc;
	return 0;
}

int lvm_cfgkeys_scan(const char *data, size_t len, lvm_cfgkey_fn *fn,
		     void *arg, unsigned *line, const char **what)
{
	struct scan s = { .p = data, .end = data + len, .line = 1 };
	int rc;

	for (;;) {
		skip_blank(&s, 1);
		if (s.p == s.end)
			return 0;
		if (*s.p == ';') {
			s.p++;
			continue;
		}
		rc = scan_statement(&s, fn, arg);
		if (rc) {
			if (rc == -EINVAL && s.what) {
				*line = s.line;
				*what = s.what;
			}
			return rc;
		}
	}
}
