/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <rng>, <memballoon> (typed) and the kept devices: <watchdog>, <tpm>,
 * <hostdev>, <filesystem>, <redirdev>, <panic>; the generic parse/format
 * of kept devices.
 */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char rng_grammar[] =
    "rng model=virtio|virtio-transitional|virtio-non-transitional\n"
    "  rate bytes=# period=#\n"
    "  backend model :/\n"
    "  address ...\n";

static const char memballoon_grammar[] =
    "memballoon model=virtio|virtio-transitional|virtio-non-transitional|none"
    " autodeflate=on|off freePageReporting=on|off\n"
    "  stats period=#\n"
    "  address ...\n";

static const char watchdog_grammar[] =
    "watchdog model=i6300esb|ib700|diag288|itco"
    " action=reset|shutdown|poweroff|pause|none|dump|inject-nmi\n"
    "  address ...\n";

static const char tpm_grammar[] =
    "tpm model=tpm-tis|tpm-crb|tpm-spapr|spapr-tpm-proxy\n"
    "  backend type=passthrough|emulator|external version=1.2|2.0 persistent_state=yes|no\n"
    "    device path=/\n"
    "    encryption secret\n"
    "    source type=unix mode=connect path\n"
    "    active_pcr_banks\n"
    "      sha1\n"
    "      sha256\n"
    "      sha384\n"
    "      sha512\n";

static const char hostdev_grammar[] =
    "hostdev mode=subsystem type=pci|usb|scsi|mdev managed=yes|no model=vfio-pci|vfio-ccw|vfio-ap"
    " display=on|off\n"
    "  source startupPolicy=mandatory|requisite|optional\n"
    "    vendor id=x\n"
    "    product id=x\n"
    "    address type=pci|usb|scsi domain=# bus=# slot=# function=# device=#"
    " target=# unit=# uuid\n"
    "    adapter name\n"
    "  driver name=vfio|kvm|xen\n"
    "  rom bar=on|off file enabled=yes|no\n"
    "  readonly\n"
    "  shareable\n"
    "  boot ...\n"
    "  address ...\n";

static const char filesystem_grammar[] =
    "filesystem type=mount|block|file|template|ram|bind|volume"
    " accessmode=passthrough|mapped|squash multidevs=default|remap|forbid|warn fmode dmode\n"
    "  driver type=path|handle|loop|nbd|ploop|virtiofs format wrpolicy=immediate queue=#\n"
    "  binary path=/ xattr=on|off\n"
    "    cache mode=none|always\n"
    "    lock posix=on|off flock=on|off\n"
    "    sandbox mode=namespace|chroot\n"
    "  source dir=/ file=/ name socket=/ usage=# units\n"
    "  target dir\n"
    "  readonly\n"
    "  address ...\n";

static const char redirdev_grammar[] =
    "redirdev bus=usb type=spicevmc|tcp\n"
    "  source mode=connect|bind host service\n"
    "  protocol type=raw|telnet\n"
    "  boot ...\n"
    "  address ...\n";

static const char panic_grammar[] =
    "panic model=isa|pseries|hyperv|s390|pvpanic\n"
    "  address ...\n";

const char *
domain_misc_grammar(DomainGenericKind kind)
{
    switch (kind) {
    case DOMAIN_GENERIC_WATCHDOG: return watchdog_grammar;
    case DOMAIN_GENERIC_TPM: return tpm_grammar;
    case DOMAIN_GENERIC_HOSTDEV: return hostdev_grammar;
    case DOMAIN_GENERIC_FILESYSTEM: return filesystem_grammar;
    case DOMAIN_GENERIC_REDIRDEV: return redirdev_grammar;
    case DOMAIN_GENERIC_PANIC: return panic_grammar;
    default: return NULL;
    }
}

void
domain_generic_free(DomainGenericDev *dev)
{
    if (!dev)
        return;
    if (dev->node)
        xmlFreeNode(dev->node);
    g_free(dev->addr.usb_port);
    g_free(dev);
}

