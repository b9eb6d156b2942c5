/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DAC security driver: unprivileged VMM user and file ownership. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "security/dac/dac.h"
#include "security/remember.h"
#include "security/security-driver.h"
#include "util/error.h"
#include "util/i18n.h"

#define DAC_MODEL "dac"

static gboolean
parse_id(const char *text, guint64 *id)
{
    return text[0] == '+' &&
           g_ascii_string_to_unsigned(text + 1, 10, 0, G_MAXUINT32 - 1, id, NULL);
}

int
security_dac_resolve(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    char buf[4096];
    gid_t primary = 0;
    guint64 id;

    if (parse_id(user, &id)) {
        *uid = id;
        if (getpwuid_r(*uid, &pw, buf, sizeof(buf), &pwp) == 0 && pwp)
            primary = pw.pw_gid;
        else
            primary = id;
    } else if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) == 0 && pwp) {
        *uid = pw.pw_uid;
        primary = pw.pw_gid;
    } else {
        error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                     _("Failed to find user record for name '%1$s'"), user);
        return -1;
    }
    if (!group) {
        *gid = primary;
    } else if (parse_id(group, &id)) {
        *gid = id;
    } else if (getgrnam_r(group, &gr, buf, sizeof(buf), &grp) == 0 && grp) {
        *gid = gr.gr_gid;
    } else {
        error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                     _("Failed to find group record for name '%1$s'"), group);
        return -1;
    }
    return 0;
}

int
security_dac_parse_label(const char *label, uid_t *uid, gid_t *gid)
{
    g_auto(GStrv) parts = NULL;

    if (label)
        parts = g_strsplit(label, ":", 2);
    if (!parts || !parts[0] || !parts[1] || !*parts[0] || !*parts[1]) {
        error_report(VK_FROM_SECURITY, VK_ERR_INVALID_ARG,
                     _("Failed to parse DAC seclabel '%1$s' for domain"),
                     label ? label : "");
        return -1;
    }
    return security_dac_resolve(parts[0], parts[1], uid, gid);
}

char *
security_dac_format_label(uid_t uid, gid_t gid)
{
    return g_strdup_printf("+%u:+%u", (unsigned int) uid, (unsigned int) gid);
}

static int
dac_chown(const char *path, uid_t uid, gid_t gid)
{
    struct stat st;

    if (chown(path, uid, gid) == 0)
        return 0;
    /* read-only or root-squashed file systems: fine if already right */
    if (stat(path, &st) == 0 && st.st_uid == uid && st.st_gid == gid)
        return 0;
    error_report_errno(VK_FROM_SECURITY, errno,
                       _("unable to set user and group to '%1$u:%2$u' on '%3$s'"),
                       (unsigned int) uid, (unsigned int) gid, path);
    return -1;
}

int
security_dac_set_owner(const char *path, uid_t uid, gid_t gid, bool remember)
{
    struct stat st;
    g_autofree char *orig = NULL;
    int ref = SECURITY_REMEMBER_UNSUPPORTED;

    if (stat(path, &st) < 0) {
        error_report_errno(VK_FROM_SECURITY, errno, _("unable to stat '%1$s'"),
                           path);
        return -1;
    }
    if (remember) {
        orig = security_dac_format_label(st.st_uid, st.st_gid);
        ref = security_remember_push(path, DAC_MODEL, orig);
        if (ref == -1)
            return -1;
    }
    if (dac_chown(path, uid, gid) < 0) {
        if (ref >= 1) {
            g_autofree char *unused = NULL;

            security_remember_pop(path, DAC_MODEL, &unused);
        }
        return -1;
    }
    return 0;
}

int
security_dac_restore_owner(const char *path, bool remember)
{
    g_autofree char *orig = NULL;
    uid_t uid = 0;
    gid_t gid = 0;
    int ref = SECURITY_REMEMBER_NONE;

    if (remember) {
        ref = security_remember_pop(path, DAC_MODEL, &orig);
        if (ref == -1)
            return -1;
        if (ref > 0)
            return 0;   /* another guest still uses it */
    }
    if (orig && security_dac_parse_label(orig, &uid, &gid) < 0)
        return -1;
    return dac_chown(path, uid, gid);
}

typedef struct {
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int ngroups;
    gboolean dynamic_ownership;
    gboolean remember;
} DacPriv;

static SecurityDriverStatus
dac_probe(const SecurityConfig *cfg)
{
    return SECURITY_DRIVER_ENABLE;
}

static int
dac_load_groups(DacPriv *priv, const char *user)
{
    struct passwd pw, *pwp = NULL;
    char buf[4096];
    int n = 32;

    if (getpwuid_r(priv->uid, &pw, buf, sizeof(buf), &pwp) != 0 || !pwp) {
        priv->groups = g_new(gid_t, 1);
        priv->groups[0] = priv->gid;
        priv->ngroups = 1;
        return 0;
    }
    priv->groups = g_new(gid_t, n);
    if (getgrouplist(pw.pw_name, priv->gid, priv->groups, &n) < 0) {
        priv->groups = g_renew(gid_t, priv->groups, n);
        if (getgrouplist(pw.pw_name, priv->gid, priv->groups, &n) < 0) {
            error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR,
                         _("cannot get the groups of user '%1$s'"), user);
            return -1;
        }
    }
    priv->ngroups = n;
    return 0;
}

static void
dac_close(void *opaque)
{
    DacPriv *priv = opaque;

    if (!priv)
        return;
    g_free(priv->groups);
    g_free(priv);
}

