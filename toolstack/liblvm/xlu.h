/*
 * xlu.h — libxlutil, loaded when a config file is first parsed rather
 * than when a program starts. libxlutil brings libxenlight and a dozen
 * more libraries with it; a program that never reads an xl.cfg file (the
 * `lvm` command for everything but `create FILE`, a program creating
 * guests through the API) should not pay for loading them.
 */
#ifndef LVM_XLU_H
#define LVM_XLU_H

#include <libxlutil.h>

/* The calls config.c makes, resolved in the loaded library. */
struct lvm_xlu {
	XLU_Config *(*cfg_init)(FILE *report, const char *report_filename);
	int (*cfg_readdata)(XLU_Config *, const char *data, int length);
	void (*cfg_destroy)(XLU_Config *);
	int (*cfg_get_string)(const XLU_Config *, const char *n,
			      const char **value_r, int dont_warn);
	int (*cfg_get_long)(const XLU_Config *, const char *n, long *value_r,
			    int dont_warn);
	int (*cfg_get_list)(const XLU_Config *, const char *n,
			    XLU_ConfigList **list_r, int *entries_r,
			    int dont_warn);
	const char *(*cfg_get_listitem)(const XLU_ConfigList *, int entry);
};

#define LVM_XLU_SONAME "libxlutil.so.4.17"

/*
 * lvm_xlu() - the loaded library's calls, loading it on the first call
 * (thread-safe). Returns NULL if it cannot be loaded, with why in
 * (why, whylen) (dlerror's text).
 */
const struct lvm_xlu *lvm_xlu(char *why, size_t whylen);

#endif
