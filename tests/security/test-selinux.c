/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sVirt label allocation and bookkeeping without an SELinux kernel: MCS
 * pairs are unique over many guests, reservations of labels found on a
 * daemon restart conflict with nothing, releases free pairs for reuse.
 */
#include <string.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "security/security-driver.h"
#include "security/selinux/mcs.h"
#include "util/error.h"

static void
test_alloc_unique(void)
{
    g_autoptr(SelinuxMcs) mcs = selinux_mcs_new(0, 1023);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                       g_free, NULL);
    int i;

    for (i = 0; i < 20000; i++) {
        char *r = selinux_mcs_alloc(mcs, "s0");
        g_autofree char *sens = NULL;
        unsigned int c1, c2;

        g_assert_nonnull(r);
        g_assert_true(selinux_mcs_parse(r, &sens, &c1, &c2));
        g_assert_cmpstr(sens, ==, "s0");
        g_assert_cmpuint(c1, <, c2);
        g_assert_cmpuint(c2, <=, 1023);
        g_assert_false(g_hash_table_contains(seen, r));
        g_hash_table_add(seen, r);
    }
    g_assert_cmpuint(selinux_mcs_count(mcs), ==, 20000);
}

static void
test_alloc_exhaustion(void)
{
    g_autoptr(SelinuxMcs) mcs = selinux_mcs_new(10, 13);   /* 6 pairs */
    g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
    char *again;
    int i;

    for (i = 0; i < 6; i++) {
        char *r = selinux_mcs_alloc(mcs, "s0");

        g_assert_nonnull(r);
        g_ptr_array_add(got, r);
    }
    g_assert_null(selinux_mcs_alloc(mcs, "s0"));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INTERNAL_ERROR);
    error_reset();
    /* a released pair is the only one left and comes back */
    g_assert_true(selinux_mcs_release(mcs, g_ptr_array_index(got, 3)));
    again = selinux_mcs_alloc(mcs, "s0");
    g_assert_cmpstr(again, ==, g_ptr_array_index(got, 3));
    g_free(again);
    g_assert_null(selinux_mcs_new(5, 5));
}

static void
test_reserve_release(void)
{
    g_autoptr(SelinuxMcs) mcs = selinux_mcs_new(0, 1023);
    g_autofree char *r = NULL;
    int i;

    /* labels of running guests found on restart */
    g_assert_cmpint(selinux_mcs_reserve(mcs, "s0:c5,c2"), ==, 0);
    g_assert_true(selinux_mcs_is_reserved(mcs, "s0:c2,c5"));
    g_assert_cmpint(selinux_mcs_reserve(mcs, "s0:c2,c5"), ==, -1);
    error_reset();
    g_assert_cmpint(selinux_mcs_reserve(mcs, "s0:c1,c2000"), ==, -1);
    error_reset();
    g_assert_cmpint(selinux_mcs_reserve(mcs, "s0:c1,c1"), ==, -1);
    error_reset();
    g_assert_cmpint(selinux_mcs_reserve(mcs, "s0:c1"), ==, -1);
    error_reset();
    g_assert_cmpint(selinux_mcs_reserve(mcs, "garbage"), ==, -1);
    error_reset();
    g_assert_cmpint(selinux_mcs_reserve(mcs, NULL), ==, -1);
    error_reset();

    /* a reserved pair is never handed out: fill a tiny range around it */
    {
        g_autoptr(SelinuxMcs) small = selinux_mcs_new(0, 2);   /* 3 pairs */

        g_assert_cmpint(selinux_mcs_reserve(small, "s0:c0,c2"), ==, 0);
        for (i = 0; i < 2; i++) {
            g_autofree char *x = selinux_mcs_alloc(small, "s0");

            g_assert_nonnull(x);
            g_assert_cmpstr(x, !=, "s0:c0,c2");
        }
        g_assert_null(selinux_mcs_alloc(small, "s0"));
        error_reset();
    }

    r = selinux_mcs_alloc(mcs, "s0");
    g_assert_true(selinux_mcs_is_reserved(mcs, r));
    g_assert_true(selinux_mcs_release(mcs, r));
    g_assert_false(selinux_mcs_is_reserved(mcs, r));
    g_assert_false(selinux_mcs_release(mcs, r));
    g_assert_cmpint(selinux_mcs_reserve(mcs, r), ==, 0);
}

