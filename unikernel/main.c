/*
 * main.c — lvm-build, the program behind `lvm build`: its options, then
 * one call (build.h). `lvm build ARGS` runs it from lvm's own directory.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

static void usage(FILE *f)
{
	fputs("usage: lvm build DIR [OPTIONS]\n"
	      "       lvm build --linux DIR [OPTIONS]\n"
	      "       lvm build --new DIR\n"
	      "\n"
	      "Builds the application in DIR (its manifest DIR/app.cfg, see\n"
	      "docs/build.md) into the image DIR/NAME.xen: its sources compiled\n"
	      "against the library OS, linked with only the modules it names,\n"
	      "stripped, with its manifest in an ELF note. The same inputs give\n"
	      "the same bytes; an image whose build id matches is left as it is.\n"
	      "\n"
	      "With --linux, DIR/app.cfg names a program of this host instead, and\n"
	      "out come a minimal Linux VM for it: NAME.cpio.xz (only the program's\n"
	      "dependency closure, its files and our init), NAME.vmlinuz and\n"
	      "NAME.cfg, for lvm create; NAME.cfg records their build id, and\n"
	      "nothing is rewritten while every input stays the same.\n"
	      "\n"
	      "  -o, --out DIR     write the image into DIR instead\n"
	      "      --linux       a minimal Linux VM (see above)\n"
	      "      --sysroot DIR with --linux: the executable and its libraries\n"
	      "                    are read from the root file system DIR (its\n"
	      "                    links followed inside it), not this host's\n"
	      "  -f, --force       build even when the image is up to date\n"
	      "      --kernel PATH with --linux: this kernel (a bzImage with its\n"
	      "                    drivers built in, make tiny-kernel's) instead\n"
	      "                    of the SDK's; no kernel modules go in\n"
	      "      --new DIR     write a starting application into DIR\n"
	      "      --sdk DIR     the library OS's SDK (default: found next to lvm)\n"
	      "  -q, --quiet       no size report\n"
	      "  -v, --verbose     show the commands run\n"
	      "  -h, --help        this text\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "new", required_argument, NULL, 'N' },
		{ "linux", no_argument, NULL, 'L' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "sdk", required_argument, NULL, 'S' },
		{ "sysroot", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o = { 0 };
	const char *new_dir = NULL;
	bool linux_vm = false;
	char err[1024] = "";
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:fqvh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'f': o.force = true; break;
		case 'N': new_dir = optarg; break;
		case 'L': linux_vm = true; break;
		case 'K': o.kernel = optarg; break;
		case 'S': o.sdk = optarg; break;
		case 'R': o.sysroot = optarg; break;
		case 'q': o.quiet = true; break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "lvm build: see lvm build --help\n");
			return 2;
		}
	}
	if (o.kernel && !linux_vm) {
		fprintf(stderr, "lvm build: --kernel goes with --linux\n");
		return 2;
	}
	if (new_dir) {
		if (optind != argc) {
			fprintf(stderr, "lvm build: --new takes no other argument\n");
			return 2;
		}
		rc = app_new(new_dir, err, sizeof(err));
	} else {
		if (optind != argc - 1) {
			fprintf(stderr, "lvm build: one application directory, please (lvm build --help)\n");
			return 2;
		}
		if (o.sysroot && !linux_vm) {
			fprintf(stderr, "lvm build: --sysroot goes with --linux\n");
			return 2;
		}
		o.dir = argv[optind];
		rc = linux_vm ? app_build_linux(&o, err, sizeof(err)) :
				app_build(&o, err, sizeof(err));
	}
	if (rc < 0) {
		fprintf(stderr, "lvm build: %s\n", err);
		return 1;
	}
	return 0;
}
