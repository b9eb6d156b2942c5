/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/capabilities/capabilities-conf.h"
#include "conf/capabilities/xml-writer.h"
#include "util/error.h"

static void
caps_cell_cpu_clear(gpointer p)
{
    CapsCellCpu *cpu = p;

    g_free(cpu->siblings);
}

static void
caps_cell_free(gpointer p)
{
    CapsCell *cell = p;

    if (!cell)
        return;
    g_array_unref(cell->pages);
    g_array_unref(cell->distances);
    g_array_unref(cell->cpus);
    g_free(cell);
}

static void
caps_cache_bank_free(gpointer p)
{
    CapsCacheBank *bank = p;

    if (!bank)
        return;
    g_free(bank->type);
    g_free(bank->unit);
    g_free(bank->cpus);
    g_free(bank);
}

static void
caps_baselabel_free(gpointer p)
{
    CapsBaseLabel *bl = p;

    if (!bl)
        return;
    g_free(bl->type);
    g_free(bl->label);
    g_free(bl);
}

static void
caps_secmodel_free(gpointer p)
{
    CapsSecModel *sm = p;

    if (!sm)
        return;
    g_free(sm->model);
    g_free(sm->doi);
    g_ptr_array_unref(sm->baselabels);
    g_free(sm);
}

static void
caps_machine_free(gpointer p)
{
    CapsMachine *m = p;

    if (!m)
        return;
    g_free(m->name);
    g_free(m->canonical);
    g_free(m);
}

static void
caps_guest_feature_free(gpointer p)
{
    CapsGuestFeature *f = p;

    if (!f)
        return;
    g_free(f->name);
    g_free(f);
}

static void
caps_guest_free(gpointer p)
{
    CapsGuest *g = p;

    if (!g)
        return;
    g_free(g->os_type);
    g_free(g->arch);
    g_free(g->emulator);
    g_ptr_array_unref(g->machines);
    g_ptr_array_unref(g->domain_types);
    g_ptr_array_unref(g->features);
    g_free(g);
}

Caps *
caps_new(void)
{
    Caps *caps = g_new0(Caps, 1);

    caps->iommu = -1;
    caps->cpu.features = g_ptr_array_new_with_free_func(g_free);
    caps->cpu.page_sizes = g_array_new(FALSE, TRUE, sizeof(unsigned int));
    caps->uri_transports = g_ptr_array_new_with_free_func(g_free);
    caps->cells = g_ptr_array_new_with_free_func(caps_cell_free);
    caps->cache_banks = g_ptr_array_new_with_free_func(caps_cache_bank_free);
    caps->secmodels = g_ptr_array_new_with_free_func(caps_secmodel_free);
    caps->guests = g_ptr_array_new_with_free_func(caps_guest_free);
    return caps;
}

void
caps_free(Caps *caps)
{
    if (!caps)
        return;
    g_free(caps->uuid);
    g_free(caps->cpu.arch);
    g_free(caps->cpu.model);
    g_free(caps->cpu.vendor);
    g_ptr_array_unref(caps->cpu.features);
    g_array_unref(caps->cpu.page_sizes);
    g_ptr_array_unref(caps->uri_transports);
    g_ptr_array_unref(caps->cells);
    g_ptr_array_unref(caps->cache_banks);
    g_ptr_array_unref(caps->secmodels);
    g_ptr_array_unref(caps->guests);
    g_free(caps);
}

CapsCell *
caps_cell_new(unsigned int id)
{
    CapsCell *cell = g_new0(CapsCell, 1);

    cell->id = id;
    cell->pages = g_array_new(FALSE, TRUE, sizeof(CapsPages));
    cell->distances = g_array_new(FALSE, TRUE, sizeof(CapsDistance));
    cell->cpus = g_array_new(FALSE, TRUE, sizeof(CapsCellCpu));
    g_array_set_clear_func(cell->cpus, caps_cell_cpu_clear);
    return cell;
}

CapsSecModel *
caps_secmodel_new(const char *model, const char *doi)
{
    CapsSecModel *sm = g_new0(CapsSecModel, 1);

    sm->model = g_strdup(model);
    sm->doi = g_strdup(doi);
    sm->baselabels = g_ptr_array_new_with_free_func(caps_baselabel_free);
    return sm;
}

