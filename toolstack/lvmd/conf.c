/*
 * conf.c — one line of lvmd.conf (see conf.h): comments, blanks, the
 * keyword of its setting; the yes-or-no settings' values; and the values
 * of the network settings (bridge, subnet, bridge_create,
 * data_path_yield). The pool spec after `pool` is pool.c's
 * lvmd_pool_parse(); the numbers after the others are main.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "netconf.h"
#include "toolstack/common/errf.h"
#include "toolstack/proto/proto.h"

static const char *const keywords[] = {
	[LVMD_CONF_POOL] = "pool",
	[LVMD_CONF_LOG_BUDGET] = "console_log_budget",
	[LVMD_CONF_LOGS_KEPT] = "console_logs_kept",
	[LVMD_CONF_BRIDGE] = "bridge",
	[LVMD_CONF_SUBNET] = "subnet",
	[LVMD_CONF_BRIDGE_CREATE] = "bridge_create",
	[LVMD_CONF_XS_NAMES] = "xenstore_names",
	[LVMD_CONF_SHARE_CODE] = "share_code",
	[LVMD_CONF_DATA_PATH_YIELD] = "data_path_yield",
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
	for (int k = LVMD_CONF_POOL; k <= LVMD_CONF_LAST; k++) {
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

int lvmd_conf_yesno(int k, const char *spec, bool *out, char *err,
		    size_t errlen)
{
	if (k < LVMD_CONF_POOL || k > LVMD_CONF_LAST)
		return lvm_errf(err, errlen, EINVAL, "not a setting");
	if (strcmp(spec, "yes") && strcmp(spec, "no"))
		return lvm_errf(err, errlen, EINVAL,
			        "bad %s '%s': want yes or no", keywords[k],
			        LVM_ESCAPED(spec, 40));
	*out = spec[0] == 'y';
	return 0;
}

void lvmd_netconf_default(struct lvmd_netconf *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->bridge, sizeof(n->bridge), "lvmbr0");
	n->addr[0] = 198;
	n->addr[1] = 18;
	n->addr[2] = 0;
	n->addr[3] = 1;
	n->prefix = 16;
	n->create = true;
	n->yield = true;
}

int lvmd_netconf_set(struct lvmd_netconf *n, int k, const char *spec,
		     char *err, size_t errlen)
{
	uint8_t ip[4], prefix;
	uint32_t a, host;

	switch (k) {
	case LVMD_CONF_BRIDGE:
		if (lvm_ifname_check(spec) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "bad bridge '%s': want a network interface name (1..%d bytes, no '/', ':', blank or control byte)",
				        LVM_ESCAPED(spec, 40), LVM_IFNAME_MAX);
		snprintf(n->bridge, sizeof(n->bridge), "%s", spec);
		return 0;
	case LVMD_CONF_SUBNET:
		if (lvm_ipv4_parse(spec, ip, &prefix) < 0 || prefix < 8 ||
		    prefix > 30)
			return lvm_errf(err, errlen, EINVAL,
				        "bad subnet '%s': want the bridge's address and the subnet's prefix, A.B.C.D/P with P from 8 to 30",
				        LVM_ESCAPED(spec, 40));
		a = (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 |
		    (uint32_t)ip[2] << 8 | ip[3];
		host = a & (0xffffffffu >> prefix);
		if (host == 0 || host == 0xffffffffu >> prefix)
			return lvm_errf(err, errlen, EINVAL,
				        "bad subnet '%s': the bridge's address is the subnet's %s address",
				        spec, host ? "broadcast" : "network");
		memcpy(n->addr, ip, 4);
		n->prefix = prefix;
		return 0;
	case LVMD_CONF_BRIDGE_CREATE:
	case LVMD_CONF_DATA_PATH_YIELD:
		return lvmd_conf_yesno(k, spec,
				       k == LVMD_CONF_BRIDGE_CREATE ? &n->create :
								      &n->yield,
				       err, errlen);
	}
	return lvm_errf(err, errlen, EINVAL, "not a network setting");
}
