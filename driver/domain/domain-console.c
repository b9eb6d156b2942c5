/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Console sessions: see domain-console.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "driver/domain/domain-console.h"
#include "driver/domain/domain-lifecycle.h"
#include "util/error.h"
#include "util/i18n.h"

static GMutex console_lock;
static GHashTable *sessions;    /* uuid string -> wake fd (GINT_TO_POINTER) */

static bool
dev_matches(const char *dev_name)
{
    return !dev_name || g_str_equal(dev_name, "serial0") ||
           g_str_equal(dev_name, "console0");
}

int
domain_console_open(DomainObj *obj, const char *dev_name, unsigned int flags,
                    int *wake_fd)
{
    const char *pty = domain_lifecycle_pty_path(obj);
    char uuid[DOMAIN_UUID_STRLEN];
    struct termios t;
    gpointer old;
    int fd;

    if (domain_driver_check_flags(flags, DOMAIN_CONSOLE_FORCE | DOMAIN_CONSOLE_SAFE,
                                  "qemuDomainOpenConsole") < 0)
        return -1;
    if (!domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    if (!dev_matches(dev_name) || !pty) {
        error_report(VK_FROM_QEMU, VK_ERR_INTERNAL_ERROR,
                     _("cannot find character device %1$s"),
                     dev_name ? dev_name : "<null>");
        return -1;
    }
    domain_def_get_uuid_string(obj->def, uuid);
    g_mutex_lock(&console_lock);
    if (!sessions)
        sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (g_hash_table_lookup_extended(sessions, uuid, NULL, &old)) {
        if (!(flags & DOMAIN_CONSOLE_FORCE)) {
            g_mutex_unlock(&console_lock);
            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED, "%s",
                         _("Active console session exists for this domain"));
            return -1;
        }
        /* take over: wake the old session, which then ends */
        {
            uint64_t one = 1;

            if (write(GPOINTER_TO_INT(old), &one, sizeof(one)) < 0) {
                /* the old session is already going away */
            }
        }
        g_hash_table_remove(sessions, uuid);
    }
    fd = open(pty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        g_mutex_unlock(&console_lock);
        error_report_errno(VK_FROM_QEMU, errno, _("cannot open console '%1$s'"), pty);
        return -1;
    }
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    *wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    g_hash_table_insert(sessions, g_strdup(uuid), GINT_TO_POINTER(*wake_fd));
    g_mutex_unlock(&console_lock);
    return fd;
}

void
domain_console_close(const unsigned char *uuid_raw, int wake_fd)
{
    char uuid[DOMAIN_UUID_STRLEN];
    gpointer cur;

    domain_uuid_format(uuid_raw, uuid);
    g_mutex_lock(&console_lock);
    if (sessions && g_hash_table_lookup_extended(sessions, uuid, NULL, &cur) &&
        GPOINTER_TO_INT(cur) == wake_fd)
        g_hash_table_remove(sessions, uuid);
    g_mutex_unlock(&console_lock);
}
