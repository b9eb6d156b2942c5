/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <features>, <clock>, <pm>, <resource>, <perf>, <sysinfo> (kept) and the
 * lifecycle actions on_poweroff/on_reboot/on_crash (typed). */
#include <string.h>

#include "conf/domain/domain-priv.h"

#define STATE "state=on|off"

static const char features_grammar[] =
    "features\n"
    "  acpi\n"
    "  apic eoi=on|off\n"
    "  pae\n"
    "  hap " STATE "\n"
    "  viridian\n"
    "  privnet\n"
    "  hyperv mode=custom|passthrough\n"
    "    relaxed " STATE "\n"
    "    vapic " STATE "\n"
    "    spinlocks " STATE " retries=#\n"
    "    vpindex " STATE "\n"
    "    runtime " STATE "\n"
    "    synic " STATE "\n"
    "    stimer " STATE "\n"
    "      direct " STATE "\n"
    "    reset " STATE "\n"
    "    vendor_id " STATE " value\n"
    "    frequencies " STATE "\n"
    "    reenlightenment " STATE "\n"
    "    tlbflush " STATE "\n"
    "    ipi " STATE "\n"
    "    evmcs " STATE "\n"
    "  kvm\n"
    "    hidden " STATE "\n"
    "    hint-dedicated " STATE "\n"
    "    poll-control " STATE "\n"
    "    pv-ipi " STATE "\n"
    "    dirty-ring " STATE " size=#\n"
    "  pvspinlock " STATE "\n"
    "  vmport " STATE "\n"
    "  smm " STATE "\n"
    "    tseg unit :#\n"
    "  ioapic driver=kvm|qemu\n"
    "  vmcoreinfo " STATE "\n"
    "  pmu " STATE "\n"
    "  msrs unknown=ignore|fault\n";

static const char clock_grammar[] =
    "clock offset=utc|localtime|timezone|variable timezone=w adjustment=w basis=utc|localtime\n"
    "  *timer name=platform|pit|rtc|hpet|tsc|kvmclock|hypervclock present=yes|no"
    " tickpolicy=delay|catchup|merge|discard track=boot|guest|wall"
    " mode=auto|native|emulate|paravirt|smpsafe frequency=#\n"
    "    catchup threshold=# slew=# limit=#\n";

static const char pm_grammar[] =
    "pm\n"
    "  suspend-to-mem enabled=yes|no\n"
    "  suspend-to-disk enabled=yes|no\n";

static const char resource_grammar[] =
    "resource\n"
    "  partition :/\n"
    "  fibrechannel appid\n";

static const char perf_grammar[] =
    "perf\n"
    "  *event name=cmt|mbmt|mbml|cpu_cycles|instructions|cache_references|cache_misses"
    "|branch_instructions|branch_misses|bus_cycles|stalled_cycles_frontend"
    "|stalled_cycles_backend|ref_cpu_cycles|cpu_clock|task_clock|page_faults"
    "|context_switches|cpu_migrations|page_faults_min|page_faults_maj|alignment_faults"
    "|emulation_faults enabled=yes|no\n";

static const char sysinfo_grammar[] =
    "sysinfo type=smbios|fwcfg\n"
    "  bios\n"
    "    *entry name=vendor|version|date|release :\n"
    "  system\n"
    "    *entry name=manufacturer|product|version|serial|uuid|sku|family :\n"
    "  *baseBoard\n"
    "    *entry name=manufacturer|product|version|serial|asset|location :\n"
    "  chassis\n"
    "    *entry name=manufacturer|version|serial|asset|sku :\n"
    "  oemStrings\n"
    "    *entry :\n";

static const struct {
    const char *name;
    const char *grammar;
    size_t offset;
} kept_sections[] = {
    { "features", features_grammar, G_STRUCT_OFFSET(DomainDef, features) },
    { "clock", clock_grammar, G_STRUCT_OFFSET(DomainDef, clock) },
    { "pm", pm_grammar, G_STRUCT_OFFSET(DomainDef, pm) },
    { "resource", resource_grammar, G_STRUCT_OFFSET(DomainDef, resource) },
    { "perf", perf_grammar, G_STRUCT_OFFSET(DomainDef, perf) },
    { "sysinfo", sysinfo_grammar, G_STRUCT_OFFSET(DomainDef, sysinfo) },
};

#define slot_is_clock(i) (kept_sections[i].offset == G_STRUCT_OFFSET(DomainDef, clock))

