/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include "security/remember.h"
#include "util/error.h"
#include "util/i18n.h"

#define XATTR_PREFIX "trusted.virtkvm.security."

static GMutex remember_lock;

static gboolean
xattr_unsupported(int err)
{
    return err == ENOTSUP || err == EOPNOTSUPP || err == EPERM;
}

/* Value of xattr @name, NULL if absent; *err gets errno on failure. */
static char *
xattr_get(const char *path, const char *name, int *err)
{
    char buf[1024];
    ssize_t n = getxattr(path, name, buf, sizeof(buf) - 1);

    *err = 0;
    if (n < 0) {
        *err = errno == ENODATA ? 0 : errno;
        return NULL;
    }
    buf[n] = '\0';
    return g_strdup(buf);
}

static int
xattr_set(const char *path, const char *name, const char *value)
{
    if (setxattr(path, name, value, strlen(value), 0) < 0) {
        if (xattr_unsupported(errno))
            return SECURITY_REMEMBER_UNSUPPORTED;
        error_report_errno(VK_FROM_SECURITY, errno,
                           _("cannot set attribute %1$s on '%2$s'"), name, path);
        return -1;
    }
    return 0;
}

static char *
boot_id(void)
{
    char *text = NULL;

    if (!g_file_get_contents("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
        return g_strdup("unknown");
    return g_strstrip(text);
}

typedef struct {
    char *label_attr;
    char *ref_attr;
    char *ts_attr;
} RememberNames;

static void
remember_names_init(RememberNames *n, const char *model)
{
    n->label_attr = g_strconcat(XATTR_PREFIX, model, NULL);
    n->ref_attr = g_strconcat(XATTR_PREFIX, "ref_", model, NULL);
    n->ts_attr = g_strconcat(XATTR_PREFIX, "timestamp_", model, NULL);
}

static void
remember_names_clear(RememberNames *n)
{
    g_free(n->label_attr);
    g_free(n->ref_attr);
    g_free(n->ts_attr);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(RememberNames, remember_names_clear)

static void
remember_remove(const char *path, const RememberNames *n)
{
    removexattr(path, n->label_attr);
    removexattr(path, n->ref_attr);
    removexattr(path, n->ts_attr);
}

/*
 * Current reference count; 0 when absent or stale (stale records are
 * removed).  SECURITY_REMEMBER_UNSUPPORTED or -1 on errors.
 */
static int
remember_read_ref(const char *path, const RememberNames *n)
{
    g_autofree char *ref = NULL;
    g_autofree char *ts = NULL;
    g_autofree char *now = boot_id();
    guint64 v;
    int err;

    ref = xattr_get(path, n->ref_attr, &err);
    if (err) {
        if (xattr_unsupported(err))
            return SECURITY_REMEMBER_UNSUPPORTED;
        error_report_errno(VK_FROM_SECURITY, err,
                           _("cannot read attributes of '%1$s'"), path);
        return -1;
    }
    ts = xattr_get(path, n->ts_attr, &err);
    if (!ref || !ts || !g_str_equal(ts, now) ||
        !g_ascii_string_to_unsigned(ref, 10, 1, G_MAXINT, &v, NULL)) {
        remember_remove(path, n);
        return 0;
    }
    return (int) v;
}

static int
remember_write_ref(const char *path, const RememberNames *n, int ref)
{
    g_autofree char *text = g_strdup_printf("%d", ref);

    return xattr_set(path, n->ref_attr, text);
}

static int
remember_push_locked(const char *path, const char *model, const char *current)
{
    g_auto(RememberNames) n = { 0 };
    g_autofree char *now = boot_id();
    int ref, rc;

    remember_names_init(&n, model);
    ref = remember_read_ref(path, &n);
    if (ref < 0)
        return ref;
    if (ref == 0) {
        if ((rc = xattr_set(path, n.label_attr, current)) < 0 ||
            (rc = xattr_set(path, n.ts_attr, now)) < 0) {
            remember_remove(path, &n);
            return rc;
        }
    }
    if ((rc = remember_write_ref(path, &n, ref + 1)) < 0) {
        if (ref == 0)
            remember_remove(path, &n);
        return rc;
    }
    return ref + 1;
}

int
security_remember_push(const char *path, const char *model,
                       const char *current_label)
{
    int ret;

    g_mutex_lock(&remember_lock);
    ret = remember_push_locked(path, model, current_label);
    g_mutex_unlock(&remember_lock);
    return ret;
}

static int
remember_pop_locked(const char *path, const char *model, char **orig_label)
{
    g_auto(RememberNames) n = { 0 };
    g_autofree char *label = NULL;
    int ref, err;

    remember_names_init(&n, model);
    ref = remember_read_ref(path, &n);
    if (ref < 0)
        return ref;
    if (ref == 0)
        return SECURITY_REMEMBER_NONE;
    if (ref > 1) {
        int rc = remember_write_ref(path, &n, ref - 1);

        return rc < 0 ? rc : ref - 1;
    }
    label = xattr_get(path, n.label_attr, &err);
    remember_remove(path, &n);
    if (!label)
        return SECURITY_REMEMBER_NONE;
    *orig_label = g_steal_pointer(&label);
    return 0;
}

int
security_remember_pop(const char *path, const char *model, char **orig_label)
{
    int ret;

    g_mutex_lock(&remember_lock);
    ret = remember_pop_locked(path, model, orig_label);
    g_mutex_unlock(&remember_lock);
    return ret;
}

int
security_remember_refcount(const char *path, const char *model)
{
    g_auto(RememberNames) n = { 0 };
    int ref;

    remember_names_init(&n, model);
    g_mutex_lock(&remember_lock);
    ref = remember_read_ref(path, &n);
    g_mutex_unlock(&remember_lock);
    if (ref < 0) {
        error_reset();
        return 0;
    }
    return ref;
}
