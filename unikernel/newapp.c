/*
 * newapp.c — `lvm build --new NAME`: a starting application directory, a
 * manifest and a main.c that prints a line and waits to be asked to stop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "manifest.h"
#include "toolstack/common/errf.h"

static const char cfg_fmt[] =
	"# %s — an lvm application (docs/build.md). Build it with\n"
	"#   lvm build %s\n"
	"# and run the image: lvm create %s/%s.xen\n"
	"name = \"%s\"\n"
	"version = \"0.1\"\n"
	"sources = [ \"main.c\" ]\n"
	"# libos modules beyond the core (console, time): timer, random,\n"
	"# net (a vif), tcp (lwIP)\n"
	"modules = [ ]\n"
	"# the least memory it runs in, MiB\n"
	"memory = 4\n"
	"# devices = [ \"vif\" ]\n";

static const char main_fmt[] =
	"/* %s — prints a line, then stays up until asked to stop. */\n"
	"#include <libos/console.h>\n"
	"#include <libos/sysctl.h>\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tprintk(\"%s: hello from a new lvm application\\n\");\n"
	"\t/* Act on requests (lvm shutdown powers it off) until there is no\n"
	"\t * device page to wait on. */\n"
	"\twhile (libos_sysctl_wait(0) >= 0)\n"
	"\t\t;\n"
	"\treturn 0;\n"
	"}\n";

static int write_file(const char *dir, const char *file, const char *text,
		      char *err, size_t errlen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "wxe");
	if (!f)
		return lvm_errf(err, errlen, errno, "%s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		return lvm_errf(err, errlen, EIO, "%s: cannot write it", path);
	return 0;
}

int app_new(const char *dir, char *err, size_t errlen)
{
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	char cfg[2048], src[1024];
	int rc;

	if (!*name || strlen(name) > APP_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(name))
		return lvm_errf(err, errlen, EINVAL,
				"--new %s: the name must be 1 to %d of a-z 0-9 _ -",
				dir, APP_NAME_MAX);
	if (mkdir(dir, 0755) < 0)
		return lvm_errf(err, errlen, errno, "--new %s: %s", dir,
				strerror(errno));
	snprintf(cfg, sizeof(cfg), cfg_fmt, name, dir, dir, name, name);
	snprintf(src, sizeof(src), main_fmt, name, name);
	rc = write_file(dir, "app.cfg", cfg, err, errlen);
	if (rc == 0)
		rc = write_file(dir, "main.c", src, err, errlen);
	if (rc < 0) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/app.cfg", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/main.c", dir);
		unlink(p);
		rmdir(dir);
		return rc;
	}
	printf("%s: a new application; build it with: lvm build %s\n", dir, dir);
	return 0;
}
