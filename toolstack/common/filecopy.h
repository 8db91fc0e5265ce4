/*
 * filecopy.h — a file put in a new place: copied, or hard-linked where
 * it can be. For lightvm-oci (a bundle's VM image and initramfs) and
 * `lvm build` (the SDK's kernel beside the image it builds).
 */
#ifndef LVM_COMMON_FILECOPY_H
#define LVM_COMMON_FILECOPY_H

/*
 * lvm_file_copy() - the bytes of (from) into the new file (to) (mode
 * 0644; an existing (to) is not touched).
 * Returns 0, or -errno: of opening either (-EEXIST: (to) exists), of a
 * read, or of a write (-EIO for a short one). A (to) left by a failed
 * copy is the caller's to remove.
 */
int lvm_file_copy(const char *from, const char *to);

/*
 * lvm_file_place() - (from) as the new file (to): a hard link to what
 * (from) names (a symbolic link followed), else (another file system, a
 * file system without links) lvm_file_copy(). Returns as it does.
 */
int lvm_file_place(const char *from, const char *to);

#endif
