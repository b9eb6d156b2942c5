/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Post-parse defaults, as libvirt's qemu driver fills them so that
 * dumpxml after define looks the same: machine type, boot device,
 * emulator, disk buses and names, MAC addresses, serial/console pairing,
 * implicit controllers, ps2 inputs, memballoon, then addresses.
 */
#include <string.h>

#include "conf/domain/domain-priv.h"

/* The machine versions libvirt expands the aliases to (QEMU 7.2). */
#define MACHINE_PC "pc-i440fx-7.2"
#define MACHINE_Q35 "pc-q35-7.2"

bool
domain_def_is_q35(const DomainDef *def)
{
    /* our own machine has a PCIe host bridge and ECAM: q35's family */
    return def->os.machine && (strstr(def->os.machine, "q35") != NULL ||
                               g_str_has_prefix(def->os.machine, "virtkvm-"));
}

static int
defaults_os(DomainDef *def)
{
    DomainOsDef *os = &def->os;

    if (!os->type)
        os->type = g_strdup("hvm");
    if (strcmp(os->type, "hvm") != 0) {
        dom_error(VK_ERR_OS_TYPE, _("unsupported OS type '%1$s'"), os->type);
        return -1;
    }
    if (!os->arch)
        os->arch = g_strdup("x86_64");
    if (!os->machine || strcmp(os->machine, "pc") == 0) {
        g_free(os->machine);
        os->machine = g_strdup(MACHINE_PC);
    } else if (strcmp(os->machine, "q35") == 0) {
        g_free(os->machine);
        os->machine = g_strdup(MACHINE_Q35);
    }
    if (os->nboot_devs == 0 && !domain_def_has_device_boot(def))
        os->boot_devs[os->nboot_devs++] = DOMAIN_BOOT_HD;
    if (!def->emulator)
        def->emulator = g_strdup(domain_default_emulator());
    if (!def->clock)
        def->clock = xmlNewNode(NULL, (const xmlChar *) "clock");
    if (!xmlHasProp(def->clock, (const xmlChar *) "offset"))
        dom_set(def->clock, "offset", "utc");
    if (def->genid_requested && !def->genid) {
        unsigned char g[DOMAIN_UUID_BUFLEN];

        def->genid = g_malloc(DOMAIN_UUID_STRLEN);
        domain_uuid_generate(g);
        domain_uuid_format(g, def->genid);
    }
    return 0;
}

/* "vdb" -> 1, "sdaa" -> 26; -1 if not a disk name. */
int
domain_disk_name_index(const char *dst)
{
    static const char *const prefixes[] = { "hd", "sd", "vd", "fd", "xvd", "ubd" };
    const char *p = NULL;
    int idx = 0;

    for (size_t i = 0; dst && i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(dst, prefixes[i]))
            p = dst + strlen(prefixes[i]);
    }
    if (!p || !*p)
        return -1;
    for (; *p; p++) {
        if (*p < 'a' || *p > 'z' || idx > 100000)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

static char *
disk_name_from_index(const char *prefix, int idx)
{
    char buf[16];
    int pos = (int) sizeof(buf) - 1;

    buf[pos] = '\0';
    do {
        buf[--pos] = (char) ('a' + idx % 26);
        idx = idx / 26 - 1;
    } while (idx >= 0 && pos > 0);
    return g_strconcat(prefix, buf + pos, NULL);
}

static const char *
disk_bus_prefix(DomainDiskBus bus)
{
    switch (bus) {
    case DOMAIN_DISK_BUS_IDE: return "hd";
    case DOMAIN_DISK_BUS_FDC: return "fd";
    case DOMAIN_DISK_BUS_VIRTIO: return "vd";
    default: return "sd";
    }
}

static void
defaults_disk_bus(DomainDiskDef *d)
{
    if ((int) d->bus >= 0)
        return;
    if (!d->dst)
        d->bus = d->device == DOMAIN_DISK_DEVICE_FLOPPY ? DOMAIN_DISK_BUS_FDC :
                 d->device == DOMAIN_DISK_DEVICE_CDROM ? DOMAIN_DISK_BUS_SATA :
                 DOMAIN_DISK_BUS_VIRTIO;
    else if (g_str_has_prefix(d->dst, "hd"))
        d->bus = DOMAIN_DISK_BUS_IDE;
    else if (g_str_has_prefix(d->dst, "fd"))
        d->bus = DOMAIN_DISK_BUS_FDC;
    else if (g_str_has_prefix(d->dst, "vd"))
        d->bus = DOMAIN_DISK_BUS_VIRTIO;
    else
        d->bus = DOMAIN_DISK_BUS_SCSI;
}

static bool
disk_name_taken(const DomainDef *def, const char *name)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (g_strcmp0(d->dst, name) == 0)
            return true;
    }
    return false;
}

