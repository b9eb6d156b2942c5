/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DomainDef -> launch description JSON (see domain-launch.h). */
#include <json-c/json.h>

#include "driver/domain/domain-launch.h"
#include "util/error.h"
#include "util/i18n.h"

static int
unsupported(const char *what, const char *value)
{
    error_report(VK_FROM_QEMU, VK_ERR_CONFIG_UNSUPPORTED,
                 _("%1$s '%2$s' is not supported by virtkvm-vmm"), what, value);
    return -1;
}

const DomainChrDef *
domain_launch_serial(const DomainDef *def)
{
    if (def->serials && def->serials->len)
        return g_ptr_array_index(def->serials, 0);
    if (def->consoles && def->consoles->len) {
        const DomainChrDef *c = g_ptr_array_index(def->consoles, 0);

        if (!c->target_type || g_str_equal(c->target_type, "serial"))
            return c;
    }
    return NULL;
}

/* A virtio <console>, if any. */
static const DomainChrDef *
launch_virtio_console(const DomainDef *def)
{
    for (guint i = 0; def->consoles && i < def->consoles->len; i++) {
        const DomainChrDef *c = g_ptr_array_index(def->consoles, i);

        if (c->target_type && g_str_equal(c->target_type, "virtio"))
            return c;
    }
    return NULL;
}

DomainLaunchChr
domain_launch_chr_kind(const DomainChrDef *chr)
{
    if (!chr)
        return DOMAIN_LAUNCH_CHR_NONE;
    switch (chr->type) {
    case DOMAIN_CHR_TYPE_PTY:
        return DOMAIN_LAUNCH_CHR_PTY;
    case DOMAIN_CHR_TYPE_FILE:
        return DOMAIN_LAUNCH_CHR_FD;
    default:
        return DOMAIN_LAUNCH_CHR_NONE;
    }
}

static int
launch_check_chr(const DomainChrDef *chr)
{
    if (!chr)
        return 0;
    switch (chr->type) {
    case DOMAIN_CHR_TYPE_PTY:
    case DOMAIN_CHR_TYPE_NULL:
        return 0;
    case DOMAIN_CHR_TYPE_FILE:
        if (!chr->path) {
            error_report(VK_FROM_QEMU, VK_ERR_CONFIG_UNSUPPORTED, "%s",
                         _("serial type 'file' needs a source path"));
            return -1;
        }
        return 0;
    default:
        return unsupported(_("character device type"),
                           domain_chr_type_to_string(chr->type));
    }
}

static int
launch_check_disk(const DomainDiskDef *disk)
{
    if (disk->type != DOMAIN_DISK_TYPE_FILE && disk->type != DOMAIN_DISK_TYPE_BLOCK)
        return unsupported(_("disk type"), domain_disk_type_to_string(disk->type));
    if (disk->device != DOMAIN_DISK_DEVICE_DISK)
        return unsupported(_("disk device"), domain_disk_device_to_string(disk->device));
    if (disk->bus != DOMAIN_DISK_BUS_VIRTIO)
        return unsupported(_("disk bus"), domain_disk_bus_to_string(disk->bus));
    if (!disk->src_path) {
        error_report(VK_FROM_QEMU, VK_ERR_CONFIG_UNSUPPORTED,
                     _("disk '%1$s' has no source"), disk->dst ? disk->dst : "");
        return -1;
    }
    return 0;
}

static int
launch_check_net(const DomainNetDef *net)
{
    switch (net->type) {
    case DOMAIN_NET_ETHERNET:
    case DOMAIN_NET_BRIDGE:
    case DOMAIN_NET_NETWORK:
        break;
    default:
        return unsupported(_("interface type"), domain_net_type_to_string(net->type));
    }
    if (net->model && !g_str_equal(net->model, "virtio"))
        return unsupported(_("interface model"), net->model);
    return 0;
}

int
domain_launch_check(const DomainDef *def)
{
    if (!def->os.kernel) {
        error_report(VK_FROM_QEMU, VK_ERR_CONFIG_UNSUPPORTED, "%s",
                     _("domain has no <os><kernel>: virtkvm-vmm boots guests "
                       "through the Linux boot protocol only"));
        return -1;
    }
    if (def->disks->len > DOMAIN_LAUNCH_MAX_DISKS ||
        def->nets->len > DOMAIN_LAUNCH_MAX_NICS) {
        error_report(VK_FROM_QEMU, VK_ERR_CONFIG_UNSUPPORTED,
                     _("virtkvm-vmm supports at most %1$d disks and %2$d interfaces"),
                     DOMAIN_LAUNCH_MAX_DISKS, DOMAIN_LAUNCH_MAX_NICS);
        return -1;
    }
    for (guint i = 0; i < def->disks->len; i++)
        if (launch_check_disk(g_ptr_array_index(def->disks, i)) < 0)
            return -1;
    for (guint i = 0; i < def->nets->len; i++)
        if (launch_check_net(g_ptr_array_index(def->nets, i)) < 0)
            return -1;
    if (launch_check_chr(domain_launch_serial(def)) < 0 ||
        launch_check_chr(launch_virtio_console(def)) < 0)
        return -1;
    return 0;
}

static void
add_str(json_object *o, const char *key, const char *val)
{
    json_object_object_add(o, key, json_object_new_string(val));
}

static void
add_int(json_object *o, const char *key, long long val)
{
    json_object_object_add(o, key, json_object_new_int64(val));
}

static json_object *
launch_memory(const DomainDef *def)
{
    json_object *m = json_object_new_object();
    unsigned long long kib = def->memory_kib;

    add_int(m, "size-mib", (long long) ((kib + 1023) / 1024));
    add_str(m, "backing", def->hugepages ? "hugepages" : "memfd");
    if (def->mem_shared)
        json_object_object_add(m, "shared", json_object_new_boolean(1));
    return m;
}

