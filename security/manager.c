/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The security manager: probe, stack and dispatch to security drivers. */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include "security/security-driver.h"
#include "util/error.h"
#include "util/i18n.h"

/* Primary drivers in probe order; "none" last always matches. */
static const SecurityDriver *const primary_drivers[] = {
    &security_driver_selinux,
    &security_driver_nop,
};

typedef struct {
    const SecurityDriver *drv;
    void *priv;
} SecurityInstance;

struct SecurityManager {
    GArray *stack;                  /* SecurityInstance, primary first */
    const char **models;            /* NULL-terminated */
};

void
security_config_init(SecurityConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->stack_dac = TRUE;
    cfg->dynamic_ownership = TRUE;
    cfg->remember_owner = TRUE;
    cfg->mcs_min = 0;
    cfg->mcs_max = 1023;
}

void
security_process_free(SecurityProcess *proc)
{
    if (!proc)
        return;
    g_free(proc->groups);
    g_free(proc->exec_context);
    g_free(proc);
}

static const SecurityDriver *
security_driver_lookup(const char *name)
{
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(primary_drivers); i++) {
        if (g_str_equal(primary_drivers[i]->name, name))
            return primary_drivers[i];
    }
    return NULL;
}

static int
security_manager_push(SecurityManager *mgr, const SecurityDriver *drv,
                      const SecurityConfig *cfg)
{
    SecurityInstance inst = { drv, NULL };

    if (drv->open && drv->open(cfg, &inst.priv) < 0)
        return -1;
    g_array_append_val(mgr->stack, inst);
    return 0;
}

/* The first available driver of cfg->drivers (or of the default order). */
static const SecurityDriver *
security_manager_probe(const SecurityConfig *cfg)
{
    static const char *const defaults[] = { "selinux", "none", NULL };
    const char *const *names = cfg->drivers ? cfg->drivers : defaults;
    const char *const *n;

    for (n = names; *n; n++) {
        const SecurityDriver *drv = security_driver_lookup(*n);

        if (!drv) {
            error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                         _("Security driver %1$s not found"), *n);
            return NULL;
        }
        if (!drv->probe || drv->probe(cfg) == SECURITY_DRIVER_ENABLE)
            return drv;
    }
    error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                 _("Security driver %1$s not enabled"), names[0] ? names[0] : "");
    return NULL;
}

SecurityManager *
security_manager_new(const SecurityConfig *cfg)
{
    g_autoptr(SecurityManager) mgr = g_new0(SecurityManager, 1);
    const SecurityDriver *primary = security_manager_probe(cfg);
    guint i;

    mgr->stack = g_array_new(FALSE, TRUE, sizeof(SecurityInstance));
    if (!primary || security_manager_push(mgr, primary, cfg) < 0)
        return NULL;
    if (cfg->stack_dac && security_manager_push(mgr, &security_driver_dac, cfg) < 0)
        return NULL;
    mgr->models = g_new0(const char *, mgr->stack->len + 1);
    for (i = 0; i < mgr->stack->len; i++)
        mgr->models[i] = g_array_index(mgr->stack, SecurityInstance, i).drv->name;
    return g_steal_pointer(&mgr);
}

void
security_manager_free(SecurityManager *mgr)
{
    guint i;

    if (!mgr)
        return;
    for (i = 0; mgr->stack && i < mgr->stack->len; i++) {
        SecurityInstance *inst = &g_array_index(mgr->stack, SecurityInstance, i);

        if (inst->drv->close)
            inst->drv->close(inst->priv);
    }
    if (mgr->stack)
        g_array_unref(mgr->stack);
    g_free(mgr->models);
    g_free(mgr);
}

static SecurityInstance *
security_manager_instance(SecurityManager *mgr, guint i)
{
    return &g_array_index(mgr->stack, SecurityInstance, i);
}

const char *
security_manager_get_model(SecurityManager *mgr)
{
    return security_manager_instance(mgr, 0)->drv->name;
}

const char *
security_manager_get_doi(SecurityManager *mgr)
{
    SecurityInstance *inst = security_manager_instance(mgr, 0);

    return inst->drv->get_doi ? inst->drv->get_doi(inst->priv) : "0";
}

const char *const *
security_manager_get_models(SecurityManager *mgr)
{
    return mgr->models;
}

static SecurityInstance *
security_manager_find(SecurityManager *mgr, const char *model)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);

        if (g_str_equal(inst->drv->name, model))
            return inst;
    }
    return NULL;
}

const char *
security_manager_get_model_doi(SecurityManager *mgr, const char *model)
{
    SecurityInstance *inst = security_manager_find(mgr, model);

    if (!inst)
        return NULL;
    return inst->drv->get_doi ? inst->drv->get_doi(inst->priv) : "0";
}

char *
security_manager_get_base_label(SecurityManager *mgr, const char *model,
                                const char *virttype)
{
    SecurityInstance *inst = security_manager_find(mgr, model);

    if (!inst || !inst->drv->get_base_label)
        return NULL;
    return inst->drv->get_base_label(inst->priv, virttype);
}

