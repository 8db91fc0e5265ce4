/*
 * conf.c — one line of lvmd.conf (see conf.h): comments, blanks, the
 * keyword of its setting. The pool spec after `pool` is pool.c's
 * lvmd_pool_parse(); the numbers after the others are main.c's.
 */
#include <errno.h>
#include <string.h>

#include "conf.h"

static const char *const keywords[] = {
	[LVMD_CONF_POOL] = "pool",
	[LVMD_CONF_LOG_BUDGET] = "console_log_budget",
	[LVMD_CONF_LOGS_KEPT] = "console_logs_kept",
};

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
	for (int k = LVMD_CONF_POOL; k <= LVMD_CONF_LOGS_KEPT; k++) {
		len = strlen(keywords[k]);
		if (strncmp(p, keywords[k], len) != 0 ||
		    (p[len] != ' ' && p[len] != '\t'))
			continue;
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		*spec = p;
		return k;
	}
	return -EINVAL;
}
