/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* <controller>: pci, virtio-serial, usb, sata, scsi, ide, fdc. */
#include <string.h>

#include "conf/domain/domain-priv.h"

static const char controller_grammar[] =
    "controller type=ide|fdc|scsi|sata|virtio-serial|usb|pci index=# model"
    " ports=# vectors=#\n"
    "  model name=pci-bridge|i82801b11-bridge|ioh3420|pcie-root-port|x3130-upstream"
    "|xio3130-downstream|pxb|pxb-pcie|pcie-pci-bridge|spapr-pci-host-bridge\n"
    "  target chassisNr=# chassis=# port=# busNr=# index=# hotplug=on|off\n"
    "  master startport=#\n"
    "  driver queues=# iothread=#\n"
    "  address ...\n";

/* Models libvirt knows for each controller type (NULL-terminated). */
static const char *const usb_models[] = {
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
    "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
    "qemu-xhci", "none", NULL };
static const char *const pci_models[] = {
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
    "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
    "pcie-expander-bus", "pcie-to-pci-bridge", NULL };
static const char *const scsi_models[] = {
    "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi",
    "virtio-scsi", "lsisas1078", "virtio-transitional", "virtio-non-transitional",
    "ncr53c90", "am53c974", "dc390", NULL };
static const char *const vserial_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL };
static const char *const ide_models[] = { "piix3", "piix4", "ich6", NULL };
static const char *const no_models[] = { NULL };

static const char *const *const models_by_type[DOMAIN_CONTROLLER_LAST] = {
    [DOMAIN_CONTROLLER_IDE] = ide_models,
    [DOMAIN_CONTROLLER_FDC] = no_models,
    [DOMAIN_CONTROLLER_SCSI] = scsi_models,
    [DOMAIN_CONTROLLER_SATA] = no_models,
    [DOMAIN_CONTROLLER_VIRTIO_SERIAL] = vserial_models,
    [DOMAIN_CONTROLLER_USB] = usb_models,
    [DOMAIN_CONTROLLER_PCI] = pci_models,
};

void
domain_controller_free(DomainControllerDef *c)
{
    if (!c)
        return;
    g_free(c->model);
    g_free(c->target_model_name);
    g_free(c->addr.usb_port);
    g_free(c);
}

static int
controller_parse_int(xmlNode *n, const char *attr, int *out)
{
    unsigned int v;
    int r;

    if (!n)
        return 0;
    r = dom_prop_uint(n, attr, &v);
    if (r <= 0)
        return r;
    if (v > G_MAXINT) {
        dom_error(VK_ERR_XML_ERROR, _("value of '%1$s' out of range"), attr);
        return -1;
    }
    *out = (int) v;
    return 1;
}

static int
controller_parse_target(DomainControllerDef *c, xmlNode *t)
{
    if (controller_parse_int(t, "chassisNr", &c->target_index) < 0 ||
        controller_parse_int(t, "chassis", &c->target_chassis) < 0 ||
        controller_parse_int(t, "port", &c->target_port) < 0 ||
        controller_parse_int(t, "busNr", &c->target_busnr) < 0 ||
        controller_parse_int(t, "index", &c->target_bus) < 0)
        return -1;
    if (t && dom_prop_bool(t, "hotplug", true, &c->target_hotplug) < 0)
        return -1;
    return 0;
}

