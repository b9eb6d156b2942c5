/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz the domain XML parser: parse -> format -> parse -> format; the two
 * formats must be equal, and (where libvirt's schemas are installed) the
 * formatted document must validate against domain.rng.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/relaxng.h>

#include "conf/domain/domain-conf.h"
#include "conf/xml-util.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(void *ctx, const char *msg, ...)
{
}

/* Loaded once; NULL when the schema is not installed. */
static xmlRelaxNG *
domain_schema(void)
{
    static xmlRelaxNG *schema;
    static bool tried;

    if (!tried) {
        g_autofree char *path = g_build_filename(xml_schema_dir(), "domain.rng", NULL);
        xmlRelaxNGParserCtxt *p = NULL;

        tried = true;
        if (g_file_test(path, G_FILE_TEST_EXISTS) &&
            (p = xmlRelaxNGNewParserCtxt(path))) {
            schema = xmlRelaxNGParse(p);
            xmlRelaxNGFreeParserCtxt(p);
        }
    }
    return schema;
}

static void
check_schema(const char *out)
{
    xmlRelaxNG *schema = domain_schema();
    xmlRelaxNGValidCtxt *v;
    xmlDoc *doc;
    int r;

    if (!schema)
        return;
    doc = xmlReadMemory(out, (int) strlen(out), "domain.xml", NULL, XML_PARSE_NONET);
    v = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidErrors(v, quiet, quiet, NULL);
    r = doc ? xmlRelaxNGValidateDoc(v, doc) : -1;
    xmlRelaxNGFreeValidCtxt(v);
    xmlFreeDoc(doc);
    if (r != 0) {
        fprintf(stderr, "formatted XML does not validate against domain.rng:\n%s\n", out);
        abort();
    }
}

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
    check_schema(out);
    return 0;
}
