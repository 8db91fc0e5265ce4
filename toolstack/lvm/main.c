/*
 * main.c — `lvm`: parse the command line, run the verb (which reaches
 * lvmd through connect.c).
 * Every error is one "lvm: ..." line on stderr and a non-zero status
 * (2 for a bad command line).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	[V_TOP] = lvm_cmd_top,
};

/*
 * build: `lvm build ...` is lvm-build, the image generator (unikernel/),
 * a program of its own beside this one: it needs a compiler's world
 * (libxlutil, libelf, a hash) that no other verb should load.
 */
static int build(char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 16);

	if (n < 0) {
		lvm_errorf("build: cannot find this program: %s", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	strcpy(slash ? slash + 1 : self, "lvm-build");
	argv[0] = self;
	execv(self, argv);
	lvm_errorf("build: cannot run %s: %s", self, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct lvm_cli cli;
	char err[512];
	int rc;

	if (argc > 1 && strcmp(argv[1], "build") == 0)
		return build(argv + 1);

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
