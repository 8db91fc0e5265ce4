/*
 * conf.c — one line of lvmd.conf (see conf.h): comments, blanks, the
 * `pool` keyword. The pool spec after it is pool.c's lvmd_pool_parse().
 */
#include <errno.h>
#include <string.h>

#include "conf.h"

int lvmd_conf_line(char *line, const char **spec)
{
	char *p = line, *h = strchr(line, '#');
	size_t len;

	*spec = NULL;
	if (h)
		*h = '\0';
	len = strlen(line);
	while (len > 0 && strchr(" \t\r\n", line[len - 1]))
		line[--len] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	if (strncmp(p, "pool", 4) != 0 || (p[4] != ' ' && p[4] != '\t'))
		return -EINVAL;
	p += 4;
	while (*p == ' ' || *p == '\t')
		p++;
	*spec = p;
	return 1;
}
