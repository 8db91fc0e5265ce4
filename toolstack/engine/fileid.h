/*
 * fileid.h — the one "same image file" check of the toolstack: how a file
 * read earlier is known again (device, inode, size, mtime), used by the
 * engine's warm shells, lvmd's image cache and its pools.
 */
#ifndef LVM_ENGINE_FILEID_H
#define LVM_ENGINE_FILEID_H

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* A file as it was when read. */
struct lvm_file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* How two ids compare. */
enum lvm_file_match {
	LVM_FILE_OTHER = 0,          /* another file (device or inode) */
	LVM_FILE_CHANGED = 1,        /* the same file, rewritten since */
	LVM_FILE_SAME = 2,           /* the same file, unchanged */
};

/* lvm_file_id_of() - (st)'s identity into (*id). */
void lvm_file_id_of(const struct stat *st, struct lvm_file_id *id);

/* lvm_file_match() - whether (a) and (b) are the same file, unchanged. */
enum lvm_file_match lvm_file_match(const struct lvm_file_id *a,
				   const struct lvm_file_id *b);

#endif
