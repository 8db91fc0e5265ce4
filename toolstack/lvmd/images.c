/*
 * images.c — lvmd's image cache: guests are often made from the same
 * image again and again, so parsed images are kept (up to
 * LVMD_IMAGE_CACHE_BYTES in all) and reused while the file at that path is
 * the same file, unchanged (the engine's lvm_file_match(); checked with
 * one stat() per creation, and not again in the same turn of the loop). The cache is the control thread's alone: an
 * image read by the loader (loader.c) is handed over here whole, first to
 * the requests that waited for it, then kept like any other.
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

/* cached: the cache's image of (path) if the file is unchanged, else
 * NULL. */
static struct lvm_image *cached(struct lvmd *l, const char *path)
{
	struct lvm_file_id id;
	struct stat st;
	int i;

	/* Asked again in the same turn (whether to park the request, then
	 * its create): the file was found unchanged a moment ago. */
	if (l->turn && l->image_seen.turn == l->turn && l->image_seen.img) {
		for (i = 0; i < LVMD_IMAGE_CACHE; i++)
			if (l->images[i].img == l->image_seen.img &&
			    strcmp(l->images[i].img->path, path) == 0)
				goto found;
	}
	if (stat(path, &st) != 0)
		return NULL;
	lvm_file_id_of(&st, &id);
	for (i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img && same_file(l->images[i].img, path, &id))
			goto found;
	return NULL;
found:
	l->images[i].used = ++l->image_tick;
	l->image_seen.img = l->images[i].img;
	l->image_seen.turn = l->turn;
	return l->images[i].img;
}

/* keep: (img), just read, into the cache; (*owned): too big to keep, the
 * caller's. */
static void keep(struct lvmd *l, struct lvm_image *img, bool *owned)
{
	int i;

	*owned = false;
	/* An entry for an older version of this file goes. */
	for (i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img &&
		    strcmp(l->images[i].img->path, img->path) == 0)
			drop(l, i);
	if (img->blob_size > LVMD_IMAGE_CACHE_BYTES) {
		*owned = true; /* too big to keep */
		return;
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
}

/* handed: whether (path) is the load being handed over. */
static bool handed(const struct lvmd *l, const char *path)
{
	return l->hand.path && strcmp(l->hand.path, path) == 0;
}

int lvmd_image_get(struct lvmd *l, const char *path, struct lvm_image **out,
		   bool *owned, struct lvm_error *err)
{
	struct lvm_image *img = NULL;
	int rc;

	*owned = false;
	if (handed(l, path)) {
		if (l->hand.img) {
			*out = l->hand.img;
			return 0;
		}
		if (err && l->hand.err)
			*err = *l->hand.err;
		return l->hand.rc;
	}
	img = cached(l, path);
	if (img) {
		*out = img;
		return 0;
	}
	rc = lvm_image_load(path, &img, err);
	if (rc < 0)
		return rc;
	keep(l, img, owned);
	*out = img;
	return 0;
}

bool lvmd_image_at_hand(struct lvmd *l, const char *path)
{
	return handed(l, path) || cached(l, path);
}

void lvmd_image_hand(struct lvmd *l, const char *path,
		     struct lvm_image *img, int rc,
		     const struct lvm_error *err)
{
	l->hand.path = path;
	l->hand.img = img;
	l->hand.rc = img ? 0 : (rc < 0 ? rc : -EIO);
	l->hand.err = err;
}

void lvmd_image_hand_end(struct lvmd *l)
{
	struct lvm_image *img = l->hand.img;
	bool owned;

	memset(&l->hand, 0, sizeof(l->hand));
	if (!img)
		return;
	keep(l, img, &owned);
	if (owned)
		lvm_image_free(img);
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
