/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address assignment for devices defined without one: drive addresses
 * from the target name, virtio-serial ports, USB ports, and PCI slots on
 * bus 0 in the order libvirt's qemu driver uses (fixed chipset slots,
 * primary video, controllers, filesystems, NICs, sound, other video,
 * hostdevs, virtio disks, virtio inputs, balloon, rng, watchdog).
 */
#include <string.h>

#include "conf/domain/domain-priv.h"

typedef struct {
    guint8 used[32];        /* bitmask of functions per slot on bus 0 */
    bool reserved[32];
} PciBus;

static int
drive_address_for(DomainDiskDef *d)
{
    int idx = domain_disk_name_index(d->dst);
    DomainDeviceAddress *a = &d->addr;

    if (idx < 0 || a->type != DOMAIN_ADDR_NONE)
        return 0;
    switch (d->bus) {
    case DOMAIN_DISK_BUS_IDE:
        a->controller = (unsigned) idx / 4;
        a->bus = ((unsigned) idx % 4) / 2;
        a->unit = (unsigned) idx % 2;
        break;
    case DOMAIN_DISK_BUS_SATA:
        a->controller = (unsigned) idx / 6;
        a->unit = (unsigned) idx % 6;
        break;
    case DOMAIN_DISK_BUS_SCSI:
        a->controller = (unsigned) idx / 7;
        a->unit = (unsigned) idx % 7;
        break;
    case DOMAIN_DISK_BUS_FDC:
        a->unit = (unsigned) idx;
        break;
    default:
        return 0;
    }
    if (a->controller > 255 || a->unit > 255) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                  _("disk target '%1$s' is beyond what the controllers can address"), d->dst);
        return -1;
    }
    a->type = DOMAIN_ADDR_DRIVE;
    return 0;
}

int
domain_address_assign_drives(DomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        if (drive_address_for(g_ptr_array_index(def->disks, i)) < 0)
            return -1;
    }
    return 0;
}

static void
assign_virtio_serial(DomainDef *def)
{
    g_autoptr(GHashTable) used = g_hash_table_new(g_direct_hash, g_direct_equal);
    unsigned int next = 1;

    for (guint i = 0; i < def->channels->len; i++) {
        DomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (c->addr.type == DOMAIN_ADDR_VIRTIO_SERIAL && c->addr.controller == 0)
            g_hash_table_add(used, GUINT_TO_POINTER(c->addr.port));
    }
    for (guint i = 0; i < def->channels->len; i++) {
        DomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (c->addr.type != DOMAIN_ADDR_NONE || g_strcmp0(c->target_type, "virtio") != 0)
            continue;
        while (g_hash_table_contains(used, GUINT_TO_POINTER(next)))
            next++;
        c->addr.type = DOMAIN_ADDR_VIRTIO_SERIAL;
        c->addr.port = next++;
    }
}

static bool
generic_is_usb(const DomainGenericDev *g)
{
    g_autofree char *bus = xml_get_prop(g->node, "bus");
    g_autofree char *type = xml_get_prop(g->node, "type");

    if (g->kind == DOMAIN_GENERIC_HOSTDEV)
        return g_strcmp0(type, "usb") == 0;
    return (g->kind == DOMAIN_GENERIC_INPUT || g->kind == DOMAIN_GENERIC_REDIRDEV) &&
           g_strcmp0(bus, "usb") == 0;
}

static void
usb_take(DomainDeviceAddress *a, GHashTable *used, unsigned int *next)
{
    g_autofree char *port = NULL;

    while (g_hash_table_contains(used, (port = g_strdup_printf("%u", *next)))) {
        g_free(port);
        (*next)++;
    }
    a->type = DOMAIN_ADDR_USB;
    a->bus = 0;
    a->usb_port = g_steal_pointer(&port);
    (*next)++;
}

static void
assign_usb(DomainDef *def)
{
    g_autoptr(GHashTable) used = g_hash_table_new(g_str_hash, g_str_equal);
    DomainControllerDef *usb = domain_def_find_controller(def, DOMAIN_CONTROLLER_USB, 0);
    unsigned int next = 1;

    if (!usb || g_strcmp0(usb->model, "none") == 0)
        return;
    for (guint i = 0; i < def->generic->len; i++) {
        DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (g->addr.type == DOMAIN_ADDR_USB && g->addr.usb_port)
            g_hash_table_add(used, g->addr.usb_port);
    }
    for (guint i = 0; i < def->disks->len; i++) {
        DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->bus == DOMAIN_DISK_BUS_USB && d->addr.type == DOMAIN_ADDR_NONE)
            usb_take(&d->addr, used, &next);
    }
    for (guint i = 0; i < def->generic->len; i++) {
        DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (generic_is_usb(g) && g->addr.type == DOMAIN_ADDR_NONE)
            usb_take(&g->addr, used, &next);
    }
}

