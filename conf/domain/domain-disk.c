/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <disk>: file, block, network and volume sources. */
#include <string.h>

#include "conf/domain/domain-priv.h"

#define DISK_PROTOCOLS "nbd|rbd|sheepdog|gluster|iscsi|http|https|ftp|ftps|tftp|ssh|vxhs|nfs"

#define BACKING_LEVEL(ind) \
    ind "backingStore type=file|block|network index=#\n" \
    ind "  format type=raw|qcow2\n" \
    ind "  source file=/ dev=/ protocol=" DISK_PROTOCOLS " name index=#\n" \
    ind "    *host name=d port=#0-65535 transport=tcp|unix|rdma socket=/\n"

static const char disk_grammar[] =
    "disk type=file|block|network|volume device=disk|cdrom|floppy|lun\n"
    "  driver name=qemu type cache=default|none|writethrough|writeback|directsync|unsafe"
    " io=native|threads|io_uring discard=unmap|ignore detect_zeroes=off|on|unmap\n"
    "  source file=/ dev=/ protocol=" DISK_PROTOCOLS " name pool=w volume mode=host|direct"
    " startupPolicy=mandatory|requisite|optional\n"
    "    *host name=d port=#0-65535 transport=tcp|unix|rdma socket=/\n"
    "  target dev bus=ide|fdc|scsi|virtio|usb|sata tray=open|closed\n"
    "  readonly\n"
    "  shareable\n"
    "  transient\n"
    "  serial :\n"
    "  boot ...\n"
    "  address ...\n"
    BACKING_LEVEL("  ")
    BACKING_LEVEL("    ")
    BACKING_LEVEL("      ")
    "        backingStore\n";

/* domain.rng: a <backingStore> is either the bare end-of-chain marker
 * or names its type, <format> and <source>. */
static int
disk_check_backing_chain(xmlNode *b)
{
    for (; b; b = dom_child(b, "backingStore")) {
        bool bare = !b->properties;

        for (xmlNode *c = b->children; c; c = c->next)
            bare = bare && c->type != XML_ELEMENT_NODE;
        if (bare)
            return 0;
        if (!xmlHasProp(b, (const xmlChar *) "type") || !dom_child(b, "format") ||
            !dom_child(b, "source")) {
            dom_error(VK_ERR_XML_ERROR,
                      _("a non-empty <backingStore> needs a type, <format> and <source>"));
            return -1;
        }
    }
    return 0;
}

void
domain_disk_free(DomainDiskDef *d)
{
    if (!d)
        return;
    g_free(d->src_path);
    g_free(d->src_protocol);
    g_free(d->src_name);
    if (d->src_hosts)
        g_ptr_array_unref(d->src_hosts);
    g_free(d->src_pool);
    g_free(d->src_volume);
    g_free(d->src_mode);
    g_free(d->startup_policy);
    g_free(d->driver_name);
    g_free(d->cache);
    g_free(d->io);
    g_free(d->discard);
    g_free(d->detect_zeroes);
    g_free(d->dst);
    g_free(d->tray);
    g_free(d->serial);
    if (d->backing_store)
        xmlFreeNode(d->backing_store);
    g_free(d->addr.usb_port);
    g_free(d);
}

static void
disk_host_free(gpointer p)
{
    DomainDiskHost *h = p;

    g_free(h->name);
    g_free(h->port);
    g_free(h->transport);
    g_free(h->socket);
    g_free(h);
}

