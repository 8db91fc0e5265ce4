/*
 * pause.c — `lvm pause GUEST` and `lvm unpause GUEST`.
 */
#include "cli.h"

int lvm_cmd_pause(const struct lvm_cli *cli)
{
	lvm_t *h = lvm_connect(cli);
	int rc;

	if (!h)
		return 1;
	rc = cli->verb == V_PAUSE ? lvm_pause(h, cli->arg) :
				    lvm_unpause(h, cli->arg);
	rc = rc < 0 ? lvm_fail(h) : 0;
	lvm_close(h);
	return rc;
}
