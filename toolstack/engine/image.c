/*
 * image.c — loading a guest image file into memory and checking it
 * (lvm_image_load, see engine.h). The checks are elfnote.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <noxs/abi.h>

#include "bzimage.h"
#include "elfnote.h"
#include "engine.h"
#include "engine_priv.h"

/* read_all() - read (size) bytes of (fd) from offset 0 into (buf). */
static int read_all(int fd, void *buf, size_t size)
{
	size_t done = 0;
	ssize_t r;

	while (done < size) {
		r = pread(fd, (char *)buf + done, size - done, (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;         /* the file shrank under us */
		done += (size_t)r;
	}
	return 0;
}

int lvm_image_load(const char *path, struct lvm_image **out,
		   struct lvm_error *err)
{
	struct lvm_image *img = NULL;
	struct lvm_elf_info info;
	struct stat st;
	int fd = -1, rc;

	if (path == NULL || out == NULL)
		return lvm_error_set(err, EINVAL, "image: no path");
	/* The file type before a byte is read: nothing lvmd is asked to
	 * load may block it. */
	rc = lvm_open_regular("image", path, &fd, &st, err);
	if (rc < 0)
		goto out;
	if (st.st_size == 0) {
		rc = lvm_error_set(err, ENOEXEC, "image %s: empty", path);
		goto out;
	}
	if ((uint64_t)st.st_size > LVM_IMAGE_MAX) {
		rc = lvm_error_set(err, EFBIG, "image %s: larger than %u MiB",
				   path, LVM_IMAGE_MAX >> 20);
		goto out;
	}

	img = calloc(1, sizeof(*img));
	if (img == NULL) {
		rc = lvm_error_set(err, ENOMEM, "image %s", path);
		goto out;
	}
	img->path = strdup(path);
	img->blob_size = (size_t)st.st_size;
	img->blob = malloc(img->blob_size);
	if (img->path == NULL || img->blob == NULL) {
		rc = lvm_error_set(err, ENOMEM, "image %s", path);
		goto out;
	}
	rc = read_all(fd, img->blob, img->blob_size);
	if (rc) {
		lvm_error_set(err, -rc, "image %s: cannot read", path);
		goto out;
	}

	rc = lvm_elf_parse(img->blob, img->blob_size, &info);
	if (rc == -ENOEXEC && lvm_bzimage_check(img->blob, img->blob_size) == 0) {
		/* A stock Linux kernel: no noxs note, so XenStore mode. */
		img->bzimage = true;
		info.virt_base = 0;
		info.noxs_vaddr = 0;
		info.vifmem = (struct noxs_vifmem){ 0 };
		info.has_app = false;
		info.load.ok = false;
		rc = 0;
	}
	if (rc == -ENOEXEC) {
		lvm_error_set(err, ENOEXEC, "image %s: not an x86_64 ELF with "
			      "Xen notes, nor a bzImage", path);
		goto out;
	}
	if (rc == -EBADMSG) {
		lvm_error_set(err, EINVAL, "image %s: bad %s note (lvm build's "
			      "application note)", path, APP_NOTE_NAME);
		rc = -EINVAL;
		goto out;
	}
	if (rc) {
		lvm_error_set(err, -rc, "image %s: bad %s note (the device "
			      "page's: one 8-byte, page-aligned address inside "
			      "a loaded segment; the vifs' memory: a 32-byte "
			      "layout inside a writable segment, clear of the "
			      "device page)", path, NOXS_NOTE_NAME);
		goto out;
	}
	lvm_file_id_of(&st, &img->file);
	img->virt_base = info.virt_base;
	img->noxs_vaddr = info.noxs_vaddr;
	img->vifmem = info.vifmem;
	img->has_app = info.has_app;
	img->load = info.load;
	if (info.has_app)
		img->app = info.app;
	*out = img;
	img = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	lvm_image_free(img);
	return rc;
}

void lvm_image_free(struct lvm_image *img)
{
	if (img == NULL)
		return;
	free(img->blob);
	free(img->path);
	free(img);
}
