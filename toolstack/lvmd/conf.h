/*
 * conf.h — one line of lvmd.conf, parsed without side effects (conf.c):
 * pure, so it is fuzzed on its own (tests/fuzz/fuzz_pool_conf.c).
 * Internal to lvmd.
 */
#ifndef LVMD_CONF_H
#define LVMD_CONF_H

/*
 * lvmd_conf_line() - take one line of lvmd.conf in place: a '#' starts a
 * comment, blanks around are dropped. (*spec) gets what follows the
 * `pool` keyword (for lvmd_pool_parse(), pool.h), or NULL.
 * Returns 1 for a `pool ...` line, 0 for a blank or comment line, -EINVAL
 * for anything else (an unknown setting).
 */
int lvmd_conf_line(char *line, const char **spec);

#endif
