/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <vcpu>, <cpu> (mode, topology, features, NUMA cells), <cputune>. */
#include <string.h>

#include "conf/domain/domain-priv.h"

#define DOMAIN_MAX_VCPUS 1024

static const char vcpu_grammar[] =
    "vcpu placement=static|auto cpuset=c current=# :#\n";

static const char cpu_grammar[] =
    "cpu mode=custom|host-model|host-passthrough|maximum match=minimum|exact|strict"
    " check=none|partial|full migratable=on|off\n"
    "  model fallback=allow|forbid vendor_id :\n"
    "  vendor :\n"
    "  topology sockets=# dies=# cores=# threads=#\n"
    "  cache level=# mode=emulate|passthrough|disable\n"
    "  maxphysaddr mode=emulate|passthrough bits=#\n"
    "  *feature policy=force|require|optional|disable|forbid name=[A-Za-z0-9._-]\n"
    "  numa\n"
    "    *cell id=# cpus=c memory=# unit memAccess=shared|private discard=yes|no\n"
    "      distances\n"
    "        *sibling id=# value=#\n";

static const char cputune_grammar[] =
    "cputune\n"
    "  shares :#2-262144\n"
    "  period :#1000-1000000\n"
    "  quota :-#\n"
    "  global_period :#1000-1000000\n"
    "  global_quota :-#\n"
    "  emulator_period :#1000-1000000\n"
    "  emulator_quota :-#\n"
    "  iothread_period :#1000-1000000\n"
    "  iothread_quota :-#\n"
    "  *vcpupin vcpu=# cpuset=c\n"
    "  emulatorpin cpuset=c\n"
    "  *iothreadpin iothread=# cpuset=c\n"
    "  *vcpusched vcpus=c scheduler=batch|idle|fifo|rr priority=#\n";

/* domain.rng's cpuquota: -1 (unlimited) up to 2^44 - 1. */
#define CPUTUNE_QUOTA_MAX 17592186044415LL

static int
cputune_check_quotas(xmlNode *cputune)
{
    for (xmlNode *c = cputune->children; c; c = c->next) {
        g_autofree char *v = NULL;
        long long q;

        if (c->type != XML_ELEMENT_NODE || !g_str_has_suffix((const char *) c->name, "quota"))
            continue;
        v = g_strstrip(xml_get_content(c));
        q = g_ascii_strtoll(v, NULL, 10);   /* the grammar checked the syntax */
        if (q < -1 || q > CPUTUNE_QUOTA_MAX) {
            dom_error(VK_ERR_XML_ERROR, _("invalid value '%1$s' in element <%2$s>"),
                      v, (const char *) c->name);
            return -1;
        }
    }
    return 0;
}

static const char iothreads_grammar[] = "iothreads :#\n";

int
domain_cpu_parse_vcpu(DomainDef *def, xmlNode *vcpu)
{
    unsigned long long max;

    if (!vcpu) {
        def->vcpus_max = def->vcpus_current = 1;
        return 0;
    }
    if (dom_spec_check(vcpu_grammar, vcpu, "vcpu") < 0 || dom_text_ull(vcpu, &max) < 0)
        return -1;
    if (max == 0 || max > DOMAIN_MAX_VCPUS) {
        dom_error(VK_ERR_XML_ERROR, _("vcpu count %1$llu out of range (1-%2$d)"),
                  max, DOMAIN_MAX_VCPUS);
        return -1;
    }
    def->vcpus_max = def->vcpus_current = (unsigned int) max;
    if (dom_prop_uint(vcpu, "current", &def->vcpus_current) < 0)
        return -1;
    if (def->vcpus_current == 0 || def->vcpus_current > def->vcpus_max) {
        dom_error(VK_ERR_XML_ERROR,
                  _("current vcpu count %1$u must be between 1 and the maximum %2$u"),
                  def->vcpus_current, def->vcpus_max);
        return -1;
    }
    def->vcpu_placement = xml_get_prop(vcpu, "placement");
    def->vcpu_cpuset = xml_get_prop(vcpu, "cpuset");
    return 0;
}

/* Rewrites each cell's memory into KiB as libvirt reports it. */
static int
cpu_normalize_cells(DomainCpuDef *cpu, xmlNode *numa)
{
    for (xmlNode *c = numa ? numa->children : NULL; c; c = c->next) {
        g_autofree char *unit = NULL;
        unsigned long long mem = 0;
        unsigned long long kib;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        cpu->ncells++;
        if (dom_prop_ull(c, "memory", &mem) <= 0) {
            if (!xmlHasProp(c, (const xmlChar *) "memory"))
                dom_error(VK_ERR_XML_ERROR, _("missing 'memory' of NUMA cell"));
            return -1;
        }
        unit = xml_get_prop(c, "unit");
        if (dom_scale_to_kib(mem, unit, "KiB", "cell", &kib) < 0)
            return -1;
        if (!xmlHasProp(c, (const xmlChar *) "cpus")) {
            dom_error(VK_ERR_XML_ERROR, _("missing 'cpus' of NUMA cell"));
            return -1;
        }
        if (dom_child(c, "distances") && !dom_child(dom_child(c, "distances"), "sibling")) {
            dom_error(VK_ERR_XML_ERROR, _("NUMA cell <distances> needs a <sibling>"));
            return -1;
        }
        dom_set_uint(c, "memory", kib);
        dom_set(c, "unit", "KiB");
    }
    return 0;
}

