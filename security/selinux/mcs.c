/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "security/selinux/mcs.h"
#include "util/error.h"
#include "util/i18n.h"

/* Random picks before falling back to a scan of every pair. */
#define MCS_RANDOM_TRIES 1000

struct SelinuxMcs {
    GMutex lock;
    unsigned int cat_min;
    unsigned int cat_max;
    GHashTable *used;               /* canonical range strings */
    GRand *rand;
};

SelinuxMcs *
selinux_mcs_new(unsigned int cat_min, unsigned int cat_max)
{
    SelinuxMcs *mcs;

    if (cat_max <= cat_min)
        return NULL;
    mcs = g_new0(SelinuxMcs, 1);
    g_mutex_init(&mcs->lock);
    mcs->cat_min = cat_min;
    mcs->cat_max = cat_max;
    mcs->used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mcs->rand = g_rand_new();
    return mcs;
}

void
selinux_mcs_free(SelinuxMcs *mcs)
{
    if (!mcs)
        return;
    g_hash_table_unref(mcs->used);
    g_rand_free(mcs->rand);
    g_mutex_clear(&mcs->lock);
    g_free(mcs);
}

void
selinux_mcs_set_seed(SelinuxMcs *mcs, guint32 seed)
{
    g_rand_set_seed(mcs->rand, seed);
}

static gboolean
parse_category(const char *s, unsigned int *c)
{
    guint64 v;

    if (s[0] != 'c' ||
        !g_ascii_string_to_unsigned(s + 1, 10, 0, G_MAXUINT16, &v, NULL))
        return FALSE;
    *c = v;
    return TRUE;
}

gboolean
selinux_mcs_parse(const char *range, char **sensitivity, unsigned int *c1,
                  unsigned int *c2)
{
    g_auto(GStrv) parts = NULL;
    g_auto(GStrv) cats = NULL;
    unsigned int a, b;

    if (!range)
        return FALSE;
    parts = g_strsplit(range, ":", -1);
    if (g_strv_length(parts) != 2 || parts[0][0] != 's' || strchr(parts[0], '-'))
        return FALSE;
    cats = g_strsplit(parts[1], ",", -1);
    if (g_strv_length(cats) != 2 || !parse_category(cats[0], &a) ||
        !parse_category(cats[1], &b) || a == b)
        return FALSE;
    if (sensitivity)
        *sensitivity = g_strdup(parts[0]);
    *c1 = MIN(a, b);
    *c2 = MAX(a, b);
    return TRUE;
}

static char *
mcs_format(const char *sens, unsigned int c1, unsigned int c2)
{
    return g_strdup_printf("%s:c%u,c%u", sens, c1, c2);
}

/* Canonical form of @range (lower category first), or NULL. */
static char *
mcs_canonical(SelinuxMcs *mcs, const char *range, gboolean check_bounds)
{
    g_autofree char *sens = NULL;
    unsigned int c1, c2;

    if (!selinux_mcs_parse(range, &sens, &c1, &c2))
        return NULL;
    if (check_bounds && (c1 < mcs->cat_min || c2 > mcs->cat_max))
        return NULL;
    return mcs_format(sens, c1, c2);
}

static char *
mcs_alloc_scan_locked(SelinuxMcs *mcs, const char *sens)
{
    unsigned int c1, c2;

    for (c1 = mcs->cat_min; c1 < mcs->cat_max; c1++) {
        for (c2 = c1 + 1; c2 <= mcs->cat_max; c2++) {
            g_autofree char *r = mcs_format(sens, c1, c2);

            if (!g_hash_table_contains(mcs->used, r))
                return g_steal_pointer(&r);
        }
    }
    return NULL;
}

