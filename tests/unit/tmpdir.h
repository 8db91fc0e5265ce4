/*
 * tmpdir.h — the unit tests' shared fixture set-up and tear-down: a
 * zeroed fixture holding a fresh temporary directory (under /tmp, named
 * after the test), emptied and removed again at the end.
 */
#ifndef LVM_TEST_TMPDIR_H
#define LVM_TEST_TMPDIR_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * test_fixture_new: allocates SIZE zeroed bytes, makes a fresh directory
 * /tmp/lvm-test-NAME.XXXXXX and writes its path into the char array of
 * DIR_LEN bytes at offset DIR_OFF. Stores the fixture in *STATE and
 * returns it, or returns NULL (nothing left behind) on failure.
 * Use it through TEST_FIXTURE_NEW.
 */
static inline void *test_fixture_new(void **state, size_t size, size_t dir_off,
				     size_t dir_len, const char *name)
{
	char *f = calloc(1, size);
	int n;

	if (!f)
		return NULL;
	n = snprintf(f + dir_off, dir_len, "/tmp/lvm-test-%s.XXXXXX", name);
	if (n < 0 || (size_t)n >= dir_len || !mkdtemp(f + dir_off)) {
		free(f);
		return NULL;
	}
	*state = f;
	return f;
}

/* TEST_FIXTURE_NEW: test_fixture_new for a TYPE whose member `dir` is a char array. */
#define TEST_FIXTURE_NEW(state, type, name)                                  \
	((type *)test_fixture_new((state), sizeof(type), offsetof(type, dir), \
				  sizeof(((type *)0)->dir), (name)))

/*
 * test_fixture_free: removes the files in DIR (it holds no directories),
 * DIR itself, then frees F. Returns 0, or -1 when DIR could not be removed.
 */
static inline int test_fixture_free(void *f, const char *dir)
{
	char path[512];
	struct dirent *d;
	DIR *dp = opendir(dir);
	int ret;

	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.' && (!d->d_name[1] || d->d_name[1] == '.'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	ret = rmdir(dir) ? -1 : 0;
	free(f);
	return ret;
}

#endif
