/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SELinux (sVirt) security driver: each guest runs in the svirt_t
 * domain with its own MCS category pair, and its images carry
 * svirt_image_t with the same pair, so a compromised VMM cannot touch
 * another guest's files.  Selected only where the kernel enables SELinux.
 */
#include <errno.h>
#include <string.h>

#include <selinux/selinux.h>

#include "security/remember.h"
#include "security/security-driver.h"
#include "security/selinux/mcs.h"
#include "util/error.h"
#include "util/i18n.h"

#define SELINUX_MODEL "selinux"

typedef struct {
    char *process_context;
    char *image_context;
    char *content_context;
    SelinuxMcs *mcs;
    gboolean remember;
} SelinuxPriv;

static SecurityDriverStatus
selinux_probe(const SecurityConfig *cfg)
{
    return is_selinux_enabled() > 0 ? SECURITY_DRIVER_ENABLE :
                                      SECURITY_DRIVER_DISABLE;
}

static void
selinux_close(void *opaque)
{
    SelinuxPriv *priv = opaque;

    if (!priv)
        return;
    g_free(priv->process_context);
    g_free(priv->image_context);
    g_free(priv->content_context);
    selinux_mcs_free(priv->mcs);
    g_free(priv);
}

static int
selinux_open(const SecurityConfig *cfg, void **opaque)
{
    SelinuxPriv *priv = g_new0(SelinuxPriv, 1);
    unsigned int cmax = cfg->mcs_max ? cfg->mcs_max : 1023;
    g_autofree char *range = NULL;

    priv->process_context = g_strdup(cfg->selinux_process_context ?
        cfg->selinux_process_context : "system_u:system_r:svirt_t:s0");
    priv->image_context = g_strdup(cfg->selinux_image_context ?
        cfg->selinux_image_context : "system_u:object_r:svirt_image_t:s0");
    priv->content_context = g_strdup(cfg->selinux_content_context ?
        cfg->selinux_content_context : "system_u:object_r:virt_content_t:s0");
    priv->remember = cfg->remember_owner;
    priv->mcs = selinux_mcs_new(cfg->mcs_min, cmax);
    range = selinux_context_get_range(priv->process_context);
    if (!priv->mcs || !range) {
        error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                     _("invalid SELinux configuration: context '%1$s', categories c%2$u.c%3$u"),
                     priv->process_context, cfg->mcs_min, cmax);
        selinux_close(priv);
        return -1;
    }
    *opaque = priv;
    return 0;
}

static const char *
selinux_get_doi(void *priv)
{
    return "0";
}

static char *
selinux_get_base_label(void *opaque, const char *virttype)
{
    SelinuxPriv *priv = opaque;

    return g_strdup(priv->process_context);
}

static int
selinux_gen_dynamic(SelinuxPriv *priv, SecurityLabel *label)
{
    const char *base = label->baselabel ? label->baselabel :
                                          priv->process_context;
    g_autofree char *sens = selinux_context_get_sensitivity(base);
    g_autofree char *range = NULL;

    if (!sens) {
        error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                     _("cannot parse SELinux context '%1$s'"), base);
        return -1;
    }
    if (!(range = selinux_mcs_alloc(priv->mcs, sens)))
        return -1;
    g_free(label->label);
    g_free(label->imagelabel);
    label->label = selinux_context_set_range(base, range);
    label->imagelabel = selinux_context_set_range(priv->image_context, range);
    if (!label->label || !label->imagelabel) {
        selinux_mcs_release(priv->mcs, range);
        error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                     _("cannot build an SELinux label from '%1$s'"), base);
        return -1;
    }
    return 0;
}

static int
selinux_gen_label(void *opaque, SecurityLabel *label)
{
    SelinuxPriv *priv = opaque;
    g_autofree char *range = NULL;

    switch (label->type) {
    case SECURITY_LABEL_NONE:
        return 0;
    case SECURITY_LABEL_DYNAMIC:
        return selinux_gen_dynamic(priv, label);
    case SECURITY_LABEL_STATIC:
        range = selinux_context_get_range(label->label);
        if (!range) {
            error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                         _("cannot parse SELinux context '%1$s'"),
                         label->label ? label->label : "");
            return -1;
        }
        if (!label->imagelabel)
            label->imagelabel = selinux_context_set_range(priv->image_context,
                                                          range);
        return 0;
    }
    return 0;
}

static int
selinux_reserve_label(void *opaque, const SecurityLabel *label, pid_t pid)
{
    SelinuxPriv *priv = opaque;
    g_autofree char *range = NULL;

    if (label->type != SECURITY_LABEL_DYNAMIC)
        return 0;
    range = selinux_context_get_range(label->label);
    return selinux_mcs_reserve(priv->mcs, range);
}