static void
pci_mark(PciBus *b, const DomainDeviceAddress *a)
{
    if (a->type == DOMAIN_ADDR_PCI && a->domain == 0 && a->bus == 0)
        b->used[a->slot] |= (guint8) (1u << a->function);
}

static int
pci_take(PciBus *b, DomainDeviceAddress *a, int want_slot, unsigned int function)
{
    int slot = -1;

    if (want_slot >= 0 && !(b->used[want_slot] & (1u << function)))
        slot = want_slot;
    for (int s = 1; slot < 0 && s < 32; s++) {
        if (!b->reserved[s] && b->used[s] == 0)
            slot = s;
    }
    if (slot < 0) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED, _("no more available PCI slots on bus 0"));
        return -1;
    }
    memset(a, 0, sizeof(*a));
    a->type = DOMAIN_ADDR_PCI;
    a->slot = (unsigned) slot;
    a->function = function;
    a->multifunction = -1;
    b->used[slot] |= (guint8) (1u << function);
    return 0;
}

static bool
controller_wants_pci(const DomainDef *def, const DomainControllerDef *c)
{
    switch (c->type) {
    case DOMAIN_CONTROLLER_USB:
        return g_strcmp0(c->model, "none") != 0;
    case DOMAIN_CONTROLLER_SCSI:
    case DOMAIN_CONTROLLER_VIRTIO_SERIAL:
    case DOMAIN_CONTROLLER_SATA:
        return true;
    case DOMAIN_CONTROLLER_PCI:
        return g_strcmp0(c->model, "pci-root") != 0 && g_strcmp0(c->model, "pcie-root") != 0;
    case DOMAIN_CONTROLLER_IDE:
        return !domain_def_is_q35(def);
    default:
        return false;
    }
}

/* ich9 EHCI + UHCI companions of one index share a slot: EHCI on
 * function 7, UHCI1..3 on functions 0..2 (multifunction on UHCI1). */
static int
pci_assign_usb_group(PciBus *b, DomainDef *def, DomainControllerDef *ehci)
{
    DomainDeviceAddress slot_addr;

    if (pci_take(b, &slot_addr, -1, 7) < 0)
        return -1;
    ehci->addr = slot_addr;
    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        int n;

        if (c->type != DOMAIN_CONTROLLER_USB || c->idx != ehci->idx ||
            c->addr.type != DOMAIN_ADDR_NONE || !c->model ||
            !g_str_has_prefix(c->model, "ich9-uhci"))
            continue;
        n = c->model[strlen(c->model) - 1] - '1';
        if (n < 0 || n > 2 || pci_take(b, &c->addr, (int) slot_addr.slot, (unsigned) n) < 0)
            return -1;
        if (n == 0)
            c->addr.multifunction = 1;
    }
    return 0;
}

static int
pci_assign_fixed(PciBus *b, DomainDef *def, bool q35)
{
    DomainControllerDef *c;

    b->reserved[0] = true;
    b->reserved[q35 ? 0x1f : 1] = true;
    if (q35 && (c = domain_def_find_controller(def, DOMAIN_CONTROLLER_SATA, 0)) &&
        c->addr.type == DOMAIN_ADDR_NONE && pci_take(b, &c->addr, 0x1f, 2) < 0)
        return -1;
    if (!q35 && (c = domain_def_find_controller(def, DOMAIN_CONTROLLER_IDE, 0)) &&
        c->addr.type == DOMAIN_ADDR_NONE && pci_take(b, &c->addr, 1, 1) < 0)
        return -1;
    if (!q35 && (c = domain_def_find_controller(def, DOMAIN_CONTROLLER_USB, 0)) &&
        c->addr.type == DOMAIN_ADDR_NONE && g_strcmp0(c->model, "piix3-uhci") == 0 &&
        pci_take(b, &c->addr, 1, 2) < 0)
        return -1;
    for (guint i = 0; i < def->generic->len; i++) {
        DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (g->kind != DOMAIN_GENERIC_VIDEO)
            continue;
        if (g->addr.type == DOMAIN_ADDR_NONE && domain_generic_wants_pci(g) &&
            pci_take(b, &g->addr, q35 ? 1 : 2, 0) < 0)
            return -1;
        return 0;
    }
    return 0;
}

/* PCI bridges and ports (@pci) first, the other controllers later. */
static int
pci_assign_controllers(PciBus *b, DomainDef *def, bool pci)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->addr.type != DOMAIN_ADDR_NONE || !controller_wants_pci(def, c) ||
            (c->type == DOMAIN_CONTROLLER_PCI) != pci)
            continue;
        if (c->type == DOMAIN_CONTROLLER_USB && g_strcmp0(c->model, "ich9-ehci1") == 0) {
            if (pci_assign_usb_group(b, def, c) < 0)
                return -1;
            continue;
        }
        if (c->type == DOMAIN_CONTROLLER_USB && c->model &&
            g_str_has_prefix(c->model, "ich9-uhci") &&
            domain_def_find_controller(def, DOMAIN_CONTROLLER_USB, c->idx) != c)
            continue;   /* placed with its EHCI */
        if (pci_take(b, &c->addr, -1, 0) < 0)
            return -1;
    }
    return 0;
}