static void
test_context_strings(void)
{
    g_autofree char *range = selinux_context_get_range(
        "system_u:system_r:svirt_t:s0:c1,c2");
    g_autofree char *full = selinux_context_get_range(
        "system_u:system_r:virtd_t:s0-s0:c0.c1023");
    g_autofree char *sens = selinux_context_get_sensitivity(
        "system_u:system_r:virtd_t:s0-s0:c0.c1023");
    g_autofree char *set = selinux_context_set_range(
        "system_u:object_r:svirt_image_t:s0", "s0:c7,c9");

    g_assert_cmpstr(range, ==, "s0:c1,c2");
    g_assert_cmpstr(full, ==, "s0-s0:c0.c1023");
    g_assert_cmpstr(sens, ==, "s0");
    g_assert_cmpstr(set, ==, "system_u:object_r:svirt_image_t:s0:c7,c9");
    g_assert_null(selinux_context_get_range("system_u:system_r"));
    g_assert_null(selinux_context_get_range("a:b:c:"));
    g_assert_null(selinux_context_set_range("a:b", "s0"));
    g_assert_null(selinux_context_set_range("u:r:t:s0", ""));
}

static void
test_probe(void)
{
    SecurityConfig cfg;

    security_config_init(&cfg);
    if (is_selinux_enabled() > 0)
        g_assert_cmpint(security_driver_selinux.probe(&cfg), ==,
                        SECURITY_DRIVER_ENABLE);
    else
        g_assert_cmpint(security_driver_selinux.probe(&cfg), ==,
                        SECURITY_DRIVER_DISABLE);
}

/* The driver's label logic, driven through its ops table (no kernel used). */
static void
test_driver_labels(void)
{
    const SecurityDriver *drv = &security_driver_selinux;
    SecurityConfig cfg;
    void *priv = NULL, *priv2 = NULL;
    g_autoptr(GPtrArray) guests =
        g_ptr_array_new_with_free_func((GDestroyNotify) security_guest_free);
    g_autoptr(GHashTable) ranges = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(SecurityProcess) proc = g_new0(SecurityProcess, 1);
    SecurityGuest *st;
    SecurityLabel *l;
    guint i;

    security_config_init(&cfg);
    g_assert_cmpint(drv->open(&cfg, &priv), ==, 0);
    for (i = 0; i < 500; i++) {
        SecurityGuest *g = security_guest_new("g", NULL);
        g_autofree char *r1 = NULL, *r2 = NULL;

        l = security_guest_set_label(g, "selinux", SECURITY_LABEL_DYNAMIC,
                                     NULL, NULL, TRUE);
        g_assert_cmpint(drv->gen_label(priv, l), ==, 0);
        g_assert_true(g_str_has_prefix(l->label, "system_u:system_r:svirt_t:s0:c"));
        g_assert_true(g_str_has_prefix(l->imagelabel,
                                       "system_u:object_r:svirt_image_t:s0:c"));
        r1 = selinux_context_get_range(l->label);
        r2 = selinux_context_get_range(l->imagelabel);
        g_assert_cmpstr(r1, ==, r2);
        g_assert_false(g_hash_table_contains(ranges, l->label + 26));
        g_hash_table_add(ranges, l->label + 26);
        g_ptr_array_add(guests, g);
    }

    /* a restarted daemon reserves what the running guests hold */
    g_assert_cmpint(drv->open(&cfg, &priv2), ==, 0);
    for (i = 0; i < guests->len; i++) {
        l = security_guest_get_label(g_ptr_array_index(guests, i), "selinux");
        g_assert_cmpint(drv->reserve_label(priv2, l, 1), ==, 0);
    }
    l = security_guest_get_label(g_ptr_array_index(guests, 0), "selinux");
    g_assert_cmpint(drv->reserve_label(priv2, l, 1), ==, -1);
    error_reset();
    g_assert_cmpint(drv->release_label(priv2, l), ==, 0);
    g_assert_cmpint(drv->reserve_label(priv2, l, 1), ==, 0);

    g_assert_cmpint(drv->prepare_process(priv, l, proc), ==, 0);
    g_assert_cmpstr(proc->exec_context, ==, l->label);

    /* static labels are kept; their image label follows their range */
    st = security_guest_new("static", NULL);
    l = security_guest_set_label(st, "selinux", SECURITY_LABEL_STATIC,
                                 "system_u:system_r:svirt_t:s0:c10,c20",
                                 NULL, TRUE);
    g_assert_cmpint(drv->gen_label(priv, l), ==, 0);
    g_assert_cmpstr(l->imagelabel, ==,
                    "system_u:object_r:svirt_image_t:s0:c10,c20");
    security_guest_set_label(st, "selinux", SECURITY_LABEL_STATIC, "bogus",
                             NULL, TRUE);
    g_assert_cmpint(drv->gen_label(priv, l), ==, -1);
    error_reset();
    security_guest_free(st);

    drv->close(priv);
    drv->close(priv2);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/selinux/alloc-unique", test_alloc_unique);
    g_test_add_func("/selinux/alloc-exhaustion", test_alloc_exhaustion);
    g_test_add_func("/selinux/reserve-release", test_reserve_release);
    g_test_add_func("/selinux/context-strings", test_context_strings);
    g_test_add_func("/selinux/probe", test_probe);
    g_test_add_func("/selinux/driver-labels", test_driver_labels);
    return g_test_run();
}