static int
selinux_release_label(void *opaque, SecurityLabel *label)
{
    SelinuxPriv *priv = opaque;
    g_autofree char *range = NULL;

    if (label->type != SECURITY_LABEL_DYNAMIC)
        return 0;
    range = selinux_context_get_range(label->label);
    selinux_mcs_release(priv->mcs, range);
    return 0;
}

static int
selinux_setfilecon(const char *path, const char *context)
{
    if (setfilecon(path, context) == 0)
        return 0;
    /* NFS and friends cannot store labels; policy booleans decide there */
    if (errno == ENOTSUP || errno == EOPNOTSUPP)
        return 0;
    error_report_errno(VK_FROM_SECURITY, errno,
                       _("unable to set security context '%1$s' on '%2$s'"),
                       context, path);
    return -1;
}

static int
selinux_set_image_label(void *opaque, const SecurityLabel *label,
                        const char *path, unsigned int flags)
{
    SelinuxPriv *priv = opaque;
    const char *target = label->imagelabel;
    char *current = NULL;
    int ref = SECURITY_REMEMBER_UNSUPPORTED;

    if (label->type == SECURITY_LABEL_NONE || !label->relabel)
        return 0;
    if (flags & SECURITY_IMAGE_READONLY)
        target = priv->content_context;
    else if (flags & SECURITY_IMAGE_SHAREABLE)
        target = priv->image_context;       /* s0: every guest may use it */
    if (flags == 0 && priv->remember && getfilecon(path, &current) >= 0) {
        ref = security_remember_push(path, SELINUX_MODEL, current);
        freecon(current);
        if (ref == -1)
            return -1;
    }
    if (selinux_setfilecon(path, target) < 0) {
        if (ref >= 1) {
            g_autofree char *unused = NULL;

            security_remember_pop(path, SELINUX_MODEL, &unused);
        }
        return -1;
    }
    return 0;
}

static int
selinux_restore_image_label(void *opaque, const SecurityLabel *label,
                            const char *path, unsigned int flags)
{
    SelinuxPriv *priv = opaque;
    g_autofree char *orig = NULL;
    int ref;

    /* shared and read-only images keep their shared label, as in libvirt */
    if (label->type == SECURITY_LABEL_NONE || !label->relabel || flags ||
        !priv->remember)
        return 0;
    ref = security_remember_pop(path, SELINUX_MODEL, &orig);
    if (ref == -1)
        return -1;
    if (ref != 0 || !orig)
        return 0;
    return selinux_setfilecon(path, orig);
}

static int
selinux_set_char_label(void *opaque, const SecurityLabel *label,
                       const char *path)
{
    if (label->type == SECURITY_LABEL_NONE || !label->relabel)
        return 0;
    return selinux_setfilecon(path, label->imagelabel);
}

static int
selinux_set_tap_fd_label(void *opaque, const SecurityLabel *label, int fd)
{
    if (label->type == SECURITY_LABEL_NONE || !label->imagelabel)
        return 0;
    if (fsetfilecon(fd, label->imagelabel) < 0 &&
        errno != ENOTSUP && errno != EOPNOTSUPP) {
        error_report_errno(VK_FROM_SECURITY, errno,
                           _("unable to set security context '%1$s' on fd %2$d"),
                           label->imagelabel, fd);
        return -1;
    }
    return 0;
}

static int
selinux_prepare_process(void *opaque, const SecurityLabel *label,
                        SecurityProcess *proc)
{
    if (label->type == SECURITY_LABEL_NONE || !label->label)
        return 0;
    g_free(proc->exec_context);
    proc->exec_context = g_strdup(label->label);
    return 0;
}

static int
selinux_get_process_label(void *opaque, pid_t pid, char **label,
                          int *enforcing)
{
    char *con = NULL;

    if (getpidcon(pid, &con) < 0) {
        error_report_errno(VK_FROM_SECURITY, errno,
                           _("unable to get PID %1$d security context"),
                           (int) pid);
        return -1;
    }
    *label = g_strdup(con);
    freecon(con);
    *enforcing = security_getenforce() == 1;
    return 0;
}

const SecurityDriver security_driver_selinux = {
    .name = SELINUX_MODEL,
    .probe = selinux_probe,
    .open = selinux_open,
    .close = selinux_close,
    .get_doi = selinux_get_doi,
    .get_base_label = selinux_get_base_label,
    .gen_label = selinux_gen_label,
    .reserve_label = selinux_reserve_label,
    .release_label = selinux_release_label,
    .set_image_label = selinux_set_image_label,
    .restore_image_label = selinux_restore_image_label,
    .set_char_label = selinux_set_char_label,
    .set_tap_fd_label = selinux_set_tap_fd_label,
    .prepare_process = selinux_prepare_process,
    .get_process_label = selinux_get_process_label,
};