static int
generic_check_semantics(DomainGenericDev *dev)
{
    xmlNode *n = dev->node;

    if (dev->kind == DOMAIN_GENERIC_GRAPHICS && !xmlHasProp(n, (const xmlChar *) "type")) {
        dom_error(VK_ERR_XML_ERROR, _("missing graphics type"));
        return -1;
    }
    if (dev->kind == DOMAIN_GENERIC_HOSTDEV && !dom_child(n, "source")) {
        dom_error(VK_ERR_XML_ERROR, _("missing <source> in hostdev"));
        return -1;
    }
    if (dev->kind == DOMAIN_GENERIC_FILESYSTEM &&
        (!dom_child(n, "source") || !dom_child(n, "target"))) {
        dom_error(VK_ERR_XML_ERROR, _("filesystem needs <source> and <target>"));
        return -1;
    }
    if ((dev->kind == DOMAIN_GENERIC_SOUND || dev->kind == DOMAIN_GENERIC_WATCHDOG) &&
        !xmlHasProp(n, (const xmlChar *) "model")) {
        dom_error(VK_ERR_XML_ERROR, _("missing model for <%1$s>"),
                  domain_generic_kind_to_string(dev->kind));
        return -1;
    }
    if (dev->kind == DOMAIN_GENERIC_AUDIO &&
        (!xmlHasProp(n, (const xmlChar *) "id") || !xmlHasProp(n, (const xmlChar *) "type"))) {
        dom_error(VK_ERR_XML_ERROR, _("audio needs 'id' and 'type'"));
        return -1;
    }
    return 0;
}

DomainGenericDev *
domain_generic_parse(xmlNode *node, DomainGenericKind kind)
{
    g_autoptr(DomainGenericDev) dev = g_new0(DomainGenericDev, 1);
    const char *grammar = domain_graphics_grammar(kind);
    const char *name = domain_generic_kind_to_string(kind);

    if (!grammar)
        grammar = domain_misc_grammar(kind);
    dev->kind = kind;
    if (dom_spec_check(grammar, node, name) < 0 ||
        domain_address_parse(node, &dev->addr, name) < 0 ||
        domain_boot_order_parse(node, &dev->boot_order) < 0)
        return NULL;
    dev->node = dom_keep_node(node);
    dom_drop_children(dev->node, "address");
    return generic_check_semantics(dev) < 0 ? NULL : g_steal_pointer(&dev);
}

void
domain_generic_format(xmlNode *devices, const DomainGenericDev *dev, unsigned int flags)
{
    xmlNode *n = dom_add_copy(devices, dev->node);

    if (dev->kind == DOMAIN_GENERIC_GRAPHICS && !(flags & DOMAIN_DEF_FORMAT_SECURE))
        xmlUnsetProp(n, (const xmlChar *) "passwd");
    domain_address_format(n, &dev->addr);
}

static bool
prop_is(xmlNode *n, const char *attr, const char *const *values)
{
    g_autofree char *v = xml_get_prop(n, attr);

    return v && g_strv_contains(values, v);
}

bool
domain_generic_wants_pci(const DomainGenericDev *dev)
{
    static const char *const pci_sound[] = { "es1370", "ac97", "ich6", "ich7", "ich9", NULL };
    static const char *const pci_wd[] = { "i6300esb", NULL };
    static const char *const pci_hostdev[] = { "pci", NULL };
    static const char *const virtio[] = { "virtio", NULL };
    xmlNode *n = dev->node;
    xmlNode *m;

    switch (dev->kind) {
    case DOMAIN_GENERIC_VIDEO:
        m = dom_child(n, "model");
        return !(m && prop_is(m, "type", (const char *const[]) { "none", "ramfb", NULL }));
    case DOMAIN_GENERIC_SOUND:
        return prop_is(n, "model", pci_sound);
    case DOMAIN_GENERIC_WATCHDOG:
        return prop_is(n, "model", pci_wd);
    case DOMAIN_GENERIC_HOSTDEV:
        return prop_is(n, "type", pci_hostdev);
    case DOMAIN_GENERIC_FILESYSTEM:
        return true;
    case DOMAIN_GENERIC_INPUT:
        return prop_is(n, "bus", virtio);
    default:
        return false;
    }
}

void
domain_rng_free(DomainRngDef *r)
{
    if (!r)
        return;
    g_free(r->model);
    g_free(r->source_path);
    g_free(r->addr.usb_port);
    g_free(r);
}

