/*
 * rootpath.c — a path resolved inside a root directory (rootpath.h): one
 * component at a time, each looked at with lstat(), a link's target
 * spliced in front of what is left.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootpath.h"

/* up: drop (done)'s last component ("" stays ""). */
static void up(char *done)
{
	char *s = strrchr(done, '/');

	if (s)
		*s = '\0';
}

int lvm_root_resolve(const char *root, const char *path, char *out,
		     size_t outlen)
{
	char rest[PATH_MAX], next[PATH_MAX], done[PATH_MAX] = "";
	char full[PATH_MAX * 2], target[PATH_MAX];
	unsigned links = 0;
	const char *p;

	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(rest))
		return -ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	p = rest;
	for (;;) {
		struct stat st;
		size_t n, dl;
		ssize_t tl;

		p += strspn(p, "/");
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			up(done);
			p += n;
			continue;
		}
		dl = strlen(done);
		if (dl + 1 + n >= sizeof(done))
			return -ENAMETOOLONG;
		done[dl] = '/';
		memcpy(done + dl + 1, p, n);
		done[dl + 1 + n] = '\0';
		p += n;
		if ((size_t)snprintf(full, sizeof(full), "%s%s", root, done) >=
		    sizeof(full))
			return -ENAMETOOLONG;
		if (lstat(full, &st) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode)) {
			if (++links > LVM_ROOT_LINKS_MAX)
				return -ELOOP;
			tl = readlink(full, target, sizeof(target) - 1);
			if (tl < 0)
				return -errno;
			target[tl] = '\0';
			if ((size_t)snprintf(next, sizeof(next), "%s%s", target,
					     p) >= sizeof(next))
				return -ENAMETOOLONG;
			memcpy(rest, next, strlen(next) + 1);
			p = rest;
			done[dl] = '\0'; /* the link's own component */
			if (target[0] == '/')
				done[0] = '\0';
			continue;
		}
		if (p[strspn(p, "/")] && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	if ((size_t)snprintf(out, outlen, "%s", done[0] ? done : "/") >= outlen)
		return -ENAMETOOLONG;
	return 0;
}