/* libvirt keeps disks of one bus together, ordered by target index:
 * each disk goes after the last one on its bus, or before the first one
 * on its bus with a higher index; a disk on a new bus goes last. */
static void
disks_sort(DomainDef *def)
{
    g_autoptr(GPtrArray) old = def->disks;

    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify) domain_disk_free);
    for (guint n = 0; n < old->len; n++) {
        DomainDiskDef *d = g_ptr_array_index(old, n);
        int at = -1;

        for (int i = (int) def->disks->len - 1; i >= 0; i--) {
            DomainDiskDef *o = g_ptr_array_index(def->disks, i);

            if (o->bus != d->bus)
                continue;
            if (domain_disk_name_index(o->dst) > domain_disk_name_index(d->dst))
                at = i;
            else if (at == -1)
                at = i + 1;
        }
        g_ptr_array_insert(def->disks, at, d);
    }
    g_ptr_array_set_free_func(old, NULL);
}

static void
defaults_disks(DomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        defaults_disk_bus(d);
        for (int idx = 0; !d->dst; idx++) {
            g_autofree char *name = disk_name_from_index(disk_bus_prefix(d->bus), idx);

            if (!disk_name_taken(def, name))
                d->dst = g_steal_pointer(&name);
        }
        if (!d->driver_name)
            d->driver_name = g_strdup("qemu");
        if (d->format == DOMAIN_DISK_FORMAT_NONE)
            d->format = DOMAIN_DISK_FORMAT_RAW;
        if (d->device == DOMAIN_DISK_DEVICE_CDROM)
            d->readonly = true;
    }
    /* libvirt sorts with the buses as written; sorting with the
     * defaulted buses keeps define -> dumpxml -> define stable */
    disks_sort(def);
}

/* Tap names the host picks itself are runtime state, not config. */
static bool
net_is_auto_name(const char *dev)
{
    return dev && (g_str_has_prefix(dev, "vnet") || g_str_has_prefix(dev, "macvtap") ||
                   g_str_has_prefix(dev, "macvlan"));
}

static void
defaults_nets(DomainDef *def, unsigned int flags)
{
    for (guint i = 0; i < def->nets->len; i++) {
        DomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (!(flags & DOMAIN_DEF_PARSE_STATUS) && net_is_auto_name(n->target_dev))
            g_clear_pointer(&n->target_dev, g_free);

        if (!n->mac_set) {
            guint32 r = g_random_int();

            n->mac[0] = 0x52;
            n->mac[1] = 0x54;
            n->mac[2] = 0x00;
            n->mac[3] = (unsigned char) (r >> 16);
            n->mac[4] = (unsigned char) (r >> 8);
            n->mac[5] = (unsigned char) r;
            n->mac_set = true;
        }
        /* our VMM implements virtio-net only (libvirt would pick rtl8139) */
        if (!n->model)
            n->model = g_strdup("virtio");
    }
}

static void
defaults_serials(DomainDef *def)
{
    for (guint i = 0; i < def->serials->len; i++) {
        DomainChrDef *s = g_ptr_array_index(def->serials, i);

        if (!s->target_type)
            s->target_type = g_strdup("isa-serial");
        if (s->target_port < 0)
            s->target_port = (int) i;
        if (!s->target_model && strcmp(s->target_type, "isa-serial") == 0)
            s->target_model = g_strdup("isa-serial");
    }
}

static DomainChrDef *
chr_copy_source(const DomainChrDef *src, DomainChrKind kind)
{
    DomainChrDef *c = g_new0(DomainChrDef, 1);

    c->kind = kind;
    c->type = src->type;
    c->path = g_strdup(src->path);
    c->mode = g_strdup(src->mode);
    c->host = g_strdup(src->host);
    c->service = g_strdup(src->service);
    c->protocol = g_strdup(src->protocol);
    c->append = src->append;
    c->target_port = -1;
    c->addr.multifunction = -1;
    return c;
}

/* libvirt: the first console, when of target type serial (the x86
 * default), is an alias of the first serial port; create that serial. */
static void
defaults_consoles(DomainDef *def)
{
    int nvirtio = 0;

    if (def->consoles->len == 0 && def->serials->len > 0) {
        DomainChrDef *c = chr_copy_source(g_ptr_array_index(def->serials, 0),
                                          DOMAIN_CHR_CONSOLE);

        c->target_type = g_strdup("serial");
        g_ptr_array_add(def->consoles, c);
    }
    for (guint i = 0; i < def->consoles->len; i++) {
        DomainChrDef *c = g_ptr_array_index(def->consoles, i);

        if (!c->target_type)
            c->target_type = g_strdup(i == 0 ? "serial" : "virtio");
        if (strcmp(c->target_type, "virtio") == 0) {
            c->target_port = nvirtio++;
            continue;
        }
        if (i > 0) {
            if (c->target_port < 0)
                c->target_port = (int) i;
            continue;
        }
        if (def->serials->len == 0)
            g_ptr_array_add(def->serials, chr_copy_source(c, DOMAIN_CHR_SERIAL));
        defaults_serials(def);
        c->target_port = ((DomainChrDef *) g_ptr_array_index(def->serials, 0))->target_port;
    }
    defaults_serials(def);
}