static char *
mcs_alloc_locked(SelinuxMcs *mcs, const char *sens)
{
    unsigned int span = mcs->cat_max - mcs->cat_min + 1;
    int i;

    for (i = 0; i < MCS_RANDOM_TRIES; i++) {
        unsigned int a = mcs->cat_min + g_rand_int_range(mcs->rand, 0, span);
        unsigned int b = mcs->cat_min + g_rand_int_range(mcs->rand, 0, span);
        g_autofree char *r = NULL;

        if (a == b)
            continue;
        r = mcs_format(sens, MIN(a, b), MAX(a, b));
        if (!g_hash_table_contains(mcs->used, r))
            return g_steal_pointer(&r);
    }
    return mcs_alloc_scan_locked(mcs, sens);
}

char *
selinux_mcs_alloc(SelinuxMcs *mcs, const char *sensitivity)
{
    char *r;

    g_mutex_lock(&mcs->lock);
    r = mcs_alloc_locked(mcs, sensitivity ? sensitivity : "s0");
    if (r)
        g_hash_table_add(mcs->used, g_strdup(r));
    g_mutex_unlock(&mcs->lock);
    if (!r)
        error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR, "%s",
                     _("no free MCS category pair is left for a new guest"));
    return r;
}

int
selinux_mcs_reserve(SelinuxMcs *mcs, const char *range)
{
    g_autofree char *canon = mcs_canonical(mcs, range, TRUE);
    gboolean added = FALSE;

    if (!canon) {
        error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR,
                     _("invalid MCS level '%1$s'"), range ? range : "");
        return -1;
    }
    g_mutex_lock(&mcs->lock);
    if (!g_hash_table_contains(mcs->used, canon)) {
        g_hash_table_add(mcs->used, g_steal_pointer(&canon));
        added = TRUE;
    }
    g_mutex_unlock(&mcs->lock);
    if (!added) {
        error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR,
                     _("MCS level for existing domain label %1$s already reserved"),
                     range);
        return -1;
    }
    return 0;
}

gboolean
selinux_mcs_release(SelinuxMcs *mcs, const char *range)
{
    g_autofree char *canon = mcs_canonical(mcs, range, FALSE);
    gboolean ret;

    if (!canon)
        return FALSE;
    g_mutex_lock(&mcs->lock);
    ret = g_hash_table_remove(mcs->used, canon);
    g_mutex_unlock(&mcs->lock);
    return ret;
}

gboolean
selinux_mcs_is_reserved(SelinuxMcs *mcs, const char *range)
{
    g_autofree char *canon = mcs_canonical(mcs, range, FALSE);
    gboolean ret;

    if (!canon)
        return FALSE;
    g_mutex_lock(&mcs->lock);
    ret = g_hash_table_contains(mcs->used, canon);
    g_mutex_unlock(&mcs->lock);
    return ret;
}

guint
selinux_mcs_count(SelinuxMcs *mcs)
{
    guint n;

    g_mutex_lock(&mcs->lock);
    n = g_hash_table_size(mcs->used);
    g_mutex_unlock(&mcs->lock);
    return n;
}

/* Splits "user:role:type:range" at its third ':'; FALSE when malformed. */
static gboolean
context_split(const char *context, char **head, const char **range)
{
    const char *p = context;
    int i;

    if (!context)
        return FALSE;
    for (i = 0; i < 3; i++) {
        p = strchr(p, ':');
        if (!p)
            return FALSE;
        p++;
    }
    if (!*p || p - context < 6)
        return FALSE;
    *head = g_strndup(context, p - context);
    *range = p;
    return TRUE;
}

char *
selinux_context_get_range(const char *context)
{
    g_autofree char *head = NULL;
    const char *range;

    if (!context_split(context, &head, &range))
        return NULL;
    return g_strdup(range);
}

char *
selinux_context_set_range(const char *context, const char *range)
{
    g_autofree char *head = NULL;
    const char *old;

    if (!range || !*range || !context_split(context, &head, &old))
        return NULL;
    return g_strconcat(head, range, NULL);
}

char *
selinux_context_get_sensitivity(const char *context)
{
    g_autofree char *range = selinux_context_get_range(context);

    if (!range)
        return NULL;
    return g_strndup(range, strcspn(range, ":-"));
}
