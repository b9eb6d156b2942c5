/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Golden-file tests of the domain XML:
 *   xml2xml-in/NAME.xml  -> parse (defaults filled) -> format ->
 *   compare with xml2xml-out/NAME.xml; the output must also parse back to
 *   itself.  Inputs named raw-*.xml are parsed with defaults skipped.
 *   fail/NAME.xml starts with "<!-- expect: CODE substring -->": parsing
 *   must fail with that error code and a message containing substring.
 * VIRTKVM_TEST_REGENERATE_OUTPUT=1 rewrites the expected outputs.
 */
#include <stdio.h>
#include <string.h>

#include "conf/domain/domain-conf.h"
#include "util/error.h"

static const struct {
    const char *name;
    int code;
} codes[] = {
    { "XML_ERROR", VK_ERR_XML_ERROR },
    { "CONFIG_UNSUPPORTED", VK_ERR_CONFIG_UNSUPPORTED },
    { "NO_NAME", VK_ERR_NO_NAME },
    { "OS_TYPE", VK_ERR_OS_TYPE },
    { "INVALID_MAC", VK_ERR_INVALID_MAC },
    { "OVERFLOW", VK_ERR_OVERFLOW },
    { "NO_SOURCE", VK_ERR_NO_SOURCE },
    { "XML_INVALID_SCHEMA", VK_ERR_XML_INVALID_SCHEMA },
};

static char *
data_path(const char *sub, const char *name)
{
    const char *root = g_getenv("VIRTKVM_SOURCE_ROOT");

    return g_build_filename(root ? root : SOURCE_ROOT, "tests", "domainconf", sub, name, NULL);
}

static GPtrArray *
list_dir(const char *sub)
{
    g_autofree char *dir = data_path(sub, NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        if (g_str_has_suffix(n, ".xml"))
            g_ptr_array_add(names, g_strdup(n));
    }
    g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
    return names;
}

static unsigned int
parse_flags(const char *name)
{
    return g_str_has_prefix(name, "raw-") ? DOMAIN_DEF_PARSE_SKIP_DEFAULTS : 0;
}

/* Real-world documents are also checked against domain.rng on input. */
static unsigned int
input_flags(const char *name)
{
    if (g_str_has_prefix(name, "vi-") || g_str_has_prefix(name, "vm-") ||
        g_str_has_prefix(name, "ansible-"))
        return parse_flags(name) | DOMAIN_DEF_PARSE_VALIDATE;
    return parse_flags(name);
}

static char *
format_name(const char *name, const char *xml)
{
    unsigned int flags = input_flags(name);
    g_autoptr(DomainDef) def = NULL;
    g_autoptr(DomainDef) copy = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out_copy = NULL;

    /* random MACs and UUIDs depend only on the file name */
    g_random_set_seed(g_str_hash(name));
    if (!(def = domain_def_parse_string(xml, flags))) {
        const VkError *e = error_get_last();
        g_printerr("%s: parse failed: %s\n", name, e ? e->message : "?");
        return NULL;
    }
    out = domain_def_format(def, DOMAIN_DEF_FORMAT_INACTIVE);
    /* a deep copy formats identically */
    if (!(copy = domain_def_copy(def)) ||
        strcmp(out, (out_copy = domain_def_format(copy, DOMAIN_DEF_FORMAT_INACTIVE))) != 0) {
        g_printerr("%s: domain_def_copy differs\n", name);
        return NULL;
    }
    return g_steal_pointer(&out);
}

static int
check_stable(const char *name, const char *out)
{
    g_autoptr(DomainDef) again = domain_def_parse_string(out, parse_flags(name));
    g_autofree char *out2 = NULL;

    if (!again) {
        g_printerr("%s: output does not parse: %s\n", name, error_get_last()->message);
        return -1;
    }
    out2 = domain_def_format(again, DOMAIN_DEF_FORMAT_INACTIVE);
    if (strcmp(out, out2) != 0) {
        g_printerr("%s: output changes when parsed again:\n%s\n", name, out2);
        return -1;
    }
    return 0;
}

static int
test_xml2xml(const char *name, bool regen)
{
    g_autofree char *in_path = data_path("xml2xml-in", name);
    g_autofree char *out_path = data_path("xml2xml-out", name);
    g_autofree char *in = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *out = NULL;

    if (!g_file_get_contents(in_path, &in, NULL, NULL) || !(out = format_name(name, in)))
        return -1;
    if (regen) {
        if (!g_file_set_contents(out_path, out, -1, NULL))
            return -1;
    } else if (!g_file_get_contents(out_path, &expected, NULL, NULL) ||
               strcmp(expected, out) != 0) {
        g_printerr("%s: output differs from %s; got:\n%s\n", name, out_path, out);
        return -1;
    }
    return check_stable(name, out);
}

static int
test_fail(const char *name)
{
    g_autofree char *path = data_path("fail", name);
    g_autofree char *xml = NULL;
    g_autofree char *code_name = NULL;
    g_autofree char *substr = NULL;
    g_autoptr(DomainDef) def = NULL;
    const VkError *err;
    char *p;
    int code = -1;

    if (!g_file_get_contents(path, &xml, NULL, NULL) ||
        !g_str_has_prefix(xml, "<!-- expect: ") || !(p = strstr(xml, " -->"))) {
        g_printerr("%s: missing '<!-- expect: CODE text -->' header\n", name);
        return -1;
    }
    code_name = g_strndup(xml + 13, (gsize) (p - xml - 13));
    if ((p = strchr(code_name, ' '))) {
        *p = '\0';
        substr = g_strdup(p + 1);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
        if (strcmp(codes[i].name, code_name) == 0)
            code = codes[i].code;
    }
    error_reset();
    def = domain_def_parse_string(xml, g_str_has_prefix(name, "schema-") ?
                                       DOMAIN_DEF_PARSE_VALIDATE : 0);
    err = error_get_last();
    if (def || !err || err->code != code ||
        (substr && !strstr(err->message, substr))) {
        g_printerr("%s: expected %s '%s', got %s: %s\n", name, code_name, substr ? substr : "",
                   def ? "success" : "error", err ? err->message : "(none)");
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    bool regen = g_strcmp0(g_getenv("VIRTKVM_TEST_REGENERATE_OUTPUT"), "1") == 0;
    g_autoptr(GPtrArray) ins = list_dir("xml2xml-in");
    g_autoptr(GPtrArray) fails = list_dir("fail");
    int failed = 0;

    g_setenv("VIRTKVM_VMM", "/usr/libexec/virtkvm-vmm", TRUE);
    for (guint i = 0; i < ins->len; i++) {
        int r = test_xml2xml(g_ptr_array_index(ins, i), regen);

        printf("%s xml2xml %s\n", r == 0 ? "ok" : "FAIL", (char *) g_ptr_array_index(ins, i));
        failed += r < 0;
    }
    for (guint i = 0; i < fails->len; i++) {
        int r = test_fail(g_ptr_array_index(fails, i));

        printf("%s fail %s\n", r == 0 ? "ok" : "FAIL", (char *) g_ptr_array_index(fails, i));
        failed += r < 0;
    }
    if (ins->len < 60 || fails->len == 0) {
        g_printerr("too few test documents (%u inputs, %u failure cases)\n", ins->len, fails->len);
        failed++;
    }
    printf("%u inputs, %u failure cases, %d failed\n", ins->len, fails->len, failed);
    return failed ? 1 : 0;
}
