/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-domain queries and config changes: XML, info, vcpus, autostart,
 * metadata, rename. */
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "driver/domain/domain-balloon.h"
#include "driver/domain/domain-driver-priv.h"
#include "driver/domain/domain-lifecycle.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

char *
domain_driver_get_xml(DomainDriver *drv, DomainObj *obj, unsigned int flags)
{
    const DomainDef *def = obj->def;
    unsigned int fmt = 0;

    (void) drv;
    if (domain_driver_check_flags(flags, DOMAIN_XML_SECURE | DOMAIN_XML_INACTIVE |
                                  DOMAIN_XML_UPDATE_CPU | DOMAIN_XML_MIGRATABLE,
                                  "qemuDomainGetXMLDesc") < 0)
        return NULL;
    if ((flags & DOMAIN_XML_INACTIVE) && obj->newdef)
        def = obj->newdef;
    if ((flags & DOMAIN_XML_INACTIVE) || !domain_obj_is_active(obj))
        fmt |= DOMAIN_DEF_FORMAT_INACTIVE;
    else if (!(flags & DOMAIN_XML_MIGRATABLE))
        fmt |= DOMAIN_DEF_FORMAT_STATUS;    /* live runtime fields: serial ptys */
    if (flags & DOMAIN_XML_SECURE)
        fmt |= DOMAIN_DEF_FORMAT_SECURE;
    if (flags & DOMAIN_XML_MIGRATABLE)
        fmt |= DOMAIN_DEF_FORMAT_MIGRATABLE;
    /* UPDATE_CPU: host-model CPUs are written as given until the VMM
     * reports the CPU it runs; nothing to update for inactive domains. */
    return domain_def_format(def, fmt);
}

void
domain_driver_get_info(DomainObj *obj, DomainInfo *info)
{
    const DomainDef *def = obj->def;

    memset(info, 0, sizeof(*info));
    info->state = obj->state;
    info->max_mem_kib = domain_def_get_memory(def);
    info->memory_kib = domain_balloon_current_kib(obj);
    info->nr_vcpus = domain_def_get_vcpus(def);
    info->cpu_time_ns = domain_lifecycle_cpu_time(obj);
}

int
domain_driver_get_vcpus(DomainObj *obj, unsigned int flags)
{
    DomainDef *def;
    bool live, config;

    if (domain_driver_check_flags(flags, DOMAIN_AFFECT_LIVE | DOMAIN_AFFECT_CONFIG |
                                  DOMAIN_VCPU_MAXIMUM | DOMAIN_VCPU_GUEST,
                                  "qemuDomainGetVcpusFlags") < 0)
        return -1;
    if ((flags & DOMAIN_AFFECT_LIVE) && (flags & DOMAIN_AFFECT_CONFIG)) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG, "%s",
                     _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' "
                       "are mutually exclusive"));
        return -1;
    }
    if (domain_obj_resolve_affect(obj, flags, &live, &config) < 0)
        return -1;
    if (flags & DOMAIN_VCPU_GUEST) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("domain is not running"));
        return -1;
    }
    def = config ? domain_obj_get_persistent_def(obj) : obj->def;
    if (flags & DOMAIN_VCPU_MAXIMUM)
        return (int) domain_def_get_vcpus_max(def);
    return (int) domain_def_get_vcpus(def);
}

int
domain_driver_set_autostart(DomainDriver *drv, DomainObj *obj, bool autostart)
{
    int ret = -1;

    if (!obj->persistent) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot set autostart for transient domain"));
        return -1;
    }
    if (obj->autostart == autostart)
        return 0;
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0)
        return -1;
    if (domain_store_set_autostart(drv->store, obj->def->name, autostart) == 0) {
        obj->autostart = autostart;
        ret = 0;
    }
    domain_obj_end_job(obj);
    return ret;
}

/* --- metadata ----------------------------------------------------------- */

static int
metadata_check_affect(unsigned int flags)
{
    if ((flags & DOMAIN_AFFECT_LIVE) && (flags & DOMAIN_AFFECT_CONFIG)) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG, "%s",
                     _("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' "
                       "are mutually exclusive"));
        return -1;
    }
    return 0;
}

static int
metadata_check_type(int type)
{
    if (type < DOMAIN_METADATA_DESCRIPTION || type > DOMAIN_METADATA_ELEMENT) {
        error_report(VK_FROM_DOMAIN, VK_ERR_INVALID_ARG,
                     _("unknown metadata type '%1$d'"), type);
        return -1;
    }
    return 0;
}

