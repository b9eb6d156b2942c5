/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "conf/capabilities/domcaps-conf.h"
#include "conf/capabilities/xml-writer.h"
#include "util/error.h"

static void
domcaps_enum_free(gpointer p)
{
    DomCapsEnum *e = p;

    if (!e)
        return;
    g_free(e->name);
    g_ptr_array_unref(e->values);
    g_free(e);
}

static void
domcaps_cpu_model_free(gpointer p)
{
    DomCapsCpuModel *m = p;

    if (!m)
        return;
    g_free(m->name);
    g_free(m->vendor);
    g_free(m->usable);
    g_free(m);
}

DomCapsBlock *
domcaps_block_new(const char *name, gboolean supported)
{
    DomCapsBlock *b = g_new0(DomCapsBlock, 1);

    b->name = g_strdup(name);
    b->supported = supported;
    b->values = g_ptr_array_new_with_free_func(g_free);
    b->enums = g_ptr_array_new_with_free_func(domcaps_enum_free);
    return b;
}

void
domcaps_block_free(DomCapsBlock *block)
{
    if (!block)
        return;
    g_free(block->name);
    g_ptr_array_unref(block->values);
    g_ptr_array_unref(block->enums);
    g_free(block);
}

static void
domcaps_block_free_cb(gpointer p)
{
    domcaps_block_free(p);
}

void
domcaps_block_add_enumv(DomCapsBlock *block, const char *enum_name,
                        const char *const *values)
{
    DomCapsEnum *e = g_new0(DomCapsEnum, 1);

    e->name = g_strdup(enum_name);
    e->values = g_ptr_array_new_with_free_func(g_free);
    for (; values && *values; values++)
        g_ptr_array_add(e->values, g_strdup(*values));
    g_ptr_array_add(block->enums, e);
}

void
domcaps_block_add_enum(DomCapsBlock *block, const char *enum_name, ...)
{
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    const char *v;
    va_list ap;

    va_start(ap, enum_name);
    while ((v = va_arg(ap, const char *)))
        g_ptr_array_add(values, (gpointer) v);
    va_end(ap);
    g_ptr_array_add(values, NULL);
    domcaps_block_add_enumv(block, enum_name,
                            (const char *const *) values->pdata);
}

DomCaps *
domcaps_new(void)
{
    DomCaps *caps = g_new0(DomCaps, 1);

    caps->iothreads = -1;
    caps->cpu.host_model_features = g_ptr_array_new_with_free_func(g_free);
    caps->cpu.custom_models =
        g_ptr_array_new_with_free_func(domcaps_cpu_model_free);
    caps->devices = g_ptr_array_new_with_free_func(domcaps_block_free_cb);
    caps->features = g_ptr_array_new_with_free_func(domcaps_block_free_cb);
    return caps;
}

void
domcaps_free(DomCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->path);
    g_free(caps->domain);
    g_free(caps->machine);
    g_free(caps->arch);
    domcaps_block_free(caps->os);
    domcaps_block_free(caps->loader);
    domcaps_block_free(caps->cpu.host_passthrough);
    domcaps_block_free(caps->cpu.maximum);
    g_free(caps->cpu.host_model);
    g_free(caps->cpu.host_model_vendor);
    g_free(caps->cpu.host_model_fallback);
    g_ptr_array_unref(caps->cpu.host_model_features);
    g_ptr_array_unref(caps->cpu.custom_models);
    domcaps_block_free(caps->memory_backing);
    g_ptr_array_unref(caps->devices);
    g_ptr_array_unref(caps->features);
    g_free(caps);
}

void
domcaps_cpu_add_custom_model(DomCapsCpu *cpu, const char *name,
                             const char *vendor, const char *usable)
{
    DomCapsCpuModel *m = g_new0(DomCapsCpuModel, 1);

    m->name = g_strdup(name);
    m->vendor = g_strdup(vendor ? vendor : "");
    m->usable = g_strdup(usable);
    g_ptr_array_add(cpu->custom_models, m);
}

static void
domcaps_format_enums(XmlWriter *w, const DomCapsBlock *b)
{
    guint i, j;

    for (i = 0; i < b->values->len; i++)
        xml_writer_element(w, "value", g_ptr_array_index(b->values, i));
    for (i = 0; i < b->enums->len; i++) {
        const DomCapsEnum *e = g_ptr_array_index(b->enums, i);

        xml_writer_start(w, "enum");
        xml_writer_attr(w, "name", e->name);
        for (j = 0; j < e->values->len; j++)
            xml_writer_element(w, "value", g_ptr_array_index(e->values, j));
        xml_writer_end(w);
    }
}

