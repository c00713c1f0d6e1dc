package org.domus.xenstore;

/**
 * The error names an {@code ERROR} reply carries, as listed in Xen's {@code xs_wire.h}: clients turn the name
 * back into an errno, and one they do not know into EINVAL. So quota refusals are ENOSPC (C xenstored's choice),
 * not oxenstored's EQUOTA, which libxenstore would read as EINVAL.
 */
public enum XsError {
    EINVAL, EACCES, EEXIST, EISDIR, ENOENT, ENOMEM, ENOSPC, EIO, ENOTEMPTY, ENOSYS, EROFS, EBUSY, EAGAIN,
    EISCONN, E2BIG, EPERM
}