static int
dac_open(const SecurityConfig *cfg, void **opaque)
{
    const char *user = cfg->user ? cfg->user : "virtkvm";
    DacPriv *priv = g_new0(DacPriv, 1);

    priv->dynamic_ownership = cfg->dynamic_ownership;
    priv->remember = cfg->remember_owner;
    if (security_dac_resolve(user, cfg->group, &priv->uid, &priv->gid) < 0 ||
        dac_load_groups(priv, user) < 0) {
        dac_close(priv);
        return -1;
    }
    *opaque = priv;
    return 0;
}

static const char *
dac_get_doi(void *priv)
{
    return "0";
}

static char *
dac_get_base_label(void *opaque, const char *virttype)
{
    DacPriv *priv = opaque;

    return security_dac_format_label(priv->uid, priv->gid);
}

static int
dac_gen_label(void *opaque, SecurityLabel *label)
{
    DacPriv *priv = opaque;
    uid_t uid;
    gid_t gid;

    switch (label->type) {
    case SECURITY_LABEL_NONE:
        return 0;
    case SECURITY_LABEL_DYNAMIC:
        g_free(label->label);
        label->label = security_dac_format_label(priv->uid, priv->gid);
        break;
    case SECURITY_LABEL_STATIC:
        if (security_dac_parse_label(label->label, &uid, &gid) < 0)
            return -1;
        break;
    }
    if (!label->imagelabel)
        label->imagelabel = g_strdup(label->label);
    return 0;
}

/* The owner images get, or FALSE when this label leaves files alone. */
static gboolean
dac_image_owner(DacPriv *priv, const SecurityLabel *label, uid_t *uid,
                gid_t *gid, int *err)
{
    *err = 0;
    if (!priv->dynamic_ownership || label->type == SECURITY_LABEL_NONE ||
        !label->relabel)
        return FALSE;
    if (security_dac_parse_label(label->imagelabel ? label->imagelabel :
                                 label->label, uid, gid) < 0) {
        *err = -1;
        return FALSE;
    }
    return TRUE;
}

static int
dac_set_image_label(void *opaque, const SecurityLabel *label, const char *path,
                    unsigned int flags)
{
    DacPriv *priv = opaque;
    uid_t uid;
    gid_t gid;
    int err;

    if (flags & (SECURITY_IMAGE_READONLY | SECURITY_IMAGE_SHAREABLE))
        return 0;
    if (!dac_image_owner(priv, label, &uid, &gid, &err))
        return err;
    return security_dac_set_owner(path, uid, gid, priv->remember);
}

static int
dac_restore_image_label(void *opaque, const SecurityLabel *label,
                        const char *path, unsigned int flags)
{
    DacPriv *priv = opaque;
    uid_t uid;
    gid_t gid;
    int err;

    if (flags & (SECURITY_IMAGE_READONLY | SECURITY_IMAGE_SHAREABLE))
        return 0;
    if (!dac_image_owner(priv, label, &uid, &gid, &err))
        return err;
    return security_dac_restore_owner(path, priv->remember);
}

static int
dac_set_char_label(void *opaque, const SecurityLabel *label, const char *path)
{
    DacPriv *priv = opaque;
    uid_t uid;
    gid_t gid;
    int err;

    if (!dac_image_owner(priv, label, &uid, &gid, &err))
        return err;
    return dac_chown(path, uid, gid);
}

static int
dac_restore_char_label(void *opaque, const SecurityLabel *label,
                       const char *path)
{
    DacPriv *priv = opaque;
    uid_t uid;
    gid_t gid;
    int err;

    if (!dac_image_owner(priv, label, &uid, &gid, &err))
        return err;
    return dac_chown(path, 0, 0);
}

static int
dac_prepare_process(void *opaque, const SecurityLabel *label,
                    SecurityProcess *proc)
{
    DacPriv *priv = opaque;

    if (label->type == SECURITY_LABEL_NONE)
        return 0;
    if (security_dac_parse_label(label->label, &proc->uid, &proc->gid) < 0)
        return -1;
    proc->set_ids = TRUE;
    g_free(proc->groups);
    if (proc->uid == priv->uid && proc->gid == priv->gid) {
        proc->groups = g_memdup2(priv->groups, sizeof(gid_t) * priv->ngroups);
        proc->ngroups = priv->ngroups;
    } else {
        proc->groups = g_new(gid_t, 1);
        proc->groups[0] = proc->gid;
        proc->ngroups = 1;
    }
    return 0;
}

/* The real uid and gid of @pid from /proc/PID/status. */
static int
dac_get_process_label(void *opaque, pid_t pid, char **label, int *enforcing)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int) pid);
    g_autofree char *text = NULL;
    unsigned int uid, gid;
    char *u, *g;

    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !(u = strstr(text, "\nUid:")) || !(g = strstr(text, "\nGid:")) ||
        sscanf(u + 5, "%u", &uid) != 1 || sscanf(g + 5, "%u", &gid) != 1) {
        error_report(VK_FROM_SECURITY, VK_ERR_OPERATION_FAILED,
                     _("unable to get the DAC label of process %1$d"), (int) pid);
        return -1;
    }
    *label = security_dac_format_label(uid, gid);
    *enforcing = 0;
    return 0;
}

const SecurityDriver security_driver_dac = {
    .name = DAC_MODEL,
    .probe = dac_probe,
    .open = dac_open,
    .close = dac_close,
    .get_doi = dac_get_doi,
    .get_base_label = dac_get_base_label,
    .gen_label = dac_gen_label,
    .set_image_label = dac_set_image_label,
    .restore_image_label = dac_restore_image_label,
    .set_char_label = dac_set_char_label,
    .restore_char_label = dac_restore_char_label,
    .prepare_process = dac_prepare_process,
    .get_process_label = dac_get_process_label,
};