DomainControllerDef *
domain_controller_parse(xmlNode *node)
{
    g_autoptr(DomainControllerDef) c = g_new0(DomainControllerDef, 1);
    int type = 0;
    unsigned int idx = 0;
    int r;
    xmlNode *n;

    c->ports = c->vectors = c->master_startport = -1;
    c->target_chassis = c->target_port = c->target_bus = c->target_index = -1;
    c->target_busnr = c->target_hotplug = -1;
    if (dom_spec_check(controller_grammar, node, "controller") < 0)
        return NULL;
    if (dom_prop_enum(node, "type", domain_controller_type_from_string, &type) <= 0) {
        if (!xmlHasProp(node, (const xmlChar *) "type"))
            dom_error(VK_ERR_XML_ERROR, _("missing controller type"));
        return NULL;
    }
    c->type = type;
    if ((r = dom_prop_uint(node, "index", &idx)) < 0)
        return NULL;
    if (idx > 255) {
        dom_error(VK_ERR_XML_ERROR, _("controller index %1$u out of range"), idx);
        return NULL;
    }
    c->idx = r ? (int) idx : -1;    /* -1: assigned by the defaults */
    c->model = xml_get_prop(node, "model");
    if (c->model && !g_strv_contains((const char *const *) models_by_type[type], c->model)) {
        dom_error(VK_ERR_CONFIG_UNSUPPORTED,
                  _("unknown model '%1$s' for controller type '%2$s'"),
                  c->model, domain_controller_type_to_string(type));
        return NULL;
    }
    if (controller_parse_int(node, "ports", &c->ports) < 0 ||
        controller_parse_int(node, "vectors", &c->vectors) < 0 ||
        controller_parse_int(dom_child(node, "master"), "startport",
                             &c->master_startport) < 0 ||
        controller_parse_target(c, dom_child(node, "target")) < 0)
        return NULL;
    if ((n = dom_child(node, "model")))
        c->target_model_name = xml_get_prop(n, "name");
    if ((n = dom_child(node, "driver")) &&
        (dom_prop_uint(n, "queues", &c->driver_queues) < 0 ||
         dom_prop_uint(n, "iothread", &c->driver_iothread) < 0))
        return NULL;
    if (domain_address_parse(node, &c->addr, "controller") < 0)
        return NULL;
    return g_steal_pointer(&c);
}

static void
controller_format_target(xmlNode *ctl, const DomainControllerDef *c)
{
    xmlNode *t;

    if (c->target_chassis < 0 && c->target_port < 0 && c->target_bus < 0 &&
        c->target_index < 0 && c->target_busnr < 0 && c->target_hotplug < 0)
        return;
    t = dom_add(ctl, "target");
    if (c->target_index >= 0)
        dom_set_uint(t, "chassisNr", (unsigned) c->target_index);
    if (c->target_chassis >= 0)
        dom_set_uint(t, "chassis", (unsigned) c->target_chassis);
    if (c->target_port >= 0)
        dom_setf(t, "port", "0x%x", (unsigned) c->target_port);
    if (c->target_busnr >= 0)
        dom_set_uint(t, "busNr", (unsigned) c->target_busnr);
    if (c->target_bus >= 0)
        dom_set_uint(t, "index", (unsigned) c->target_bus);
    if (c->target_hotplug >= 0)
        dom_set(t, "hotplug", c->target_hotplug ? "on" : "off");
}

void
domain_controller_format(xmlNode *devices, const DomainControllerDef *c)
{
    xmlNode *ctl = dom_add(devices, "controller");
    xmlNode *n;

    dom_set(ctl, "type", domain_controller_type_to_string(c->type));
    if (c->idx >= 0)
        dom_set_uint(ctl, "index", (unsigned) c->idx);
    dom_set(ctl, "model", c->model);
    if (c->ports >= 0)
        dom_set_uint(ctl, "ports", (unsigned) c->ports);
    if (c->vectors >= 0)
        dom_set_uint(ctl, "vectors", (unsigned) c->vectors);
    if (c->driver_queues || c->driver_iothread) {
        n = dom_add(ctl, "driver");
        if (c->driver_queues)
            dom_set_uint(n, "queues", c->driver_queues);
        if (c->driver_iothread)
            dom_set_uint(n, "iothread", c->driver_iothread);
    }
    if (c->master_startport >= 0)
        dom_set_uint(dom_add(ctl, "master"), "startport", (unsigned) c->master_startport);
    if (c->target_model_name)
        dom_set(dom_add(ctl, "model"), "name", c->target_model_name);
    controller_format_target(ctl, c);
    domain_address_format(ctl, &c->addr);
}