static void
defaults_channels(DomainDef *def)
{
    for (guint i = 0; i < def->channels->len; i++) {
        DomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (c->type == DOMAIN_CHR_TYPE_SPICEVMC && !c->target_name)
            c->target_name = g_strdup("com.redhat.spice.0");
    }
}

static bool
has_graphics(const DomainDef *def, DomainGenericKind kind, const char *input_type)
{
    for (guint i = 0; i < def->generic->len; i++) {
        const DomainGenericDev *g = g_ptr_array_index(def->generic, i);
        g_autofree char *t = NULL;
        g_autofree char *b = NULL;

        if (g->kind != kind)
            continue;
        if (!input_type)
            return true;
        t = xml_get_prop(g->node, "type");
        b = xml_get_prop(g->node, "bus");
        if (g_strcmp0(t, input_type) == 0 && g_strcmp0(b, "ps2") == 0)
            return true;
    }
    return false;
}

static DomainGenericDev *add_generic(DomainDef *def, DomainGenericKind kind,
                                     const char *name);

static void
add_ps2_input(DomainDef *def, const char *type)
{
    DomainGenericDev *d = add_generic(def, DOMAIN_GENERIC_INPUT, "input");

    dom_set(d->node, "type", type);
    dom_set(d->node, "bus", "ps2");
}

static DomainGenericDev *
add_generic(DomainDef *def, DomainGenericKind kind, const char *name)
{
    DomainGenericDev *d = g_new0(DomainGenericDev, 1);

    d->kind = kind;
    d->addr.multifunction = -1;
    d->node = xmlNewNode(NULL, (const xmlChar *) name);
    g_ptr_array_add(def->generic, d);
    return d;
}

static bool
has_spice(const DomainDef *def)
{
    for (guint i = 0; i < def->generic->len; i++) {
        const DomainGenericDev *g = g_ptr_array_index(def->generic, i);
        g_autofree char *t = NULL;

        if (g->kind != DOMAIN_GENERIC_GRAPHICS)
            continue;
        t = xml_get_prop(g->node, "type");
        if (g_strcmp0(t, "spice") == 0)
            return true;
    }
    return false;
}

/* libvirt (x86): ps2 mouse and keyboard always exist; a video card when
 * there is graphics; one audio backend matching the display. */
static void
defaults_display(DomainDef *def)
{
    bool first_video = true;

    if (has_graphics(def, DOMAIN_GENERIC_GRAPHICS, NULL) &&
        !has_graphics(def, DOMAIN_GENERIC_VIDEO, NULL)) {
        xmlNode *m = dom_add(add_generic(def, DOMAIN_GENERIC_VIDEO, "video")->node, "model");

        dom_set(m, "type", "cirrus");
    }
    for (guint i = 0; i < def->generic->len; i++) {
        DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        domain_graphics_defaults(g, g->kind == DOMAIN_GENERIC_VIDEO && first_video);
        domain_misc_defaults(g);
        if (g->kind == DOMAIN_GENERIC_VIDEO)
            first_video = false;
    }
    if (!has_graphics(def, DOMAIN_GENERIC_INPUT, "mouse"))
        add_ps2_input(def, "mouse");
    if (!has_graphics(def, DOMAIN_GENERIC_INPUT, "keyboard"))
        add_ps2_input(def, "keyboard");
    if (!has_graphics(def, DOMAIN_GENERIC_AUDIO, NULL)) {
        xmlNode *a = add_generic(def, DOMAIN_GENERIC_AUDIO, "audio")->node;

        dom_set(a, "id", "1");
        dom_set(a, "type", has_spice(def) ? "spice" : "none");
    }
}

static void
defaults_memballoon(DomainDef *def)
{
    if (!def->memballoon) {
        def->memballoon = g_new0(DomainMemballoonDef, 1);
        def->memballoon->model = g_strdup("virtio");
        def->memballoon->autodeflate = -1;
        def->memballoon->free_page_reporting = -1;
        def->memballoon->stats_period = -1;
        def->memballoon->addr.multifunction = -1;
    }
}

int
domain_defaults_apply(DomainDef *def, unsigned int flags)
{
    if (defaults_os(def) < 0)
        return -1;
    defaults_disks(def);
    defaults_nets(def, flags);
    defaults_consoles(def);
    defaults_channels(def);
    defaults_display(def);
    defaults_memballoon(def);
    if (domain_controllers_add_default(def) < 0)
        return -1;
    if (domain_address_assign(def) < 0)
        return -1;
    domain_controllers_finish(def);
    return 0;
}