/* <name supported='..'> enums [nested] </name>; unsupported blocks are empty. */
static void
domcaps_format_block(XmlWriter *w, const DomCapsBlock *b,
                     const DomCapsBlock *nested)
{
    if (!b)
        return;
    xml_writer_start(w, b->name);
    xml_writer_attr(w, "supported", b->supported ? "yes" : "no");
    if (b->supported) {
        domcaps_format_enums(w, b);
        domcaps_format_block(w, nested, NULL);
    }
    xml_writer_end(w);
}

static void
domcaps_format_cpu_mode(XmlWriter *w, const char *mode,
                        const DomCapsBlock *b)
{
    xml_writer_start(w, "mode");
    xml_writer_attr(w, "name", mode);
    xml_writer_attr(w, "supported", b && b->supported ? "yes" : "no");
    if (b && b->supported)
        domcaps_format_enums(w, b);
    xml_writer_end(w);
}

static void
domcaps_format_cpu(XmlWriter *w, const DomCapsCpu *cpu)
{
    guint i;

    xml_writer_start(w, "cpu");
    domcaps_format_cpu_mode(w, "host-passthrough", cpu->host_passthrough);
    domcaps_format_cpu_mode(w, "maximum", cpu->maximum);

    xml_writer_start(w, "mode");
    xml_writer_attr(w, "name", "host-model");
    xml_writer_attr(w, "supported", cpu->host_model_supported ? "yes" : "no");
    if (cpu->host_model_supported && cpu->host_model) {
        xml_writer_start(w, "model");
        xml_writer_attr(w, "fallback", cpu->host_model_fallback);
        xml_writer_text(w, cpu->host_model);
        xml_writer_end(w);
        xml_writer_element(w, "vendor", cpu->host_model_vendor);
        for (i = 0; i < cpu->host_model_features->len; i++) {
            xml_writer_start(w, "feature");
            xml_writer_attr(w, "policy", "require");
            xml_writer_attr(w, "name",
                            g_ptr_array_index(cpu->host_model_features, i));
            xml_writer_end(w);
        }
    }
    xml_writer_end(w);

    xml_writer_start(w, "mode");
    xml_writer_attr(w, "name", "custom");
    xml_writer_attr(w, "supported", cpu->custom_supported ? "yes" : "no");
    for (i = 0; cpu->custom_supported && i < cpu->custom_models->len; i++) {
        const DomCapsCpuModel *m = g_ptr_array_index(cpu->custom_models, i);

        xml_writer_start(w, "model");
        xml_writer_attr(w, "usable", m->usable);
        xml_writer_attr(w, "vendor", m->vendor);
        xml_writer_text(w, m->name);
        xml_writer_end(w);
    }
    xml_writer_end(w);
    xml_writer_end(w);
}

static void
domcaps_format_list(XmlWriter *w, const char *element, const GPtrArray *list)
{
    guint i;

    if (list->len == 0)
        return;
    xml_writer_start(w, element);
    for (i = 0; i < list->len; i++)
        domcaps_format_block(w, g_ptr_array_index(list, i), NULL);
    xml_writer_end(w);
}

char *
domcaps_format(const DomCaps *caps)
{
    g_autoptr(XmlWriter) w = xml_writer_new();

    xml_writer_start(w, "domainCapabilities");
    xml_writer_element(w, "path", caps->path);
    xml_writer_element(w, "domain", caps->domain);
    xml_writer_element(w, "machine", caps->machine);
    xml_writer_element(w, "arch", caps->arch);
    if (caps->max_vcpus > 0) {
        xml_writer_start(w, "vcpu");
        xml_writer_attr_uint(w, "max", caps->max_vcpus);
        xml_writer_end(w);
    }
    if (caps->iothreads >= 0) {
        xml_writer_start(w, "iothreads");
        xml_writer_attr(w, "supported", caps->iothreads ? "yes" : "no");
        xml_writer_end(w);
    }
    domcaps_format_block(w, caps->os, caps->loader);
    domcaps_format_cpu(w, &caps->cpu);
    domcaps_format_block(w, caps->memory_backing, NULL);
    domcaps_format_list(w, "devices", caps->devices);
    domcaps_format_list(w, "features", caps->features);
    xml_writer_end(w);
    return xml_writer_finish(w, VK_FROM_CAPABILITIES);
}
