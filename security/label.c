/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "security/security-label.h"

static void
security_label_free(gpointer p)
{
    SecurityLabel *l = p;

    if (!l)
        return;
    g_free(l->model);
    g_free(l->label);
    g_free(l->imagelabel);
    g_free(l->baselabel);
    g_free(l);
}

SecurityGuest *
security_guest_new(const char *name, const char *uuid)
{
    SecurityGuest *g = g_new0(SecurityGuest, 1);

    g->name = g_strdup(name);
    g->uuid = g_strdup(uuid);
    g->labels = g_ptr_array_new_with_free_func(security_label_free);
    return g;
}

void
security_guest_free(SecurityGuest *guest)
{
    if (!guest)
        return;
    g_free(guest->name);
    g_free(guest->uuid);
    g_ptr_array_unref(guest->labels);
    g_free(guest);
}

SecurityLabel *
security_guest_get_label(SecurityGuest *guest, const char *model)
{
    guint i;

    for (i = 0; i < guest->labels->len; i++) {
        SecurityLabel *l = g_ptr_array_index(guest->labels, i);

        if (g_str_equal(l->model, model))
            return l;
    }
    return NULL;
}

SecurityLabel *
security_guest_set_label(SecurityGuest *guest, const char *model,
                         SecurityLabelType type, const char *label,
                         const char *imagelabel, gboolean relabel)
{
    SecurityLabel *l = security_guest_get_label(guest, model);

    if (!l) {
        l = g_new0(SecurityLabel, 1);
        l->model = g_strdup(model);
        g_ptr_array_add(guest->labels, l);
    }
    l->type = type;
    l->relabel = relabel;
    g_free(l->label);
    l->label = g_strdup(label);
    g_free(l->imagelabel);
    l->imagelabel = g_strdup(imagelabel);
    return l;
}
