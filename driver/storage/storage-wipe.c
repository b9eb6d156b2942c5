/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wiping volume contents: zero (libvirt's default), random and trim done
 * here; the multi-pass algorithms through scrub(1) where it is installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE
#define WIPE_CHUNK (1024 * 1024)

enum { ALG_ZERO = 0, ALG_RANDOM = 8, ALG_TRIM = 9, ALG_LAST = 10 };

static const char *const scrub_patterns[ALG_LAST] = {
    [1] = "nnsa", [2] = "dod", [3] = "bsi", [4] = "gutmann", [5] = "schneier",
    [6] = "pfitzner7", [7] = "pfitzner33", [8] = "random",
};

static int
write_fill(int fd, const char *path, uint64_t size, bool random)
{
    g_autofree char *buf = g_malloc0(WIPE_CHUNK);

    for (uint64_t off = 0; off < size; off += WIPE_CHUNK) {
        size_t len = MIN((uint64_t) WIPE_CHUNK, size - off);

        if (random) {
            for (size_t got = 0; got < len;) {
                ssize_t n = getrandom(buf + got, len - got, 0);

                if (n < 0 && errno != EINTR) {
                    error_report_errno(DOM, errno, "%s", _("cannot get random data"));
                    return -1;
                }
                got += n > 0 ? (size_t) n : 0;
            }
        }
        if (pwrite(fd, buf, len, (off_t) off) != (ssize_t) len) {
            error_report_errno(DOM, errno ? errno : EIO, _("cannot write to '%1$s'"), path);
            return -1;
        }
    }
    return fdatasync(fd) < 0 && errno != EINVAL ? -1 : 0;
}

static int
wipe_zero(int fd, const char *path, uint64_t size, bool is_block)
{
    if (is_block) {
        uint64_t range[2] = { 0, size };

        if (ioctl(fd, BLKZEROOUT, range) == 0)
            return 0;
    } else if (fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, (off_t) size) == 0) {
        return 0;
    }
    return write_fill(fd, path, size, false);
}

static int
wipe_trim(int fd, const char *path, uint64_t size, bool is_block)
{
    if (is_block) {
        uint64_t range[2] = { 0, size };

        if (ioctl(fd, BLKDISCARD, range) == 0)
            return 0;
    } else if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t) size) == 0) {
        return 0;
    }
    error_report_errno(DOM, errno, _("cannot trim '%1$s'"), path);
    return -1;
}

static int
wipe_scrub(const char *path, unsigned algorithm)
{
    const char *argv[] = { "scrub", "-f", "-p", scrub_patterns[algorithm], path, NULL };

    if (!storage_have_tool("scrub")) {
        error_report(DOM, VK_ERR_ARGUMENT_UNSUPPORTED,
                     _("wipe algorithm %1$u needs the scrub program, which is not installed"),
                     algorithm);
        return -1;
    }
    return storage_run(argv, NULL);
}

int
storage_vol_wipe_path(const char *path, bool is_block, unsigned algorithm)
{
    storage_autofd int fd = -1;
    struct stat st;
    uint64_t size;

    if (algorithm >= ALG_LAST) {
        error_report(DOM, VK_ERR_INVALID_ARG, _("wiping algorithm %1$u not supported"),
                     algorithm);
        return -1;
    }
    if (algorithm != ALG_ZERO && algorithm != ALG_RANDOM && algorithm != ALG_TRIM)
        return wipe_scrub(path, algorithm);
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
        error_report_errno(DOM, errno, _("cannot open volume '%1$s'"), path);
        return -1;
    }
    size = (uint64_t) st.st_size;
    if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size) < 0) {
        error_report_errno(DOM, errno, _("cannot get the size of '%1$s'"), path);
        return -1;
    }
    if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
        error_report(DOM, VK_ERR_NO_SUPPORT, _("cannot wipe '%1$s'"), path);
        return -1;
    }
    switch (algorithm) {
    case ALG_ZERO:
        return wipe_zero(fd, path, size, is_block || S_ISBLK(st.st_mode));
    case ALG_TRIM:
        return wipe_trim(fd, path, size, is_block || S_ISBLK(st.st_mode));
    default:
        return write_fill(fd, path, size, true);
    }
}
