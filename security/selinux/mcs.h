/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sVirt MCS bookkeeping, free of any kernel dependency: each running guest
 * owns a unique pair of categories "s0:cA,cB" (A < B) from a range
 * (c0.c1023 by default), so two guests never share a label.  Also the
 * pure context-string helpers the SELinux driver needs.
 */
#pragma once

#include <glib.h>

typedef struct SelinuxMcs SelinuxMcs;

/* Categories @cat_min..@cat_max inclusive (at least two). NULL on bad range. */
SelinuxMcs *selinux_mcs_new(unsigned int cat_min, unsigned int cat_max);
void selinux_mcs_free(SelinuxMcs *mcs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SelinuxMcs, selinux_mcs_free)

/* Reproducible allocation order for tests. */
void selinux_mcs_set_seed(SelinuxMcs *mcs, guint32 seed);

/*
 * A new unused range "<sens>:cA,cB" ("s0:c12,c873"), reserved; NULL with
 * VK_ERR_INTERNAL_ERROR reported when every pair is taken.
 */
char *selinux_mcs_alloc(SelinuxMcs *mcs, const char *sensitivity);

/*
 * Marks @range (of a guest found running) as taken.  0, or -1 with an
 * error when it is malformed, outside the category range, or already held.
 */
int selinux_mcs_reserve(SelinuxMcs *mcs, const char *range);

/* Frees @range; unknown ranges are ignored (returns FALSE). */
gboolean selinux_mcs_release(SelinuxMcs *mcs, const char *range);

gboolean selinux_mcs_is_reserved(SelinuxMcs *mcs, const char *range);
guint selinux_mcs_count(SelinuxMcs *mcs);

/*
 * Parses "<sens>:cA,cB" (either order) into its parts; FALSE when the range
 * is not exactly one sensitivity and two distinct categories.
 */
gboolean selinux_mcs_parse(const char *range, char **sensitivity,
                           unsigned int *c1, unsigned int *c2);

/* The MLS range of a context "user:role:type:range", or NULL. */
char *selinux_context_get_range(const char *context);
/* @context with its range replaced by @range, or NULL when malformed. */
char *selinux_context_set_range(const char *context, const char *range);
/* The low sensitivity of a context's range ("s0" of "...:s0-s0:c0.c1023"). */
char *selinux_context_get_sensitivity(const char *context);
