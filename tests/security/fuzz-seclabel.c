/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security labels come from untrusted domain XML (<seclabel><label>) and
 * status files: the DAC label parser, the SELinux context helpers and the
 * MCS bookkeeping must take any string.  Input: "label\nrange".
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "security/dac/dac.h"
#include "security/selinux/mcs.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *) data, size);
    g_auto(GStrv) parts = g_strsplit(text, "\n", 2);
    const char *label = parts[0] ? parts[0] : "";
    const char *range = parts[0] && parts[1] ? parts[1] : label;
    g_autoptr(SelinuxMcs) mcs = selinux_mcs_new(0, 1023);
    g_autofree char *r = selinux_context_get_range(label);
    g_autofree char *sens = selinux_context_get_sensitivity(label);
    g_autofree char *set = selinux_context_set_range(label, range);
    g_autofree char *psens = NULL;
    unsigned int c1, c2;
    uid_t uid;
    gid_t gid;

    /* names would hit NSS for every input: numeric and short forms only */
    if (strlen(label) < 64)
        security_dac_parse_label(label, &uid, &gid);
    if (selinux_mcs_parse(range, &psens, &c1, &c2) && c1 >= c2)
        __builtin_trap();
    if (selinux_mcs_reserve(mcs, range) == 0) {
        if (!selinux_mcs_is_reserved(mcs, range) ||
            !selinux_mcs_release(mcs, range))
            __builtin_trap();
    }
    /* replacing a range and reading it back round-trips */
    if (set) {
        g_autofree char *back = selinux_context_get_range(set);

        if (!back || strcmp(back, range) != 0)
            __builtin_trap();
    }
    if (sens && (!r || !g_str_has_prefix(r, sens)))
        __builtin_trap();
    error_reset();
    return 0;
}
