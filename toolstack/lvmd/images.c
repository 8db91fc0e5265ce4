/*
 * images.c — lvmd's image cache: guests are often made from the same
 * image again and again, so parsed images are kept (up to
 * LVMD_IMAGE_CACHE_BYTES in all) and reused while the file at that path is
 * the same file, unchanged (the engine's lvm_file_match(); checked with
 * one stat() per creation).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "lvmd.h"
#include "toolstack/engine/engine.h"

/* same_file: whether (img) was read from (path), as the file is now
 * ((id)). */
static bool same_file(const struct lvm_image *img, const char *path,
		      const struct lvm_file_id *id)
{
	return strcmp(img->path, path) == 0 &&
	       lvm_file_match(&img->file, id) == LVM_FILE_SAME;
}

static size_t cached_bytes(const struct lvmd *l)
{
	size_t n = 0;

	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img)
			n += l->images[i].img->blob_size;
	return n;
}

static void drop(struct lvmd *l, int i)
{
	lvm_image_free(l->images[i].img);
	l->images[i].img = NULL;
}

/* oldest: the least recently used slot that holds an image, -1: none. */
static int oldest(const struct lvmd *l)
{
	int best = -1;

	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img &&
		    (best < 0 || l->images[i].used < l->images[best].used))
			best = i;
	return best;
}

/* lru: the slot to reuse: an empty one, else the least recently used. */
static int lru(const struct lvmd *l)
{
	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (!l->images[i].img)
			return i;
	return oldest(l);
}

int lvmd_image_get(struct lvmd *l, const char *path, struct lvm_image **out,
		   bool *owned, struct lvm_error *err)
{
	struct lvm_image *img = NULL;
	struct lvm_file_id id;
	struct stat st;
	int i, rc;

	*owned = false;
	if (stat(path, &st) == 0) {
		lvm_file_id_of(&st, &id);
		for (i = 0; i < LVMD_IMAGE_CACHE; i++) {
			if (l->images[i].img &&
			    same_file(l->images[i].img, path, &id)) {
				l->images[i].used = ++l->image_tick;
				*out = l->images[i].img;
				return 0;
			}
		}
	}
	rc = lvm_image_load(path, &img, err);
	if (rc < 0)
		return rc;
	/* An entry for an older version of this file goes. */
	for (i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img && strcmp(l->images[i].img->path, path) == 0)
			drop(l, i);
	if (img->blob_size > LVMD_IMAGE_CACHE_BYTES) {
		*owned = true; /* too big to keep */
		*out = img;
		return 0;
	}
	/* Evict images, never empty slots: each turn frees one, and the
	 * cache empty leaves room (blob_size is at most the cap). */
	while (cached_bytes(l) + img->blob_size > LVMD_IMAGE_CACHE_BYTES &&
	       (i = oldest(l)) >= 0)
		drop(l, i);
	i = lru(l);
	drop(l, i);
	l->images[i].img = img;
	l->images[i].used = ++l->image_tick;
	*out = img;
	return 0;
}

bool lvmd_image_unchanged(const struct lvm_image *img, const char *path)
{
	struct lvm_file_id id;
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	lvm_file_id_of(&st, &id);
	return same_file(img, path, &id);
}

void lvmd_images_free(struct lvmd *l)
{
	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		drop(l, i);
}
