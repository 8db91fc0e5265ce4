/*
 * shutdown.c — `lvm shutdown GUEST` and `lvm reboot GUEST`: both wait
 * until lvmd reports the guest gone (or back, for a reboot).
 */
#include <stdio.h>

#include "cli.h"

int lvm_cmd_shutdown(const struct lvm_cli *cli)
{
	uint32_t ms = cli->timeout_s * 1000u;
	struct lvm_info info;
	lvm_t *h = lvm_connect(cli);
	int rc;

	if (!h)
		return 1;
	if (cli->verb == V_SHUTDOWN) {
		rc = lvm_shutdown(h, cli->arg, ms) < 0 ? lvm_fail(h) : 0;
	} else if (lvm_reboot(h, cli->arg, ms, &info) < 0) {
		rc = lvm_fail(h);
	} else {
		printf("rebooted %s (domain %u)\n", info.name, info.domid);
		lvm_info_clear(&info);
		rc = 0;
	}
	lvm_close(h);
	return rc;
}
