/*
 * destroy.c — `lvm destroy GUEST`.
 */
#include "cli.h"

int lvm_cmd_destroy(const struct lvm_cli *cli)
{
	lvm_t *h = lvm_connect(cli);
	int rc;

	if (!h)
		return 1;
	rc = lvm_destroy(h, cli->arg) < 0 ? lvm_fail(h) : 0;
	lvm_close(h);
	return rc;
}