/* The guest's label for the driver of @inst; added as dynamic if missing. */
static SecurityLabel *
security_guest_label_for(SecurityGuest *guest, SecurityInstance *inst)
{
    SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

    if (!l)
        l = security_guest_set_label(guest, inst->drv->name,
                                     SECURITY_LABEL_DYNAMIC, NULL, NULL, TRUE);
    return l;
}

int
security_manager_gen_label(SecurityManager *mgr, SecurityGuest *guest)
{
    guint i;

    for (i = 0; i < guest->labels->len; i++) {
        SecurityLabel *l = g_ptr_array_index(guest->labels, i);

        if (!security_manager_find(mgr, l->model)) {
            error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                         _("Unable to find security driver for model %1$s"),
                         l->model);
            return -1;
        }
    }
    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_label_for(guest, inst);

        if (inst->drv->gen_label && inst->drv->gen_label(inst->priv, l) < 0) {
            while (i-- > 0) {
                inst = security_manager_instance(mgr, i);
                if (inst->drv->release_label)
                    inst->drv->release_label(inst->priv,
                        security_guest_label_for(guest, inst));
            }
            return -1;
        }
    }
    return 0;
}

int
security_manager_reserve_label(SecurityManager *mgr, SecurityGuest *guest,
                               pid_t pid)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->reserve_label &&
            inst->drv->reserve_label(inst->priv, l, pid) < 0)
            return -1;
    }
    return 0;
}

int
security_manager_release_label(SecurityManager *mgr, SecurityGuest *guest)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->release_label)
            inst->drv->release_label(inst->priv, l);
    }
    return 0;
}

typedef int (*SecurityPathOp)(void *priv, const SecurityLabel *label,
                              const char *path, unsigned int flags);

static SecurityPathOp
security_path_op(const SecurityDriver *drv, int which)
{
    switch (which) {
    case 0:
        return drv->set_image_label;
    default:
        return drv->restore_image_label;
    }
}

int
security_manager_set_image_label(SecurityManager *mgr, SecurityGuest *guest,
                                 const char *path, unsigned int flags)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);
        SecurityPathOp op = security_path_op(inst->drv, 0);

        if (l && op && op(inst->priv, l, path, flags) < 0) {
            /* undo what the drivers before this one did */
            while (i-- > 0) {
                inst = security_manager_instance(mgr, i);
                l = security_guest_get_label(guest, inst->drv->name);
                op = security_path_op(inst->drv, 1);
                if (l && op) {
                    g_autoptr(VkError) err = error_steal_last();

                    op(inst->priv, l, path, flags);
                    error_restore(g_steal_pointer(&err));
                }
            }
            return -1;
        }
    }
    return 0;
}

int
security_manager_restore_image_label(SecurityManager *mgr, SecurityGuest *guest,
                                     const char *path, unsigned int flags)
{
    guint i = mgr->stack->len;
    int ret = 0;

    /* reverse order; keep going so one failure does not strand the rest */
    while (i-- > 0) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);
        SecurityPathOp op = security_path_op(inst->drv, 1);

        if (l && op && op(inst->priv, l, path, flags) < 0)
            ret = -1;
    }
    return ret;
}

int
security_manager_set_char_label(SecurityManager *mgr, SecurityGuest *guest,
                                const char *path)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->set_char_label &&
            inst->drv->set_char_label(inst->priv, l, path) < 0)
            return -1;
    }
    return 0;
}

int
security_manager_restore_char_label(SecurityManager *mgr, SecurityGuest *guest,
                                    const char *path)
{
    guint i = mgr->stack->len;
    int ret = 0;

    while (i-- > 0) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->restore_char_label &&
            inst->drv->restore_char_label(inst->priv, l, path) < 0)
            ret = -1;
    }
    return ret;
}

int
security_manager_set_tap_fd_label(SecurityManager *mgr, SecurityGuest *guest,
                                  int fd)
{
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->set_tap_fd_label &&
            inst->drv->set_tap_fd_label(inst->priv, l, fd) < 0)
            return -1;
    }
    return 0;
}

int
security_manager_get_process_label(SecurityManager *mgr, const char *model,
                                   pid_t pid, char **label, int *enforcing)
{
    SecurityInstance *inst = model ? security_manager_find(mgr, model) :
                                     security_manager_instance(mgr, 0);

    if (!inst) {
        error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                     _("Unable to find security driver for model %1$s"), model);
        return -1;
    }
    *enforcing = 0;
    if (!inst->drv->get_process_label) {
        *label = g_strdup("");
        return 0;
    }
    return inst->drv->get_process_label(inst->priv, pid, label, enforcing);
}

int
security_manager_prepare_process(SecurityManager *mgr, SecurityGuest *guest,
                                 SecurityProcess **proc)
{
    g_autoptr(SecurityProcess) p = g_new0(SecurityProcess, 1);
    guint i;

    for (i = 0; i < mgr->stack->len; i++) {
        SecurityInstance *inst = security_manager_instance(mgr, i);
        SecurityLabel *l = security_guest_get_label(guest, inst->drv->name);

        if (l && inst->drv->prepare_process &&
            inst->drv->prepare_process(inst->priv, l, p) < 0)
            return -1;
    }
    *proc = g_steal_pointer(&p);
    return 0;
}
