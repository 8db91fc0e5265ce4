/*
 * main.c — `lvm`: parse the command line, reach lvmd, run the verb.
 * Every error is one "lvm: ..." line on stderr and a non-zero status
 * (2 for a bad command line).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

lvm_t *lvm_connect(const struct lvm_cli *cli)
{
	const char *sock = cli->sock ? cli->sock : LVM_DEFAULT_SOCK;
	lvm_t *h = lvm_open(sock);

	if (h)
		return h;
	if (errno == ENOENT || errno == ECONNREFUSED)
		lvm_errorf("cannot reach lvmd at %s (is it running? start it with: lvmd -d)",
			   sock);
	else if (errno == EACCES || errno == EPERM)
		lvm_errorf("cannot reach lvmd at %s: %s (lvm needs root)", sock,
			   strerror(errno));
	else
		lvm_errorf("cannot reach lvmd at %s: %s", sock, strerror(errno));
	return NULL;
}

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
