/*
 * main.c — `lvm`: parse the command line, run the verb (which reaches
 * lvmd through connect.c).
 * Every error is one "lvm: ..." line on stderr and a non-zero status
 * (2 for a bad command line).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#ifndef LVM_VERSION
#define LVM_VERSION "0.1"
#endif

typedef int verb_fn(const struct lvm_cli *cli);

static verb_fn *const run[V_COUNT] = {
	[V_CREATE] = lvm_cmd_create,
	[V_DESTROY] = lvm_cmd_destroy,
	[V_SHUTDOWN] = lvm_cmd_shutdown,
	[V_REBOOT] = lvm_cmd_shutdown,
	[V_PAUSE] = lvm_cmd_pause,
	[V_UNPAUSE] = lvm_cmd_pause,
	[V_LIST] = lvm_cmd_list,
	[V_INFO] = lvm_cmd_info,
	[V_CONSOLE] = lvm_cmd_console,
	[V_POOL] = lvm_cmd_pool,
};

int main(int argc, char **argv)
{
	struct lvm_cli cli;
	char err[512];
	int rc;

	if (lvm_cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) {
		lvm_errorf("%s", err);
		return 2;
	}
	if (cli.help) {
		fputs(lvm_cli_usage(cli.verb), stdout);
		return 0;
	}
	if (cli.version) {
		printf("lvm %s\n", LVM_VERSION);
		return 0;
	}
	rc = run[cli.verb](&cli);
	free(cli.pool_image);
	return rc;
}
