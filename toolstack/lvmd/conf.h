/*
 * conf.h — one line of lvmd.conf, parsed without side effects (conf.c):
 * pure, so it is fuzzed on its own (tests/fuzz/fuzz_pool_conf.c).
 * Internal to lvmd.
 */
#ifndef LVMD_CONF_H
#define LVMD_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* The settings a line can hold. */
enum {
	LVMD_CONF_POOL = 1,          /* pool MEM VCPUS N [IMAGE] */
	LVMD_CONF_LOG_BUDGET,        /* console_log_budget MIB */
	LVMD_CONF_LOGS_KEPT,         /* console_logs_kept N */
	LVMD_CONF_BRIDGE,            /* bridge NAME */
	LVMD_CONF_SUBNET,            /* subnet A.B.C.D/PREFIX */
	LVMD_CONF_BRIDGE_CREATE,     /* bridge_create yes|no */
	LVMD_CONF_XS_NAMES,          /* xenstore_names yes|no */
	LVMD_CONF_SHARE_CODE,        /* share_code yes|no */
	LVMD_CONF_DATA_PATH_YIELD,   /* data_path_yield yes|no */
	LVMD_CONF_LAST = LVMD_CONF_DATA_PATH_YIELD,
};

/*
 * lvmd_conf_line() - take one line of lvmd.conf in place: a '#' starts a
 * comment, blanks around are dropped. (*spec) gets what follows the
 * setting's keyword and its blanks (for `pool`, lvmd_pool_parse(),
 * pool.h), or NULL. Returns its LVMD_CONF_* setting, 0 for a blank or
 * comment line, -EINVAL for anything else (an unknown setting).
 */
int lvmd_conf_line(char *line, const char **spec);

/*
 * lvmd_conf_yesno() - the value (spec) of a yes-or-no setting (k) into
 * (*out). Returns 0, or -EINVAL with one line in (err) ("bad KEYWORD
 * 'SPEC': want yes or no"); (*out) is then unchanged.
 */
int lvmd_conf_yesno(int k, const char *spec, bool *out, char *err,
		    size_t errlen);

struct lvmd_netconf;

/* lvmd_netconf_default() - the network settings' defaults: bridge lvmbr0,
 * subnet 198.18.0.1/16 (the bridge's own address), bridge_create yes,
 * data_path_yield yes. */
void lvmd_netconf_default(struct lvmd_netconf *n);

/*
 * lvmd_netconf_set() - the value (spec) of network setting (k)
 * (LVMD_CONF_BRIDGE: an interface name; LVMD_CONF_SUBNET: the bridge's
 * address with the subnet's prefix, 8..30, neither the subnet's network
 * nor its broadcast address; LVMD_CONF_BRIDGE_CREATE and
 * LVMD_CONF_DATA_PATH_YIELD: yes or no) into
 * (n). Returns 0, or -EINVAL with one line in (err) (what is wanted,
 * without a prefix); (n) is then unchanged.
 */
int lvmd_netconf_set(struct lvmd_netconf *n, int k, const char *spec,
		     char *err, size_t errlen);

#endif