DomainControllerDef *
domain_controller_new(DomainControllerType type, int idx, const char *model)
{
    DomainControllerDef *c = g_new0(DomainControllerDef, 1);

    c->type = type;
    c->idx = idx;
    c->model = g_strdup(model);
    c->ports = c->vectors = c->master_startport = -1;
    c->target_chassis = c->target_port = c->target_bus = c->target_index = -1;
    c->target_busnr = c->target_hotplug = -1;
    c->addr.multifunction = -1;
    return c;
}

DomainControllerDef *
domain_def_find_controller(const DomainDef *def, DomainControllerType type, int idx)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == type && (idx < 0 || c->idx == idx))
            return c;
    }
    return NULL;
}

/* libvirt keeps controllers of one type together, sorted by index. */
static void
controller_insert(DomainDef *def, DomainControllerDef *c)
{
    guint pos = def->controllers->len;
    bool seen_type = false;

    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *o = g_ptr_array_index(def->controllers, i);

        if (o->type != c->type) {
            if (seen_type)
                break;
            continue;
        }
        seen_type = true;
        if (o->idx > c->idx) {
            pos = i;
            break;
        }
        pos = i + 1;
    }
    g_ptr_array_insert(def->controllers, (gint) pos, c);
}

static void
controller_maybe_add(DomainDef *def, DomainControllerType type, int idx, const char *model)
{
    if (!domain_def_find_controller(def, type, idx))
        controller_insert(def, domain_controller_new(type, idx, model));
}

static void
controllers_default_models(DomainDef *def, bool q35)
{
    const char *model = q35 ? "qemu-xhci" : "piix3-uhci";

    if (!domain_def_find_controller(def, DOMAIN_CONTROLLER_USB, -1))
        controller_insert(def, domain_controller_new(DOMAIN_CONTROLLER_USB, 0, model));
    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == DOMAIN_CONTROLLER_USB && !c->model)
            c->model = g_strdup(model);
        if (c->type == DOMAIN_CONTROLLER_SCSI && !c->model)
            c->model = g_strdup("lsilogic");
    }
}

static bool
needs_virtio_serial(const DomainDef *def)
{
    for (guint i = 0; i < def->channels->len; i++) {
        const DomainChrDef *c = g_ptr_array_index(def->channels, i);

        if (g_strcmp0(c->target_type, "virtio") == 0)
            return true;
    }
    for (guint i = 0; i < def->consoles->len; i++) {
        const DomainChrDef *c = g_ptr_array_index(def->consoles, i);

        if (g_strcmp0(c->target_type, "virtio") == 0)
            return true;
    }
    return false;
}

static void
controllers_for_disks_of(DomainDef *def, DomainControllerType want)
{
    for (guint i = 0; i < def->disks->len; i++) {
        const DomainDiskDef *d = g_ptr_array_index(def->disks, i);
        int type;

        if (d->addr.type != DOMAIN_ADDR_DRIVE)
            continue;
        switch (d->bus) {
        case DOMAIN_DISK_BUS_IDE: type = DOMAIN_CONTROLLER_IDE; break;
        case DOMAIN_DISK_BUS_FDC: type = DOMAIN_CONTROLLER_FDC; break;
        case DOMAIN_DISK_BUS_SCSI: type = DOMAIN_CONTROLLER_SCSI; break;
        case DOMAIN_DISK_BUS_SATA: type = DOMAIN_CONTROLLER_SATA; break;
        default: continue;
        }
        if (type != (int) want)
            continue;
        /* every index up to the one used, as libvirt does */
        for (int idx = 0; idx <= (int) d->addr.controller; idx++)
            controller_maybe_add(def, type, idx,
                                 type == DOMAIN_CONTROLLER_SCSI ? "lsilogic" : NULL);
    }
}

