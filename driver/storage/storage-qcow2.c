/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Growing a qcow2 image in place: the virtual size and L1 entry count in
 * the header change; this works while the new L1 table still fits in the
 * clusters already allocated for it (8192 entries per 64 KiB cluster,
 * that is 4 TiB of guest data), which covers the usual resizes.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

/* Header field offsets (qcow2 specification). */
enum {
    HDR_CLUSTER_BITS = 20, HDR_SIZE = 24, HDR_L1_SIZE = 36, HDR_L1_OFFSET = 40,
    HDR_LEN = 48,
};

static int
grow_fail(const char *path, const char *why)
{
    error_report(DOM, VK_ERR_OPERATION_UNSUPPORTED,
                 _("cannot grow qcow2 image '%1$s': %2$s"), path, why);
    return -1;
}

int
storage_qcow2_grow(const char *path, uint64_t capacity)
{
    storage_autofd int fd = open(path, O_RDWR | O_CLOEXEC);
    unsigned char h[HDR_LEN];
    uint32_t cbits, l1_size, new_l1;
    uint64_t csize, per_l1, l1_off, have_bytes, be_size;
    uint32_t be_l1;
    g_autofree unsigned char *tail = NULL;

    if (fd < 0 || pread(fd, h, sizeof(h), 0) != (ssize_t) sizeof(h)) {
        error_report_errno(DOM, errno ? errno : EIO, _("cannot read '%1$s'"), path);
        return -1;
    }
    if (memcmp(h, "QFI\xfb", 4) != 0)
        return grow_fail(path, _("not a qcow2 image"));
    memcpy(&cbits, h + HDR_CLUSTER_BITS, 4);
    memcpy(&l1_size, h + HDR_L1_SIZE, 4);
    memcpy(&l1_off, h + HDR_L1_OFFSET, 8);
    cbits = be32toh(cbits);
    l1_size = be32toh(l1_size);
    l1_off = be64toh(l1_off);
    if (cbits < 9 || cbits > 21)
        return grow_fail(path, _("invalid cluster size"));
    csize = 1ULL << cbits;
    per_l1 = csize * (csize / 8);
    capacity = (capacity + 511) & ~511ULL;
    new_l1 = (uint32_t) ((capacity + per_l1 - 1) / per_l1);
    have_bytes = ((uint64_t) l1_size * 8 + csize - 1) / csize * csize;
    if (new_l1 > l1_size) {
        size_t extra = (size_t) (new_l1 - l1_size) * 8;

        if ((uint64_t) new_l1 * 8 > have_bytes || l1_off == 0)
            return grow_fail(path, _("the L1 table would have to move"));
        tail = g_malloc(extra);
        if (pread(fd, tail, extra, (off_t) (l1_off + (uint64_t) l1_size * 8)) != (ssize_t) extra)
            return grow_fail(path, _("short L1 table"));
        for (size_t i = 0; i < extra; i++)
            if (tail[i])
                return grow_fail(path, _("unexpected data after the L1 table"));
    } else {
        new_l1 = l1_size;
    }
    be_size = htobe64(capacity);
    be_l1 = htobe32(new_l1);
    if (pwrite(fd, &be_l1, 4, HDR_L1_SIZE) != 4 || pwrite(fd, &be_size, 8, HDR_SIZE) != 8 ||
        fdatasync(fd) < 0) {
        error_report_errno(DOM, errno, _("cannot update the header of '%1$s'"), path);
        return -1;
    }
    return 0;
}