static void
metadata_missing(void)
{
    error_report(VK_FROM_DOMAIN, VK_ERR_NO_DOMAIN_METADATA, "%s",
                 _("Requested metadata element is not present"));
}

static void
strip_ns(xmlNode *node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        node->ns = NULL;
        if (node->nsDef) {
            xmlFreeNsList(node->nsDef);
            node->nsDef = NULL;
        }
        for (xmlAttr *a = node->properties; a; a = a->next)
            a->ns = NULL;
        strip_ns(node->children);
    }
}

/* libvirt answers the element without its namespace prefix and
 * declaration (virXMLExtractNamespaceXML). */
static char *
metadata_unqualify(char *xml)
{
    g_autofree char *owned = xml;
    xmlDoc *doc = xmlReadMemory(xml, (int) strlen(xml), NULL, NULL,
                                XML_PARSE_NONET);
    xmlBuffer *buf;
    char *ret = NULL;

    if (!doc)
        return g_steal_pointer(&owned);
    strip_ns(xmlDocGetRootElement(doc));
    if ((buf = xmlBufferCreate())) {
        if (xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 1) >= 0)
            ret = g_strdup((const char *) xmlBufferContent(buf));
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    return ret ? ret : g_steal_pointer(&owned);
}

char *
domain_driver_get_metadata(DomainObj *obj, int type, const char *uri, unsigned int flags)
{
    const DomainDef *def;
    bool live, config;

    if (domain_driver_check_flags(flags, DOMAIN_AFFECT_LIVE | DOMAIN_AFFECT_CONFIG,
                                  "virDomainObjGetMetadata") < 0 ||
        metadata_check_affect(flags) < 0 || metadata_check_type(type) < 0 ||
        domain_obj_resolve_affect(obj, flags, &live, &config) < 0)
        return NULL;
    def = config ? domain_obj_get_persistent_def(obj) : obj->def;
    switch (type) {
    case DOMAIN_METADATA_DESCRIPTION:
        if (!def->description)
            break;
        return g_strdup(def->description);
    case DOMAIN_METADATA_TITLE:
        if (!def->title)
            break;
        return g_strdup(def->title);
    default:
        if (!uri) {
            error_report(VK_FROM_DOMAIN, VK_ERR_INVALID_ARG, "%s",
                         _("a namespace URI is required for element metadata"));
            return NULL;
        }
        {
            char *xml = domain_def_get_metadata_element(def, uri);

            return xml ? metadata_unqualify(xml) : NULL;
        }
    }
    metadata_missing();
    return NULL;
}

/* Applies one change to @def (libvirt's virDomainDefSetMetadata). */
static int
metadata_apply(DomainDef *def, int type, const char *metadata, const char *key,
               const char *uri)
{
    const char *value = metadata && *metadata ? metadata : NULL;

    switch (type) {
    case DOMAIN_METADATA_DESCRIPTION:
        domain_def_set_description(def, value);
        return 0;
    case DOMAIN_METADATA_TITLE:
        if (value && strchr(value, '\n')) {
            error_report(VK_FROM_DOMAIN, VK_ERR_INVALID_ARG, "%s",
                         _("Domain title can't contain newlines"));
            return -1;
        }
        domain_def_set_title(def, value);
        return 0;
    default:
        if (!uri || (value && !key)) {
            error_report(VK_FROM_DOMAIN, VK_ERR_INVALID_ARG, "%s",
                         _("element metadata needs a namespace URI and a key"));
            return -1;
        }
        return domain_def_set_metadata_element(def, value, key, uri);
    }
}

static void
metadata_emit(DomainDriver *drv, DomainObj *obj, int type, const char *uri)
{
    VkEvent ev = {
        .family = VK_EVENT_DOMAIN,
        .event_id = DOMAIN_EVENT_ID_METADATA_CHANGE,
        .name = obj->def->name,
        .id = domain_obj_get_id(obj),
        .event = type,
        .str = uri,
    };

    if (!drv->has_sink)
        return;
    memcpy(ev.uuid, obj->def->uuid, DOMAIN_UUID_BUFLEN);
    event_sink_emit(&drv->sink, &ev);
}

/* The config change: applied to a copy, saved, then swapped in. */
static int
metadata_set_config(DomainDriver *drv, DomainObj *obj, int type, const char *metadata,
                    const char *key, const char *uri)
{
    DomainDef **slot = obj->newdef ? &obj->newdef : &obj->def;
    g_autoptr(DomainDef) copy = domain_def_copy(*slot);
    DomainDef *old;

    if (!copy || metadata_apply(copy, type, metadata, key, uri) < 0)
        return -1;
    domain_def_set_id(copy, domain_def_get_id(*slot));
    if (domain_store_save(drv->store, copy) < 0)
        return -1;
    old = *slot;
    *slot = g_steal_pointer(&copy);
    domain_def_free(old);
    return 0;
}