static int
pci_assign_generic(PciBus *b, DomainDef *def, DomainGenericKind kind)
{
    for (guint i = 0; i < def->generic->len; i++) {
        DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (g->kind == kind && g->addr.type == DOMAIN_ADDR_NONE &&
            domain_generic_wants_pci(g) && pci_take(b, &g->addr, -1, 0) < 0)
            return -1;
    }
    return 0;
}

static bool
model_is_virtio(const char *model)
{
    return model && g_str_has_prefix(model, "virtio");
}

/* After the NICs, sound cards and controllers, as libvirt orders them. */
static int
pci_assign_typed(PciBus *b, DomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->bus == DOMAIN_DISK_BUS_VIRTIO && d->addr.type == DOMAIN_ADDR_NONE &&
            pci_take(b, &d->addr, -1, 0) < 0)
            return -1;
    }
    if (pci_assign_generic(b, def, DOMAIN_GENERIC_HOSTDEV) < 0)
        return -1;
    if (def->memballoon && model_is_virtio(def->memballoon->model) &&
        def->memballoon->addr.type == DOMAIN_ADDR_NONE &&
        pci_take(b, &def->memballoon->addr, -1, 0) < 0)
        return -1;
    for (guint i = 0; i < def->rngs->len; i++) {
        DomainRngDef *r = g_ptr_array_index(def->rngs, i);

        if (r->addr.type == DOMAIN_ADDR_NONE && pci_take(b, &r->addr, -1, 0) < 0)
            return -1;
    }
    if (pci_assign_generic(b, def, DOMAIN_GENERIC_WATCHDOG) < 0 ||
        pci_assign_generic(b, def, DOMAIN_GENERIC_VIDEO) < 0 ||
        pci_assign_generic(b, def, DOMAIN_GENERIC_INPUT) < 0)
        return -1;
    for (guint i = 0; i < def->serials->len; i++) {
        DomainChrDef *s = g_ptr_array_index(def->serials, i);

        if (g_strcmp0(s->target_type, "pci-serial") == 0 &&
            s->addr.type == DOMAIN_ADDR_NONE && pci_take(b, &s->addr, -1, 0) < 0)
            return -1;
    }
    return 0;
}

static void
pci_mark_all(PciBus *b, const DomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++)
        pci_mark(b, &((DomainDiskDef *) g_ptr_array_index(def->disks, i))->addr);
    for (guint i = 0; i < def->nets->len; i++)
        pci_mark(b, &((DomainNetDef *) g_ptr_array_index(def->nets, i))->addr);
    for (guint i = 0; i < def->rngs->len; i++)
        pci_mark(b, &((DomainRngDef *) g_ptr_array_index(def->rngs, i))->addr);
    for (guint i = 0; i < def->controllers->len; i++)
        pci_mark(b, &((DomainControllerDef *) g_ptr_array_index(def->controllers, i))->addr);
    for (guint i = 0; i < def->generic->len; i++)
        pci_mark(b, &((DomainGenericDev *) g_ptr_array_index(def->generic, i))->addr);
    for (guint i = 0; i < def->serials->len; i++)
        pci_mark(b, &((DomainChrDef *) g_ptr_array_index(def->serials, i))->addr);
    if (def->memballoon)
        pci_mark(b, &def->memballoon->addr);
}

int
domain_address_assign(DomainDef *def)
{
    PciBus bus = { { 0 }, { false } };
    bool q35 = domain_def_is_q35(def);

    assign_virtio_serial(def);
    assign_usb(def);
    pci_mark_all(&bus, def);
    if (pci_assign_fixed(&bus, def, q35) < 0 ||
        pci_assign_controllers(&bus, def, true) < 0 ||
        pci_assign_generic(&bus, def, DOMAIN_GENERIC_FILESYSTEM) < 0)
        return -1;
    for (guint i = 0; i < def->nets->len; i++) {
        DomainNetDef *n = g_ptr_array_index(def->nets, i);

        if (n->addr.type == DOMAIN_ADDR_NONE && pci_take(&bus, &n->addr, -1, 0) < 0)
            return -1;
    }
    if (pci_assign_generic(&bus, def, DOMAIN_GENERIC_SOUND) < 0 ||
        pci_assign_controllers(&bus, def, false) < 0)
        return -1;
    return pci_assign_typed(&bus, def);
}