static void
cpu_apply_defaults(DomainCpuDef *cpu, xmlNode *n)
{
    xmlNode *t = dom_child(n, "topology");
    xmlNode *m = dom_child(n, "model");

    if (t) {
        static const char *const order[] = { "sockets", "dies", "cores", "threads" };
        char *vals[4] = { NULL };

        /* libvirt reports all four, in this order */
        for (size_t i = 0; i < 4; i++) {
            vals[i] = xml_get_prop(t, order[i]);
            xmlUnsetProp(t, (const xmlChar *) order[i]);
        }
        for (size_t i = 0; i < 4; i++) {
            dom_set(t, order[i], vals[i] ? vals[i] : "1");
            g_free(vals[i]);
        }
    }
    if (cpu->mode == DOMAIN_CPU_MODE_HOST_PASSTHROUGH ||
        cpu->mode == DOMAIN_CPU_MODE_MAXIMUM) {
        if (!xmlHasProp(n, (const xmlChar *) "check"))
            dom_set(n, "check", "none");
        if (!xmlHasProp(n, (const xmlChar *) "migratable"))
            dom_set(n, "migratable", "on");
    } else if (cpu->mode == DOMAIN_CPU_MODE_HOST_MODEL) {
        if (!xmlHasProp(n, (const xmlChar *) "check"))
            dom_set(n, "check", "partial");
    } else if (m) {
        if (!xmlHasProp(n, (const xmlChar *) "mode"))
            dom_set(n, "mode", "custom");
        if (!xmlHasProp(n, (const xmlChar *) "match"))
            dom_set(n, "match", "exact");
        if (!xmlHasProp(n, (const xmlChar *) "check"))
            dom_set(n, "check", "partial");
        if (!xmlHasProp(m, (const xmlChar *) "fallback"))
            dom_set(m, "fallback", "allow");
    }
}

static int
cpu_parse_topology(DomainCpuDef *cpu, xmlNode *t)
{
    unsigned int v[4] = { 1, 1, 1, 1 };
    static const char *const names[] = { "sockets", "dies", "cores", "threads" };

    if (!t)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (dom_prop_uint(t, names[i], &v[i]) < 0)
            return -1;
        if (v[i] == 0) {
            dom_error(VK_ERR_XML_ERROR, _("CPU topology '%1$s' must be positive"), names[i]);
            return -1;
        }
    }
    cpu->sockets = v[0];
    cpu->dies = v[1];
    cpu->cores = v[2];
    cpu->threads = v[3];
    return 0;
}

int
domain_cpu_parse(DomainDef *def, xmlNode *node)
{
    DomainCpuDef *cpu = &def->cpu;
    int mode = DOMAIN_CPU_MODE_CUSTOM;

    if (dom_spec_check(cpu_grammar, node, "cpu") < 0 ||
        dom_prop_enum(node, "mode", domain_cpu_mode_from_string, &mode) < 0)
        return -1;
    cpu->present = true;
    cpu->mode = mode;
    cpu->node = dom_keep_node(node);
    if (cpu_parse_topology(cpu, dom_child(cpu->node, "topology")) < 0 ||
        cpu_normalize_cells(cpu, dom_child(cpu->node, "numa")) < 0)
        return -1;
    cpu_apply_defaults(cpu, cpu->node);
    return 0;
}

int
domain_cpu_parse_tune(DomainDef *def, xmlNode *node)
{
    const char *name = (const char *) node->name;

    if (strcmp(name, "cputune") == 0) {
        if (dom_spec_check(cputune_grammar, node, name) < 0 || cputune_check_quotas(node) < 0)
            return -1;
        def->cputune = dom_keep_node(node);
    } else {
        if (dom_spec_check(iothreads_grammar, node, name) < 0)
            return -1;
        def->iothreads = dom_keep_node(node);
    }
    return 0;
}

void
domain_cpu_format_vcpu(const DomainDef *def, xmlNode *root)
{
    g_autofree char *n = g_strdup_printf("%u", def->vcpus_max);
    xmlNode *v = dom_add_text(root, "vcpu", n);

    dom_set(v, "placement", def->vcpu_placement ? def->vcpu_placement : "static");
    dom_set(v, "cpuset", def->vcpu_cpuset);
    if (def->vcpus_current != def->vcpus_max)
        dom_set_uint(v, "current", def->vcpus_current);
    if (def->iothreads)
        dom_add_copy(root, def->iothreads);
    if (def->cputune)
        dom_add_copy(root, def->cputune);
}

void
domain_cpu_format(const DomainDef *def, xmlNode *root)
{
    if (def->cpu.node)
        dom_add_copy(root, def->cpu.node);
}
