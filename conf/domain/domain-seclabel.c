/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <seclabel>: kept and validated; the security layer interprets them. */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char seclabel_grammar[] =
    "seclabel type=dynamic|static|none model relabel=yes|no\n"
    "  label :\n"
    "  imagelabel :\n"
    "  baselabel :\n";

/* domain.rng: dynamic labels always relabel, none never does nor carries
 * labels, and only dynamic ones have a <baselabel> (default: dynamic). */
static int
seclabel_check_relabel(xmlNode *node, const char *type)
{
    g_autofree char *relabel = xml_get_prop(node, "relabel");
    const char *t = type ? type : "dynamic";
    bool dynamic = strcmp(t, "dynamic") == 0;

    if ((dynamic && g_strcmp0(relabel, "no") == 0) ||
        (strcmp(t, "none") == 0 && g_strcmp0(relabel, "yes") == 0)) {
        dom_error(VK_ERR_XML_ERROR, _("relabel='%1$s' is not allowed with seclabel type '%2$s'"),
                  relabel, t);
        return -1;
    }
    if (!dynamic && dom_child(node, "baselabel")) {
        dom_error(VK_ERR_XML_ERROR, _("<baselabel> needs seclabel type 'dynamic'"));
        return -1;
    }
    if (strcmp(t, "none") == 0 && (dom_child(node, "label") || dom_child(node, "imagelabel"))) {
        dom_error(VK_ERR_XML_ERROR, _("seclabel type 'none' takes no labels"));
        return -1;
    }
    return 0;
}

int
domain_seclabel_parse(DomainDef *def, xmlNode *node)
{
    g_autofree char *type = xml_get_prop(node, "type");
    g_autofree char *model = xml_get_prop(node, "model");
    xmlNode *kept;

    if (dom_spec_check(seclabel_grammar, node, "seclabel") < 0)
        return -1;
    if (model && strcmp(model, "selinux") != 0 && strcmp(model, "dac") != 0 &&
        strcmp(model, "none") != 0) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unsupported security model '%1$s'"), model);
        return -1;
    }
    if (seclabel_check_relabel(node, type) < 0)
        return -1;
    if (g_strcmp0(type, "static") == 0 && !dom_child(node, "label")) {
        dom_error(VK_ERR_XML_ERROR, _("static seclabel needs a <label>"));
        return -1;
    }
    for (guint i = 0; i < def->seclabels->len; i++) {
        g_autofree char *other = xml_get_prop(g_ptr_array_index(def->seclabels, i), "model");

        if (g_strcmp0(other, model) == 0) {
            dom_error(VK_ERR_XML_ERROR, _("duplicate seclabel for model '%1$s'"),
                      model ? model : "");
            return -1;
        }
    }
    kept = dom_keep_node(node);
    g_ptr_array_add(def->seclabels, kept);
    return 0;
}

void
domain_seclabel_format(const DomainDef *def, xmlNode *root)
{
    for (guint i = 0; i < def->seclabels->len; i++)
        dom_add_copy(root, g_ptr_array_index(def->seclabels, i));
}
