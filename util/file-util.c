/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"

static int
fsync_parent_dir(const char *path, int err_domain)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) {
        error_report_errno(err_domain, errno, _("cannot open directory '%s'"), dir);
        return -1;
    }
    if (fsync(fd) < 0) {
        error_report_errno(err_domain, errno, _("cannot sync directory '%s'"), dir);
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                  int err_domain)
{
    g_autofree char *tmp = g_strdup_printf("%s.new-XXXXXX", path);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);

    if (fd < 0) {
        error_report_errno(err_domain, errno, _("cannot create temporary file for '%s'"), path);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        error_report_errno(err_domain, errno, _("cannot write '%s'"), tmp);
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) < 0) {
        error_report_errno(err_domain, errno, _("cannot write '%s'"), tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        error_report_errno(err_domain, errno, _("cannot rename '%s' to '%s'"), tmp, path);
        unlink(tmp);
        return -1;
    }
    return fsync_parent_dir(path, err_domain);
}

int
file_make_dirs(const char *path, mode_t mode, int err_domain)
{
    if (g_mkdir_with_parents(path, (int) mode) < 0) {
        error_report_errno(err_domain, errno, _("cannot create directory '%s'"), path);
        return -1;
    }
    return 0;
}

int
file_remove_durable(const char *path, int err_domain)
{
    if (unlink(path) < 0) {
        if (errno == ENOENT)
            return 0;
        error_report_errno(err_domain, errno, _("cannot remove '%s'"), path);
        return -1;
    }
    return fsync_parent_dir(path, err_domain);
}
