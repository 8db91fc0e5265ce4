/*
 * fmt.c — a small vsnprintf for the guest (see libos/fmt.h).
 *
 * Only <stdarg.h>, <stddef.h> and <stdint.h>, so the same file builds
 * freestanding for guests and hosted for the unit tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <libos/fmt.h>

/* INT_MAX without <limits.h>. */
#define LO_INT_MAX ((int)(~0u >> 1))

/* Output cursor: (len) counts every character, stored or not. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* One conversion specification, between '%' and the conversion letter. */
struct spec {
	int left;       /* '-' */
	int zero;       /* '0' */
	int width;      /* minimum field width, 0 if none */
	int prec;       /* precision, -1 if none */
	enum length length;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, int n)
{
	for (; n > 0; n--)
		put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
}

/* Parse a decimal number at *p, saturating at INT_MAX. */
static int parse_int(const char **p)
{
	int v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		int d = **p - '0';
		v = v > (LO_INT_MAX - d) / 10 ? LO_INT_MAX : v * 10 + d;
	}
	return v;
}

/* Pad (n) content characters to the field width, on the left. */
static void pad_left(struct out *o, const struct spec *sp, size_t n)
{
	if (!sp->left && (size_t)sp->width > n)
		put_n(o, ' ', sp->width - (int)n);
}

/* Pad (n) content characters to the field width, on the right. */
static void pad_right(struct out *o, const struct spec *sp, size_t n)
{
	if (sp->left && (size_t)sp->width > n)
		put_n(o, ' ', sp->width - (int)n);
}

/*
 * Print the magnitude (v) in (base) with an optional sign or prefix, the
 * precision as minimum digits, and the field width.
 */
static void fmt_number(struct out *o, const struct spec *sp,
		       unsigned long long v, unsigned base, int upper,
		       const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[sizeof(v) * 8];
	size_t ndigits = 0, nprefix = 0, nzeros = 0, total;

	while (v != 0) {
		tmp[ndigits++] = digits[v % base];
		v /= base;
	}
	if (ndigits == 0 && sp->prec != 0)
		tmp[ndigits++] = '0';
	while (prefix[nprefix] != '\0')
		nprefix++;

	if (sp->prec > 0 && (size_t)sp->prec > ndigits)
		nzeros = sp->prec - ndigits;
	total = nprefix + nzeros + ndigits;
	if (sp->zero && !sp->left && sp->prec < 0 &&
	    (size_t)sp->width > total) {
		nzeros += sp->width - total;
		total = sp->width;
	}

	pad_left(o, sp, total);
	put_str(o, prefix, nprefix);
	put_n(o, '0', (int)nzeros);
	while (ndigits > 0)
		put(o, tmp[--ndigits]);
	pad_right(o, sp, total);
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case LEN_CHAR:  return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG:  return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE:  return (long long)(intptr_t)va_arg(*ap, size_t);
	default:        return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:  return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE:  return va_arg(*ap, size_t);
	default:        return va_arg(*ap, unsigned int);
	}
}

/* A length letter at (*p), once (once) or doubled (twice): "h"/"hh",
 * "l"/"ll". Moves (*p) past it. */
static enum length length_letter(const char **p, enum length once,
				 enum length twice)
{
	char c = **p;

	(*p)++;
	if (**p != c)
		return once;
	(*p)++;
	return twice;
}

/* Parse flags, width, precision and length after a '%'; *p moves past. */
static void parse_spec(struct spec *sp, const char **p, va_list *ap)
{
	*sp = (struct spec){ .prec = -1, .length = LEN_INT };

	for (;; (*p)++) {
		if (**p == '-')
			sp->left = 1;
		else if (**p == '0')
			sp->zero = 1;
		else
			break;
	}

	if (**p == '*') {
		int w = va_arg(*ap, int);
		(*p)++;
		if (w < 0) {
			sp->left = 1;
			w = w < -LO_INT_MAX ? LO_INT_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_int(p);
	}

	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			int pr = va_arg(*ap, int);
			(*p)++;
			sp->prec = pr < 0 ? -1 : pr;
		} else {
			sp->prec = parse_int(p);
		}
	}

	switch (**p) {
	case 'h':
		sp->length = length_letter(p, LEN_SHORT, LEN_CHAR);
		break;
	case 'l':
		sp->length = length_letter(p, LEN_LONG, LEN_LLONG);
		break;
	case 'z':
		(*p)++;
		sp->length = LEN_SIZE;
		break;
	}
}

int lo_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *p = fmt; *p != '\0';) {
		const char *start = p;
		struct spec sp;

		if (*p != '%') {
			put(&o, *p++);
			continue;
		}
		p++;
		parse_spec(&sp, &p, &args);

		switch (*p) {
		case 'd':
		case 'i': {
			long long v = arg_signed(&sp, &args);
			unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v
						       : (unsigned long long)v;
			fmt_number(&o, &sp, mag, 10, 0, v < 0 ? "-" : "");
			break;
		}
		case 'u':
			fmt_number(&o, &sp, arg_unsigned(&sp, &args), 10, 0, "");
			break;
		case 'x':
		case 'X':
			fmt_number(&o, &sp, arg_unsigned(&sp, &args), 16,
				   *p == 'X', "");
			break;
		case 'p':
			fmt_number(&o, &sp, (uintptr_t)va_arg(args, void *), 16,
				   0, "0x");
			break;
		case 'c':
			pad_left(&o, &sp, 1);
			put(&o, (char)va_arg(args, int));
			pad_right(&o, &sp, 1);
			break;
		case 's': {
			const char *s = va_arg(args, const char *);
			size_t n = 0;

			if (s == NULL)
				s = "(null)";
			while ((sp.prec < 0 || n < (size_t)sp.prec) && s[n] != '\0')
				n++;
			pad_left(&o, &sp, n);
			put_str(&o, s, n);
			pad_right(&o, &sp, n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: copy what there is. */
			put_str(&o, start, p - start);
			continue;
		default:
			put_str(&o, start, p - start + 1);
			break;
		}
		p++;
	}
	va_end(args);

	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > (size_t)LO_INT_MAX ? -1 : (int)o.len;
}

int lo_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = lo_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
