#ifndef JAC_RENAME_H
#define JAC_RENAME_H

/// Renames `from` to `to` only if nothing is at `to` (not even a dangling symlink), in one
/// step: renameat2 with RENAME_NOREPLACE, which Glibc's Swift module hides behind _GNU_SOURCE.
/// Returns 0, or -1 with errno: EEXIST when `to` exists, EINVAL or ENOSYS when the kernel or
/// file system cannot do it (callers then try link and unlink).
int jac_rename_noreplace(const char *from, const char *to);

#endif