static json_object *
launch_vcpus(const DomainDef *def)
{
    json_object *v = json_object_new_object();
    unsigned int n = domain_def_get_vcpus(def);
    const DomainCpuDef *cpu = &def->cpu;

    add_int(v, "count", n);
    if (cpu->sockets && cpu->sockets * MAX(cpu->cores, 1) * MAX(cpu->threads, 1) == n) {
        add_int(v, "sockets", cpu->sockets);
        add_int(v, "cores", MAX(cpu->cores, 1));
        add_int(v, "threads", MAX(cpu->threads, 1));
    }
    return v;
}

static json_object *
launch_boot(const DomainDef *def)
{
    json_object *b = json_object_new_object();

    add_int(b, "kernel-fd", DOMAIN_LAUNCH_FD_KERNEL);
    if (def->os.initrd)
        add_int(b, "initrd-fd", DOMAIN_LAUNCH_FD_INITRD);
    if (def->os.cmdline)
        add_str(b, "cmdline", def->os.cmdline);
    return b;
}

static json_object *
launch_chr(const DomainChrDef *chr, int fd)
{
    json_object *c = json_object_new_object();

    switch (domain_launch_chr_kind(chr)) {
    case DOMAIN_LAUNCH_CHR_PTY:
        add_str(c, "type", "pty");
        break;
    case DOMAIN_LAUNCH_CHR_FD:
        add_str(c, "type", "fd");
        add_int(c, "fd", fd);
        break;
    default:
        add_str(c, "type", "none");
        break;
    }
    return c;
}

static json_object *
launch_disks(const DomainDef *def)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; i < def->disks->len; i++) {
        const DomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        json_object *d = json_object_new_object();

        add_str(d, "id", disk->dst);
        add_int(d, "fd", DOMAIN_LAUNCH_FD_DISK0 + (int) i);
        add_str(d, "format", disk->format == DOMAIN_DISK_FORMAT_QCOW2 ? "qcow2" : "raw");
        if (disk->readonly)
            json_object_object_add(d, "readonly", json_object_new_boolean(1));
        if (disk->serial)
            add_str(d, "serial", disk->serial);
        json_object_array_add(arr, d);
    }
    return arr;
}

static json_object *
launch_nics(const DomainDef *def)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; i < def->nets->len; i++) {
        const DomainNetDef *net = g_ptr_array_index(def->nets, i);
        json_object *n = json_object_new_object();
        char mac[18];
        g_autofree char *id = g_strdup_printf("net%u", i);

        domain_mac_format(net->mac, mac);
        add_str(n, "id", id);
        add_int(n, "fd", DOMAIN_LAUNCH_FD_NIC0 + (int) i);
        add_str(n, "mac", mac);
        json_object_array_add(arr, n);
    }
    return arr;
}

/* <memballoon model='virtio*'>: the VMM's virtio-balloon. */
bool
domain_launch_has_balloon(const DomainDef *def)
{
    return def->memballoon && def->memballoon->model &&
           g_str_has_prefix(def->memballoon->model, "virtio");
}

/* A <panic> device (ISA pvpanic, libvirt's default model on x86). */
static bool
launch_has_panic(const DomainDef *def)
{
    for (guint i = 0; def->generic && i < def->generic->len; i++) {
        const DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (g->kind == DOMAIN_GENERIC_PANIC) {
            g_autofree char *model = (char *) xmlGetProp(g->node, (const xmlChar *) "model");

            if (!model || g_str_equal(model, "isa"))
                return true;
        }
    }
    return false;
}

char *
domain_launch_build(const DomainDef *def, bool start_paused)
{
    json_object *root;
    json_object *ctl;
    const DomainChrDef *vcon;
    char *out;

    if (domain_launch_check(def) < 0)
        return NULL;
    root = json_object_new_object();
    add_str(root, "name", def->name);
    json_object_object_add(root, "memory", launch_memory(def));
    json_object_object_add(root, "vcpus", launch_vcpus(def));
    json_object_object_add(root, "boot", launch_boot(def));
    json_object_object_add(root, "serial",
                           launch_chr(domain_launch_serial(def), DOMAIN_LAUNCH_FD_SERIAL));
    if ((vcon = launch_virtio_console(def)))
        json_object_object_add(root, "console", launch_chr(vcon, DOMAIN_LAUNCH_FD_CONSOLE));
    json_object_object_add(root, "disks", launch_disks(def));
    json_object_object_add(root, "nics", launch_nics(def));
    if (def->rngs && def->rngs->len)
        json_object_object_add(root, "rng", json_object_new_object());
    if (domain_launch_has_balloon(def))
        json_object_object_add(root, "balloon", json_object_new_object());
    if (launch_has_panic(def))
        json_object_object_add(root, "pvpanic", json_object_new_boolean(1));
    ctl = json_object_new_object();
    add_int(ctl, "fd", DOMAIN_LAUNCH_FD_CONTROL);
    json_object_object_add(root, "control", ctl);
    add_int(root, "kvm-fd", DOMAIN_LAUNCH_FD_KVM);
    add_str(root, "on-reset", def->on_reboot == DOMAIN_LIFECYCLE_DESTROY ? "shutdown" : "reset");
    add_str(root, "on-panic", def->on_crash == DOMAIN_LIFECYCLE_PRESERVE ? "pause" : "shutdown");
    if (start_paused)
        json_object_object_add(root, "start-paused", json_object_new_boolean(1));
    out = g_strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                  JSON_C_TO_STRING_SPACED |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return out;
}