void
caps_secmodel_add_baselabel(CapsSecModel *sm, const char *type,
                            const char *label)
{
    CapsBaseLabel *bl = g_new0(CapsBaseLabel, 1);

    bl->type = g_strdup(type);
    bl->label = g_strdup(label);
    g_ptr_array_add(sm->baselabels, bl);
}

CapsGuest *
caps_guest_new(const char *os_type, const char *arch, unsigned int wordsize,
               const char *emulator)
{
    CapsGuest *g = g_new0(CapsGuest, 1);

    g->os_type = g_strdup(os_type);
    g->arch = g_strdup(arch);
    g->wordsize = wordsize;
    g->emulator = g_strdup(emulator);
    g->machines = g_ptr_array_new_with_free_func(caps_machine_free);
    g->domain_types = g_ptr_array_new_with_free_func(g_free);
    g->features = g_ptr_array_new_with_free_func(caps_guest_feature_free);
    return g;
}

void
caps_guest_add_machine(CapsGuest *guest, const char *name,
                       const char *canonical, unsigned int max_cpus)
{
    CapsMachine *m = g_new0(CapsMachine, 1);

    m->name = g_strdup(name);
    m->canonical = g_strdup(canonical);
    m->max_cpus = max_cpus;
    g_ptr_array_add(guest->machines, m);
}

void
caps_guest_add_feature(CapsGuest *guest, const char *name, gboolean has_toggle,
                       gboolean toggle, gboolean default_on)
{
    CapsGuestFeature *f = g_new0(CapsGuestFeature, 1);

    f->name = g_strdup(name);
    f->has_toggle = has_toggle;
    f->toggle = toggle;
    f->default_on = default_on;
    g_ptr_array_add(guest->features, f);
}

CapsCacheBank *
caps_cache_bank_new(unsigned int id, unsigned int level, const char *type,
                    unsigned long long size, const char *unit,
                    const char *cpus)
{
    CapsCacheBank *bank = g_new0(CapsCacheBank, 1);

    bank->id = id;
    bank->level = level;
    bank->type = g_strdup(type);
    bank->size = size;
    bank->unit = g_strdup(unit);
    bank->cpus = g_strdup(cpus);
    return bank;
}

static void
caps_format_host_cpu(XmlWriter *w, const CapsHostCpu *cpu)
{
    guint i;

    xml_writer_start(w, "cpu");
    xml_writer_element(w, "arch", cpu->arch);
    xml_writer_element(w, "model", cpu->model);
    xml_writer_element(w, "vendor", cpu->vendor);
    if (cpu->have_microcode && cpu->microcode > 0) {
        xml_writer_start(w, "microcode");
        xml_writer_attr_uint(w, "version", cpu->microcode);
        xml_writer_end(w);
    }
    if (cpu->have_signature && cpu->family > 0) {
        xml_writer_start(w, "signature");
        xml_writer_attr_uint(w, "family", cpu->family);
        xml_writer_attr_uint(w, "model", cpu->model_id);
        xml_writer_attr_uint(w, "stepping", cpu->stepping);
        xml_writer_end(w);
    }
    if (cpu->tsc_hz > 0) {
        xml_writer_start(w, "counter");
        xml_writer_attr(w, "name", "tsc");
        xml_writer_attr_uint(w, "frequency", cpu->tsc_hz);
        xml_writer_attr(w, "scaling", cpu->tsc_scaling ? "yes" : "no");
        xml_writer_end(w);
    }
    if (cpu->sockets > 0) {
        xml_writer_start(w, "topology");
        xml_writer_attr_uint(w, "sockets", cpu->sockets);
        xml_writer_attr_uint(w, "dies", MAX(cpu->dies, 1));
        xml_writer_attr_uint(w, "cores", MAX(cpu->cores, 1));
        xml_writer_attr_uint(w, "threads", MAX(cpu->threads, 1));
        xml_writer_end(w);
    }
    if (cpu->phys_bits > 0) {
        xml_writer_start(w, "maxphysaddr");
        xml_writer_attr(w, "mode", "emulate");
        xml_writer_attr_uint(w, "bits", cpu->phys_bits);
        xml_writer_end(w);
    }
    for (i = 0; i < cpu->features->len; i++) {
        xml_writer_start(w, "feature");
        xml_writer_attr(w, "name", g_ptr_array_index(cpu->features, i));
        xml_writer_end(w);
    }
    for (i = 0; i < cpu->page_sizes->len; i++) {
        xml_writer_start(w, "pages");
        xml_writer_attr(w, "unit", "KiB");
        xml_writer_attr_uint(w, "size",
                             g_array_index(cpu->page_sizes, unsigned int, i));
        xml_writer_end(w);
    }
    xml_writer_end(w);
}