static int
disk_parse_source(DomainDiskDef *d, xmlNode *src)
{
    if (!src)
        return 0;
    d->src_path = xml_get_prop(src, d->type == DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file");
    d->src_protocol = xml_get_prop(src, "protocol");
    d->src_name = xml_get_prop(src, "name");
    d->src_pool = xml_get_prop(src, "pool");
    d->src_volume = xml_get_prop(src, "volume");
    d->src_mode = xml_get_prop(src, "mode");
    d->startup_policy = xml_get_prop(src, "startupPolicy");
    for (xmlNode *h = src->children; h; h = h->next) {
        DomainDiskHost *host;

        if (h->type != XML_ELEMENT_NODE)
            continue;
        host = g_new0(DomainDiskHost, 1);
        host->name = xml_get_prop(h, "name");
        host->port = xml_get_prop(h, "port");
        host->transport = xml_get_prop(h, "transport");
        host->socket = xml_get_prop(h, "socket");
        g_ptr_array_add(d->src_hosts, host);
    }
    return 0;
}

static int
disk_check_source(const DomainDiskDef *d, xmlNode *src)
{
    static const char *const attr_for[] = { "file", "dev", "protocol", "pool" };
    const char *need = attr_for[d->type];
    static const char *const all[] = { "file", "dev", "protocol", "name", "pool",
                                       "volume", "mode" };

    if (!src)
        return 0;
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
        bool ok;

        if (!xmlHasProp(src, (const xmlChar *) all[i]))
            continue;
        ok = strcmp(all[i], need) == 0 ||
             (d->type == DOMAIN_DISK_TYPE_NETWORK && strcmp(all[i], "name") == 0) ||
             (d->type == DOMAIN_DISK_TYPE_VOLUME &&
              (strcmp(all[i], "volume") == 0 || strcmp(all[i], "mode") == 0));
        if (!ok) {
            dom_error(VK_ERR_XML_ERROR,
                      _("attribute '%1$s' of <source> does not fit disk type '%2$s'"),
                      all[i], domain_disk_type_to_string(d->type));
            return -1;
        }
    }
    if (d->type == DOMAIN_DISK_TYPE_NETWORK && !xmlHasProp(src, (const xmlChar *) "protocol")) {
        dom_error(VK_ERR_XML_ERROR, _("missing source protocol for network disk"));
        return -1;
    }
    if (d->type == DOMAIN_DISK_TYPE_VOLUME &&
        (!xmlHasProp(src, (const xmlChar *) "pool") ||
         !xmlHasProp(src, (const xmlChar *) "volume"))) {
        dom_error(VK_ERR_XML_ERROR, _("volume disk source needs 'pool' and 'volume'"));
        return -1;
    }
    if (d->type == DOMAIN_DISK_TYPE_NETWORK && !dom_child(src, "host")) {
        dom_error(VK_ERR_XML_ERROR, _("network disk source needs a <host>"));
        return -1;
    }
    if (d->type != DOMAIN_DISK_TYPE_NETWORK && dom_child(src, "host")) {
        dom_error(VK_ERR_XML_ERROR, _("<host> is only valid in a network disk source"));
        return -1;
    }
    return 0;
}

static int
disk_parse_driver(DomainDiskDef *d, xmlNode *drv)
{
    g_autofree char *fmt = NULL;

    if (!drv)
        return 0;
    d->driver_name = xml_get_prop(drv, "name");
    d->cache = xml_get_prop(drv, "cache");
    d->io = xml_get_prop(drv, "io");
    d->discard = xml_get_prop(drv, "discard");
    d->detect_zeroes = xml_get_prop(drv, "detect_zeroes");
    fmt = xml_get_prop(drv, "type");
    if (fmt) {
        int f = domain_disk_format_from_string(fmt);

        if (f <= DOMAIN_DISK_FORMAT_NONE) {
            dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                      _("unsupported disk format '%1$s' (raw or qcow2)"), fmt);
            return -1;
        }
        d->format = f;
    }
    return 0;
}

static int
disk_parse_target(DomainDiskDef *d, xmlNode *tgt)
{
    int bus = -1;

    if (!tgt)
        return 0;
    if (dom_prop_enum(tgt, "bus", domain_disk_bus_from_string, &bus) < 0)
        return -1;
    d->bus = bus;
    d->dst = xml_get_prop(tgt, "dev");
    d->tray = xml_get_prop(tgt, "tray");
    if (d->dst && !g_regex_match_simple("^(hd|sd|vd|fd|xvd|ubd)[a-z]+$", d->dst, 0, 0)) {
        dom_error(VK_ERR_XML_ERROR, _("invalid disk target name '%1$s'"), d->dst);
        return -1;
    }
    return 0;
}

