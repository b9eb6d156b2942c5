/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security labels of one guest, one per security model (libvirt's
 * <seclabel> elements), as plain data: the domain driver fills them from the
 * domain XML or its status file and stores back what gen_label produced, so
 * this layer never depends on the domain XML structs.
 */
#pragma once

#include <glib.h>

typedef enum {
    SECURITY_LABEL_DYNAMIC = 0,     /* the driver generates label/imagelabel */
    SECURITY_LABEL_STATIC,          /* the user gave label (and imagelabel) */
    SECURITY_LABEL_NONE,            /* this model is off for the guest */
} SecurityLabelType;

typedef struct {
    char *model;                    /* "selinux", "dac", "none" */
    SecurityLabelType type;
    gboolean relabel;               /* relabel images/devices of the guest */
    char *label;                    /* process label */
    char *imagelabel;               /* label of the guest's files */
    char *baselabel;                /* dynamic: base to derive from, or NULL */
} SecurityLabel;

typedef struct {
    char *name;
    char *uuid;
    GPtrArray *labels;              /* SecurityLabel */
} SecurityGuest;

SecurityGuest *security_guest_new(const char *name, const char *uuid);
void security_guest_free(SecurityGuest *guest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SecurityGuest, security_guest_free)

/* The label of @model, or NULL. */
SecurityLabel *security_guest_get_label(SecurityGuest *guest, const char *model);

/*
 * Adds (or replaces) the label of @model; @label / @imagelabel may be NULL
 * (dynamic labels before generation).  Returns the stored label.
 */
SecurityLabel *security_guest_set_label(SecurityGuest *guest, const char *model,
                                        SecurityLabelType type,
                                        const char *label,
                                        const char *imagelabel,
                                        gboolean relabel);