/* domain.rng's timeDelta: [-+]?[0-9]+ */
static bool
clock_is_time_delta(const char *v)
{
    if (*v == '-' || *v == '+')
        v++;
    if (!*v)
        return false;
    for (; *v; v++) {
        if (!g_ascii_isdigit(*v))
            return false;
    }
    return true;
}

/* The per-offset attribute rules the grammar line cannot express. */
static int
clock_check(xmlNode *node)
{
    g_autofree char *offset = xml_get_prop(node, "offset");
    g_autofree char *adj = xml_get_prop(node, "adjustment");
    g_autofree char *tz = xml_get_prop(node, "timezone");
    g_autofree char *basis = xml_get_prop(node, "basis");
    bool variable = offset && strcmp(offset, "variable") == 0;
    bool zone = offset && strcmp(offset, "timezone") == 0;

    if (adj && (zone || (!clock_is_time_delta(adj) &&
                         (variable || strcmp(adj, "reset") != 0)))) {
        dom_error(VK_ERR_XML_ERROR,
                  _("invalid value '%1$s' for attribute 'adjustment' of element <clock>"), adj);
        return -1;
    }
    if ((tz && !zone) || (basis && !variable)) {
        dom_error(VK_ERR_XML_ERROR, _("attribute '%1$s' of element <clock> needs offset='%2$s'"),
                  tz ? "timezone" : "basis", tz ? "timezone" : "variable");
        return -1;
    }
    return 0;
}

/* Units the grammar line cannot check (kept verbatim, so they must be
 * libvirt's unit names). */
static int
features_check(xmlNode *features)
{
    xmlNode *smm = dom_child(features, "smm");
    unsigned long long kib;

    if (smm && dom_parse_memory_elem(smm, "tseg", &kib) < 0)
        return -1;
    return 0;
}

int
domain_features_parse(DomainDef *def, xmlNode *node)
{
    for (size_t i = 0; i < G_N_ELEMENTS(kept_sections); i++) {
        xmlNode **slot;

        if (strcmp(kept_sections[i].name, (const char *) node->name) != 0)
            continue;
        if (dom_spec_check(kept_sections[i].grammar, node, kept_sections[i].name) < 0)
            return -1;
        if (slot_is_clock(i) && clock_check(node) < 0)
            return -1;
        if (strcmp(kept_sections[i].name, "features") == 0 && features_check(node) < 0)
            return -1;
        slot = G_STRUCT_MEMBER_P(def, kept_sections[i].offset);
        *slot = dom_keep_node(node);
        /* libvirt defaults the offset to utc and always reports it */
        if (slot_is_clock(i) && !xmlHasProp(*slot, (const xmlChar *) "offset"))
            xmlSetProp(*slot, (const xmlChar *) "offset", (const xmlChar *) "utc");
        return 0;
    }
    g_assert_not_reached();
}

int
domain_lifecycle_parse(DomainDef *def, xmlNode *node)
{
    const char *name = (const char *) node->name;
    g_autofree char *v = g_strstrip(xml_get_content(node));
    int action = domain_lifecycle_from_string(v);
    bool crash = strcmp(name, "on_crash") == 0;

    if (node->properties || action < 0 ||
        (!crash && action >= DOMAIN_LIFECYCLE_COREDUMP_DESTROY)) {
        dom_error(VK_ERR_XML_ERROR, _("invalid value '%1$s' in element <%2$s>"), v, name);
        return -1;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("unknown element <%1$s> in <%2$s>"),
                      (const char *) c->name, name);
            return -1;
        }
    }
    if (strcmp(name, "on_poweroff") == 0)
        def->on_poweroff = action;
    else if (strcmp(name, "on_reboot") == 0)
        def->on_reboot = action;
    else
        def->on_crash = action;
    return 0;
}

void
domain_features_format(const DomainDef *def, xmlNode *root)
{
    if (def->features)
        dom_add_copy(root, def->features);
}

void
domain_lifecycle_format(const DomainDef *def, xmlNode *root)
{
    dom_add_text(root, "on_poweroff", domain_lifecycle_to_string(def->on_poweroff));
    dom_add_text(root, "on_reboot", domain_lifecycle_to_string(def->on_reboot));
    dom_add_text(root, "on_crash", domain_lifecycle_to_string(def->on_crash));
    if (def->pm)
        dom_add_copy(root, def->pm);
    if (def->perf)
        dom_add_copy(root, def->perf);
}
