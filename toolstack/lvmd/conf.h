/*
 * conf.h — one line of lvmd.conf, parsed without side effects (conf.c):
 * pure, so it is fuzzed on its own (tests/fuzz/fuzz_pool_conf.c).
 * Internal to lvmd.
 */
#ifndef LVMD_CONF_H
#define LVMD_CONF_H

/* The settings a line can hold. */
enum {
	LVMD_CONF_POOL = 1,          /* pool MEM VCPUS N [IMAGE] */
	LVMD_CONF_LOG_BUDGET,        /* console_log_budget MIB */
	LVMD_CONF_LOGS_KEPT,         /* console_logs_kept N */
};

/*
 * lvmd_conf_line() - take one line of lvmd.conf in place: a '#' starts a
 * comment, blanks around are dropped. (*spec) gets what follows the
 * setting's keyword and its blanks (for `pool`, lvmd_pool_parse(),
 * pool.h), or NULL. Returns its LVMD_CONF_* setting, 0 for a blank or
 * comment line, -EINVAL for anything else (an unknown setting).
 */
int lvmd_conf_line(char *line, const char **spec);

#endif