/* libvirt adds them type by type: IDE, FDC, SCSI, SATA. */
static void
controllers_for_disks(DomainDef *def)
{
    static const DomainControllerType order[] = {
        DOMAIN_CONTROLLER_IDE, DOMAIN_CONTROLLER_FDC, DOMAIN_CONTROLLER_SCSI,
        DOMAIN_CONTROLLER_SATA,
    };

    for (size_t k = 0; k < G_N_ELEMENTS(order); k++)
        controllers_for_disks_of(def, order[k]);
}

static bool
controller_is_companion(const DomainControllerDef *c)
{
    return c->type == DOMAIN_CONTROLLER_USB && c->model &&
           g_str_has_prefix(c->model, "ich9-uhci");
}

/* Controllers given without index: USB companions share their EHCI's
 * index, every other one takes the next free index of its type. */
static void
controllers_assign_index(DomainDef *def)
{
    int last_master = 0;

    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type == DOMAIN_CONTROLLER_USB && g_strcmp0(c->model, "ich9-ehci1") == 0 &&
            c->idx >= 0)
            last_master = c->idx;
        if (c->idx >= 0)
            continue;
        if (controller_is_companion(c)) {
            c->idx = last_master;
            continue;
        }
        c->idx = 0;
        while (domain_def_find_controller(def, c->type, c->idx) != c &&
               domain_def_find_controller(def, c->type, c->idx))
            c->idx++;
        if (c->type == DOMAIN_CONTROLLER_USB && g_strcmp0(c->model, "ich9-ehci1") == 0)
            last_master = c->idx;
    }
}

int
domain_controllers_add_default(DomainDef *def)
{
    bool q35 = domain_def_is_q35(def);

    controllers_assign_index(def);
    controllers_default_models(def, q35);
    if (q35)
        controller_maybe_add(def, DOMAIN_CONTROLLER_SATA, 0, NULL);
    controller_maybe_add(def, DOMAIN_CONTROLLER_PCI, 0, q35 ? "pcie-root" : "pci-root");
    if (domain_address_assign_drives(def) < 0)
        return -1;
    controllers_for_disks(def);
    if (needs_virtio_serial(def))
        controller_maybe_add(def, DOMAIN_CONTROLLER_VIRTIO_SERIAL, 0, NULL);
    return 0;
}

/* The QEMU device names libvirt reports in <model name=...>. */
static const struct {
    const char *model;
    const char *name;
} pci_model_names[] = {
    { "pci-bridge", "pci-bridge" },
    { "dmi-to-pci-bridge", "i82801b11-bridge" },
    { "pcie-root-port", "pcie-root-port" },
    { "pcie-switch-upstream-port", "x3130-upstream" },
    { "pcie-switch-downstream-port", "xio3130-downstream" },
    { "pci-expander-bus", "pxb" },
    { "pcie-expander-bus", "pxb-pcie" },
    { "pcie-to-pci-bridge", "pcie-pci-bridge" },
};

/* After address assignment: PCI controller model names, chassis and
 * port numbers as libvirt fills them. */
void
domain_controllers_finish(DomainDef *def)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        DomainControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type != DOMAIN_CONTROLLER_PCI || !c->model)
            continue;
        for (size_t k = 0; k < G_N_ELEMENTS(pci_model_names); k++) {
            if (!c->target_model_name && strcmp(c->model, pci_model_names[k].model) == 0)
                c->target_model_name = g_strdup(pci_model_names[k].name);
        }
        if (strcmp(c->model, "pci-bridge") == 0 && c->target_index < 0)
            c->target_index = c->idx;
        if (strcmp(c->model, "pcie-root-port") == 0 ||
            strcmp(c->model, "pcie-switch-downstream-port") == 0) {
            if (c->target_chassis < 0)
                c->target_chassis = c->idx;
            if (c->target_port < 0 && c->addr.type == DOMAIN_ADDR_PCI)
                c->target_port = (int) (c->addr.slot << 3 | c->addr.function);
        }
    }
}