DomainRngDef *
domain_rng_parse(xmlNode *node)
{
    g_autoptr(DomainRngDef) r = g_new0(DomainRngDef, 1);
    xmlNode *b;
    xmlNode *rate;
    int backend = -1;

    if (dom_spec_check(rng_grammar, node, "rng") < 0)
        return NULL;
    r->model = xml_get_prop(node, "model");
    if (!(b = dom_child(node, "backend"))) {
        dom_error(VK_ERR_XML_ERROR, _("missing <backend> for rng device"));
        return NULL;
    }
    if (dom_prop_enum(b, "model", domain_rng_backend_from_string, &backend) <= 0) {
        if (backend < 0 && !xmlHasProp(b, (const xmlChar *) "model"))
            dom_error(VK_ERR_XML_ERROR, _("missing rng backend model"));
        return NULL;
    }
    r->backend = backend;
    r->source_path = g_strstrip(xml_get_content(b));
    if (!*r->source_path)
        g_clear_pointer(&r->source_path, g_free);
    if (r->backend == DOMAIN_RNG_BACKEND_BUILTIN && r->source_path) {
        dom_error(VK_ERR_XML_ERROR, _("builtin rng backend takes no source path"));
        return NULL;
    }
    if ((rate = dom_child(node, "rate")) &&
        (dom_prop_uint(rate, "bytes", &r->rate_bytes) <= 0 ||
         dom_prop_uint(rate, "period", &r->rate_period) < 0)) {
        if (!xmlHasProp(rate, (const xmlChar *) "bytes"))
            dom_error(VK_ERR_XML_ERROR, _("rng <rate> needs 'bytes'"));
        return NULL;
    }
    if (domain_address_parse(node, &r->addr, "rng") < 0)
        return NULL;
    return g_steal_pointer(&r);
}

void
domain_rng_format(xmlNode *devices, const DomainRngDef *r)
{
    xmlNode *n = dom_add(devices, "rng");
    xmlNode *b;

    dom_set(n, "model", r->model);
    if (r->rate_bytes) {
        xmlNode *rate = dom_add(n, "rate");

        dom_set_uint(rate, "bytes", r->rate_bytes);
        if (r->rate_period)
            dom_set_uint(rate, "period", r->rate_period);
    }
    b = r->source_path ? dom_add_text(n, "backend", r->source_path) : dom_add(n, "backend");
    dom_set(b, "model", domain_rng_backend_to_string(r->backend));
    domain_address_format(n, &r->addr);
}

void
domain_memballoon_free(DomainMemballoonDef *m)
{
    if (!m)
        return;
    g_free(m->model);
    g_free(m->addr.usb_port);
    g_free(m);
}

DomainMemballoonDef *
domain_memballoon_parse(xmlNode *node)
{
    g_autoptr(DomainMemballoonDef) m = g_new0(DomainMemballoonDef, 1);
    xmlNode *st;

    m->autodeflate = m->free_page_reporting = m->stats_period = -1;
    if (dom_spec_check(memballoon_grammar, node, "memballoon") < 0 ||
        dom_prop_bool(node, "autodeflate", true, &m->autodeflate) < 0 ||
        dom_prop_bool(node, "freePageReporting", true, &m->free_page_reporting) < 0)
        return NULL;
    m->model = xml_get_prop(node, "model");
    if (!m->model) {
        dom_error(VK_ERR_XML_ERROR, _("missing memballoon model"));
        return NULL;
    }
    if ((st = dom_child(node, "stats")) && dom_prop_int(st, "period", &m->stats_period) < 0)
        return NULL;
    if (domain_address_parse(node, &m->addr, "memballoon") < 0)
        return NULL;
    return g_steal_pointer(&m);
}

void
domain_memballoon_format(xmlNode *devices, const DomainMemballoonDef *m)
{
    xmlNode *n = dom_add(devices, "memballoon");

    dom_set(n, "model", m->model);
    if (m->autodeflate >= 0)
        dom_set(n, "autodeflate", m->autodeflate ? "on" : "off");
    if (m->free_page_reporting >= 0)
        dom_set(n, "freePageReporting", m->free_page_reporting ? "on" : "off");
    if (m->stats_period >= 0)
        dom_set_uint(dom_add(n, "stats"), "period", (unsigned) m->stats_period);
    domain_address_format(n, &m->addr);
}

/* Subsystem hostdevs are reported with managed='no' unless managed. */
void
domain_misc_defaults(DomainGenericDev *dev)
{
    if (dev->kind == DOMAIN_GENERIC_HOSTDEV &&
        !xmlHasProp(dev->node, (const xmlChar *) "managed"))
        dom_set(dev->node, "managed", "no");
}