static void
caps_format_host_misc(XmlWriter *w, const Caps *caps)
{
    guint i;

    xml_writer_start(w, "power_management");
    if (caps->pm_suspend_mem)
        xml_writer_empty(w, "suspend_mem");
    if (caps->pm_suspend_disk)
        xml_writer_empty(w, "suspend_disk");
    if (caps->pm_suspend_hybrid)
        xml_writer_empty(w, "suspend_hybrid");
    xml_writer_end(w);

    if (caps->iommu >= 0) {
        xml_writer_start(w, "iommu");
        xml_writer_attr(w, "support", caps->iommu ? "yes" : "no");
        xml_writer_end(w);
    }

    xml_writer_start(w, "migration_features");
    if (caps->migration_live)
        xml_writer_empty(w, "live");
    if (caps->uri_transports->len > 0) {
        xml_writer_start(w, "uri_transports");
        for (i = 0; i < caps->uri_transports->len; i++)
            xml_writer_element(w, "uri_transport",
                               g_ptr_array_index(caps->uri_transports, i));
        xml_writer_end(w);
    }
    xml_writer_end(w);
}

static void
caps_format_cell(XmlWriter *w, const CapsCell *cell)
{
    g_autofree char *mem = g_strdup_printf("%llu", cell->memory_kib);
    guint i;

    xml_writer_start(w, "cell");
    xml_writer_attr_uint(w, "id", cell->id);
    xml_writer_start(w, "memory");
    xml_writer_attr(w, "unit", "KiB");
    xml_writer_text(w, mem);
    xml_writer_end(w);
    for (i = 0; i < cell->pages->len; i++) {
        const CapsPages *pg = &g_array_index(cell->pages, CapsPages, i);
        g_autofree char *count = g_strdup_printf("%llu", pg->count);

        xml_writer_start(w, "pages");
        xml_writer_attr(w, "unit", "KiB");
        xml_writer_attr_uint(w, "size", pg->size_kib);
        xml_writer_text(w, count);
        xml_writer_end(w);
    }
    if (cell->distances->len > 0) {
        xml_writer_start(w, "distances");
        for (i = 0; i < cell->distances->len; i++) {
            const CapsDistance *d = &g_array_index(cell->distances,
                                                   CapsDistance, i);

            xml_writer_start(w, "sibling");
            xml_writer_attr_uint(w, "id", d->id);
            xml_writer_attr_uint(w, "value", d->value);
            xml_writer_end(w);
        }
        xml_writer_end(w);
    }
    xml_writer_start(w, "cpus");
    xml_writer_attr_uint(w, "num", cell->cpus->len);
    for (i = 0; i < cell->cpus->len; i++) {
        const CapsCellCpu *c = &g_array_index(cell->cpus, CapsCellCpu, i);

        xml_writer_start(w, "cpu");
        xml_writer_attr_uint(w, "id", c->id);
        if (c->have_topology) {
            xml_writer_attr_uint(w, "socket_id", c->socket_id);
            xml_writer_attr_uint(w, "die_id", c->die_id);
            xml_writer_attr_uint(w, "core_id", c->core_id);
            xml_writer_attr(w, "siblings", c->siblings);
        }
        xml_writer_end(w);
    }
    xml_writer_end(w);
    xml_writer_end(w);
}

static void
caps_format_topology(XmlWriter *w, const Caps *caps)
{
    guint i;

    if (caps->cells->len == 0)
        return;
    xml_writer_start(w, "topology");
    xml_writer_start(w, "cells");
    xml_writer_attr_uint(w, "num", caps->cells->len);
    for (i = 0; i < caps->cells->len; i++)
        caps_format_cell(w, g_ptr_array_index(caps->cells, i));
    xml_writer_end(w);
    xml_writer_end(w);
}

