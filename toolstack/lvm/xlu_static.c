/*
 * xlu_static.c — libxlutil's config calls (xlu.h) for the statically
 * linked `lvm` command: the archive's config objects are linked in, so a
 * config file is parsed with nothing loaded at run time. liblvm.so keeps
 * loading the shared library on first use instead (toolstack/liblvm/xlu.c).
 */
#include <stdbool.h>
#include <stdio.h>

#include "toolstack/liblvm/xlu.h"

static const struct lvm_xlu fns = {
	.cfg_init = xlu_cfg_init,
	.cfg_readdata = xlu_cfg_readdata,
	.cfg_destroy = xlu_cfg_destroy,
	.cfg_get_string = xlu_cfg_get_string,
	.cfg_get_long = xlu_cfg_get_long,
	.cfg_get_list = xlu_cfg_get_list,
	.cfg_get_listitem = xlu_cfg_get_listitem,
};

const struct lvm_xlu *lvm_xlu(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return &fns;
}

/*
 * libxlutil's config object also carries xlu_cfg_get_defbool, which sets
 * a libxl_defbool through libxenlight; lvm never calls it, and links no
 * libxenlight. This is the one symbol it needs from there: a defbool is
 * 1 for true, -1 for false (libxl.h).
 */
void libxl_defbool_set(libxl_defbool *db, bool b)
{
	db->val = b ? 1 : -1;
}
