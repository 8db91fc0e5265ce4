/*
 * fmt.c — output helpers shared by the verbs (see cli.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

#include <json-c/json.h>

#include "toolstack/liblvm/jsonform.h"

int lvm_errorf(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "lvm: %s\n", line);
	return 1;
}

int lvm_fail(lvm_t *h)
{
	return lvm_errorf("%s", lvm_last_error(h));
}

const char *lvm_fmt_ms(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(ns / 1000000),
		 (unsigned long long)(ns / 1000 % 1000));
	return buf;
}

const char *lvm_fmt_uptime(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000, d = s / 86400;

	if (d)
		snprintf(buf, len, "%llud %02llu:%02llu:%02llu",
			 (unsigned long long)d,
			 (unsigned long long)(s / 3600 % 24),
			 (unsigned long long)(s / 60 % 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llu:%02llu:%02llu",
			 (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60),
			 (unsigned long long)(s % 60));
	return buf;
}

int lvm_print_json(json_object *o)
{
	if (!o)
		return lvm_errorf("out of memory");
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

int lvm_print_info_json(const struct lvm_info *info)
{
	return lvm_print_json(lvm_jsonform_info(info));
}
