/*
 * fileid.c — knowing a file again (see fileid.h).
 */
#include "fileid.h"

void lvm_file_id_of(const struct stat *st, struct lvm_file_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
}

enum lvm_file_match lvm_file_match(const struct lvm_file_id *a,
				   const struct lvm_file_id *b)
{
	if (a->dev != b->dev || a->ino != b->ino)
		return LVM_FILE_OTHER;
	if (a->size != b->size || a->mtime.tv_sec != b->mtime.tv_sec ||
	    a->mtime.tv_nsec != b->mtime.tv_nsec)
		return LVM_FILE_CHANGED;
	return LVM_FILE_SAME;
}
