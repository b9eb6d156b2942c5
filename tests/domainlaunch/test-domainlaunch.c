/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Golden tests of domain_launch_build(): every in/NAME.xml gives
 * out/NAME.json; in/NAME.xml whose name starts with "err-" must fail with
 * the message stored in out/NAME.err.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "conf/domain/domain-conf.h"
#include "driver/domain/domain-launch.h"
#include "util/error.h"

static bool regenerate;

static int
compare(const char *path, const char *got)
{
    g_autofree char *want = NULL;

    if (regenerate) {
        g_file_set_contents(path, got, -1, NULL);
        return 0;
    }
    if (!g_file_get_contents(path, &want, NULL, NULL)) {
        fprintf(stderr, "missing %s\n", path);
        return -1;
    }
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "%s differs; got:\n%s\n", path, got);
        return -1;
    }
    return 0;
}

static int
run_one(const char *dir, const char *name)
{
    g_autofree char *in = g_strdup_printf("%s/in/%s", dir, name);
    g_autofree char *base = g_strndup(name, strlen(name) - 4);
    g_autofree char *xml = NULL;
    g_autoptr(DomainDef) def = NULL;
    g_autofree char *json = NULL;
    bool expect_err = g_str_has_prefix(name, "err-");
    bool paused = strstr(name, "paused") != NULL;

    if (!g_file_get_contents(in, &xml, NULL, NULL) ||
        !(def = domain_def_parse_string(xml, 0))) {
        fprintf(stderr, "%s: parse failed: %s\n", name,
                error_get_last() ? error_get_last()->message : "?");
        return -1;
    }
    json = domain_launch_build(def, paused);
    if (expect_err) {
        g_autofree char *out = g_strdup_printf("%s/out/%s.err", dir, base);
        g_autofree char *msg = NULL;

        if (json) {
            fprintf(stderr, "%s: expected an error\n", name);
            return -1;
        }
        msg = g_strdup_printf("%s\n", error_get_last()->message);
        error_reset();
        return compare(out, msg);
    }
    if (!json) {
        fprintf(stderr, "%s: %s\n", name, error_get_last()->message);
        return -1;
    }
    {
        g_autofree char *out = g_strdup_printf("%s/out/%s.json", dir, base);
        g_autofree char *text = g_strdup_printf("%s\n", json);

        return compare(out, text);
    }
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    g_autofree char *indir = g_strdup_printf("%s/in", dir);
    g_autoptr(GDir) d = g_dir_open(indir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    int failed = 0;

    regenerate = g_getenv("VIRTKVM_TEST_REGENERATE_OUTPUT") != NULL;
    if (!d) {
        fprintf(stderr, "cannot open %s\n", indir);
        return 1;
    }
    while ((ent = g_dir_read_name(d)))
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strdup(ent));
    g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        int r = run_one(dir, n);

        printf("%s %s\n", r == 0 ? "ok  " : "FAIL", n);
        failed += r != 0;
    }
    if (names->len == 0)
        return 1;
    return failed ? 1 : 0;
}