DomainDiskDef *
domain_disk_parse(xmlNode *node)
{
    g_autoptr(DomainDiskDef) d = g_new0(DomainDiskDef, 1);
    int type = DOMAIN_DISK_TYPE_FILE;
    int device = DOMAIN_DISK_DEVICE_DISK;
    xmlNode *n;

    d->bus = -1;
    d->src_hosts = g_ptr_array_new_with_free_func(disk_host_free);
    if (dom_spec_check(disk_grammar, node, "disk") < 0 ||
        dom_prop_enum(node, "type", domain_disk_type_from_string, &type) < 0 ||
        dom_prop_enum(node, "device", domain_disk_device_from_string, &device) < 0)
        return NULL;
    d->type = type;
    d->device = device;
    if (disk_check_source(d, dom_child(node, "source")) < 0 ||
        disk_parse_source(d, dom_child(node, "source")) < 0 ||
        disk_parse_driver(d, dom_child(node, "driver")) < 0 ||
        disk_parse_target(d, dom_child(node, "target")) < 0 ||
        domain_boot_order_parse(node, &d->boot_order) < 0 ||
        domain_address_parse(node, &d->addr, "disk") < 0)
        return NULL;
    d->readonly = dom_child(node, "readonly") != NULL;
    d->shareable = dom_child(node, "shareable") != NULL;
    d->transient = dom_child(node, "transient") != NULL;
    if ((n = dom_child(node, "serial"))) {
        d->serial = xml_get_content(n);
        if (!*d->serial || strspn(d->serial, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789_.+- ") != strlen(d->serial)) {
            dom_error(VK_ERR_XML_ERROR, _("invalid disk serial '%1$s'"), d->serial);
            return NULL;
        }
    }
    if ((n = dom_child(node, "backingStore"))) {
        if (disk_check_backing_chain(n) < 0)
            return NULL;
        d->backing_store = dom_keep_node(n);
    }
    if (d->device == DOMAIN_DISK_DEVICE_DISK && !d->src_path && !d->src_protocol &&
        !d->src_pool) {
        dom_error(VK_ERR_NO_SOURCE, "%s", d->dst ? d->dst : _("disk"));
        return NULL;
    }
    return g_steal_pointer(&d);
}

static void
disk_format_source(xmlNode *disk, const DomainDiskDef *d)
{
    xmlNode *src;

    if (!d->src_path && !d->src_protocol && !d->src_pool)
        return;
    src = dom_add(disk, "source");
    dom_set(src, d->type == DOMAIN_DISK_TYPE_BLOCK ? "dev" : "file", d->src_path);
    dom_set(src, "protocol", d->src_protocol);
    dom_set(src, "name", d->src_name);
    dom_set(src, "pool", d->src_pool);
    dom_set(src, "volume", d->src_volume);
    dom_set(src, "mode", d->src_mode);
    dom_set(src, "startupPolicy", d->startup_policy);
    for (guint i = 0; i < d->src_hosts->len; i++) {
        const DomainDiskHost *h = g_ptr_array_index(d->src_hosts, i);
        xmlNode *hn = dom_add(src, "host");

        dom_set(hn, "name", h->name);
        dom_set(hn, "port", h->port);
        dom_set(hn, "transport", h->transport);
        dom_set(hn, "socket", h->socket);
    }
}

void
domain_disk_format(xmlNode *devices, const DomainDiskDef *d)
{
    xmlNode *disk = dom_add(devices, "disk");
    xmlNode *n;

    dom_set(disk, "type", domain_disk_type_to_string(d->type));
    dom_set(disk, "device", domain_disk_device_to_string(d->device));
    if (d->driver_name || d->format || d->cache || d->io || d->discard ||
        d->detect_zeroes) {
        n = dom_add(disk, "driver");
        dom_set(n, "name", d->driver_name);
        if (d->format)
            dom_set(n, "type", domain_disk_format_to_string(d->format));
        dom_set(n, "cache", d->cache);
        dom_set(n, "io", d->io);
        dom_set(n, "discard", d->discard);
        dom_set(n, "detect_zeroes", d->detect_zeroes);
    }
    disk_format_source(disk, d);
    if (d->backing_store)
        dom_add_copy(disk, d->backing_store);
    if (d->dst || d->bus >= 0) {
        n = dom_add(disk, "target");
        dom_set(n, "dev", d->dst);
        dom_set(n, "bus", domain_disk_bus_to_string(d->bus));
        if (g_strcmp0(d->tray, "closed") != 0)
            dom_set(n, "tray", d->tray);
    }
    if (d->boot_order)
        dom_set_uint(dom_add(disk, "boot"), "order", d->boot_order);
    if (d->readonly)
        dom_add(disk, "readonly");
    if (d->shareable)
        dom_add(disk, "shareable");
    if (d->transient)
        dom_add(disk, "transient");
    if (d->serial)
        dom_add_text(disk, "serial", d->serial);
    domain_address_format(disk, &d->addr);
}