static void
caps_format_cache(XmlWriter *w, const Caps *caps)
{
    guint i;

    if (caps->cache_banks->len == 0)
        return;
    xml_writer_start(w, "cache");
    for (i = 0; i < caps->cache_banks->len; i++) {
        const CapsCacheBank *b = g_ptr_array_index(caps->cache_banks, i);

        xml_writer_start(w, "bank");
        xml_writer_attr_uint(w, "id", b->id);
        xml_writer_attr_uint(w, "level", b->level);
        xml_writer_attr(w, "type", b->type);
        xml_writer_attr_uint(w, "size", b->size);
        xml_writer_attr(w, "unit", b->unit);
        xml_writer_attr(w, "cpus", b->cpus);
        xml_writer_end(w);
    }
    xml_writer_end(w);
}

static void
caps_format_secmodels(XmlWriter *w, const Caps *caps)
{
    guint i, j;

    for (i = 0; i < caps->secmodels->len; i++) {
        const CapsSecModel *sm = g_ptr_array_index(caps->secmodels, i);

        xml_writer_start(w, "secmodel");
        xml_writer_element(w, "model", sm->model);
        xml_writer_element(w, "doi", sm->doi ? sm->doi : "0");
        for (j = 0; j < sm->baselabels->len; j++) {
            const CapsBaseLabel *bl = g_ptr_array_index(sm->baselabels, j);

            xml_writer_start(w, "baselabel");
            xml_writer_attr(w, "type", bl->type);
            xml_writer_text(w, bl->label);
            xml_writer_end(w);
        }
        xml_writer_end(w);
    }
}

static void
caps_format_guest_arch(XmlWriter *w, const CapsGuest *g)
{
    guint i;

    xml_writer_start(w, "arch");
    xml_writer_attr(w, "name", g->arch);
    xml_writer_element_uint(w, "wordsize", g->wordsize);
    xml_writer_element(w, "emulator", g->emulator);
    for (i = 0; i < g->machines->len; i++) {
        const CapsMachine *m = g_ptr_array_index(g->machines, i);

        xml_writer_start(w, "machine");
        xml_writer_attr(w, "canonical", m->canonical);
        if (m->max_cpus > 0)
            xml_writer_attr_uint(w, "maxCpus", m->max_cpus);
        xml_writer_text(w, m->name);
        xml_writer_end(w);
    }
    for (i = 0; i < g->domain_types->len; i++) {
        xml_writer_start(w, "domain");
        xml_writer_attr(w, "type", g_ptr_array_index(g->domain_types, i));
        xml_writer_end(w);
    }
    xml_writer_end(w);
}

static void
caps_format_guest(XmlWriter *w, const CapsGuest *g)
{
    guint i;

    xml_writer_start(w, "guest");
    xml_writer_element(w, "os_type", g->os_type);
    caps_format_guest_arch(w, g);
    if (g->features->len > 0) {
        xml_writer_start(w, "features");
        for (i = 0; i < g->features->len; i++) {
            const CapsGuestFeature *f = g_ptr_array_index(g->features, i);

            xml_writer_start(w, f->name);
            if (f->has_toggle) {
                xml_writer_attr(w, "default", f->default_on ? "on" : "off");
                xml_writer_attr(w, "toggle", f->toggle ? "yes" : "no");
            }
            xml_writer_end(w);
        }
        xml_writer_end(w);
    }
    xml_writer_end(w);
}

char *
caps_format(const Caps *caps)
{
    g_autoptr(XmlWriter) w = xml_writer_new();
    guint i;

    xml_writer_start(w, "capabilities");
    xml_writer_start(w, "host");
    xml_writer_element(w, "uuid", caps->uuid);
    caps_format_host_cpu(w, &caps->cpu);
    caps_format_host_misc(w, caps);
    caps_format_topology(w, caps);
    caps_format_cache(w, caps);
    caps_format_secmodels(w, caps);
    xml_writer_end(w);
    for (i = 0; i < caps->guests->len; i++)
        caps_format_guest(w, g_ptr_array_index(caps->guests, i));
    xml_writer_end(w);
    return xml_writer_finish(w, VK_FROM_CAPABILITIES);
}