int
domain_driver_set_metadata(DomainDriver *drv, DomainObj *obj, int type,
                           const char *metadata, const char *key, const char *uri,
                           unsigned int flags)
{
    bool live, config;
    int ret = -1;

    if (domain_driver_check_flags(flags, DOMAIN_AFFECT_LIVE | DOMAIN_AFFECT_CONFIG,
                                  "qemuDomainSetMetadata") < 0 ||
        metadata_check_type(type) < 0)
        return -1;
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0)
        return -1;
    if (domain_obj_resolve_affect(obj, flags, &live, &config) < 0)
        goto out;
    if (config && metadata_set_config(drv, obj, type, metadata, key, uri) < 0)
        goto out;
    /* Live: the running definition (its status file is the lifecycle
     * code's business). */
    if (live && obj->newdef && metadata_apply(obj->def, type, metadata, key, uri) < 0)
        goto out;
    metadata_emit(drv, obj, type, uri);
    ret = 0;
 out:
    domain_obj_end_job(obj);
    return ret;
}

/* --- rename ------------------------------------------------------------- */

static int
rename_check(DomainObj *obj, const char *new_name)
{
    if (!new_name || !*new_name || strchr(new_name, '/')) {
        error_report(VK_FROM_QEMU, VK_ERR_INVALID_ARG,
                     _("invalid new domain name '%1$s'"), new_name ? new_name : "");
        return -1;
    }
    if (!obj->persistent) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot rename a transient domain"));
        return -1;
    }
    if (domain_obj_is_active(obj)) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot rename active domain"));
        return -1;
    }
    if (obj->nsnapshots) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot rename domain with snapshots"));
        return -1;
    }
    if (obj->ncheckpoints) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_INVALID, "%s",
                     _("cannot rename domain with checkpoints"));
        return -1;
    }
    if (strcmp(obj->def->name, new_name) == 0) {
        error_report(VK_FROM_DOMAIN, VK_ERR_OPERATION_INVALID, "%s",
                     _("Can't rename domain to itself"));
        return -1;
    }
    return 0;
}

/* On disk: the new config first, so a crash never loses the domain. */
static int
rename_files(DomainDriver *drv, DomainObj *obj, const char *old_name)
{
    if (domain_store_save(drv->store, obj->def) < 0)
        return -1;
    if (obj->autostart &&
        (domain_store_set_autostart(drv->store, obj->def->name, true) < 0 ||
         domain_store_set_autostart(drv->store, old_name, false) < 0)) {
        g_autoptr(VkError) err = error_steal_last();

        domain_store_delete(drv->store, obj->def->name);
        error_restore(g_steal_pointer(&err));
        return -1;
    }
    if (domain_store_delete(drv->store, old_name) < 0)
        log_warning("the old config of renamed domain '%s' could not be removed", old_name);
    return 0;
}

int
domain_driver_rename(DomainDriver *drv, DomainObj *obj, const char *new_name,
                     unsigned int flags)
{
    g_autofree char *old_name = NULL;
    int ret = -1;

    if (domain_driver_check_flags(flags, 0, "qemuDomainRename") < 0)
        return -1;
    if (domain_obj_begin_job(obj, DOMAIN_JOB_MODIFY) < 0)
        return -1;
    if (rename_check(obj, new_name) < 0)
        goto out;
    old_name = g_strdup(obj->def->name);
    if (domain_obj_list_rename(drv->domains, obj, new_name) < 0)
        goto out;
    if (rename_files(drv, obj, old_name) < 0) {
        g_autoptr(VkError) err = error_steal_last();

        if (domain_obj_list_rename(drv->domains, obj, old_name) < 0)
            log_error("cannot restore the name of domain '%s'", old_name);
        error_restore(g_steal_pointer(&err));
        goto out;
    }
    /* The old name leaves first, as libvirt sends them. */
    domain_driver_emit_named(drv, obj, old_name, DOMAIN_EVENT_UNDEFINED,
                             DOMAIN_EVENT_UNDEFINED_RENAMED);
    domain_driver_emit_lifecycle(drv, obj, DOMAIN_EVENT_DEFINED,
                                 DOMAIN_EVENT_DEFINED_RENAMED);
    ret = 0;
 out:
    domain_obj_end_job(obj);
    return ret;
}
