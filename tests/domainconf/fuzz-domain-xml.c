/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz the domain XML parser: parse -> format -> parse -> format, and the
 * two formats must be equal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain/domain-conf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *) data, size);
    g_autoptr(DomainDef) def = NULL;
    g_autoptr(DomainDef) def2 = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;

    g_setenv("VIRTKVM_VMM", "/usr/libexec/virtkvm-vmm", FALSE);
    if (!(def = domain_def_parse_string(xml, 0))) {
        error_reset();
        return 0;
    }
    out = domain_def_format(def, DOMAIN_DEF_FORMAT_INACTIVE);
    if (!(def2 = domain_def_parse_string(out, 0))) {
        fprintf(stderr, "formatted XML does not parse: %s\n%s\n",
                error_get_last()->message, out);
        abort();
    }
    out2 = domain_def_format(def2, DOMAIN_DEF_FORMAT_INACTIVE);
    if (strcmp(out, out2) != 0) {
        fprintf(stderr, "format not stable:\n%s\n---\n%s\n", out, out2);
        abort();
    }
    return 0;
}
