/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-document checks: duplicates, boot order, topology. */
#include <string.h>

#include "conf/domain/domain-priv.h"

typedef struct {
    GHashTable *pci;            /* "dddd:bb:ss.f" -> device name */
    GHashTable *boot;           /* order -> 1 */
} CheckState;

static int
check_pci(CheckState *st, const DomainDeviceAddress *a, const char *what)
{
    g_autofree char *key = NULL;
    const char *other;

    if (a->type != DOMAIN_ADDR_PCI)
        return 0;
    key = g_strdup_printf("%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->function);
    if ((other = g_hash_table_lookup(st->pci, key))) {
        dom_error(VK_ERR_XML_ERROR,
                  _("PCI address %1$s is used by both <%2$s> and <%3$s>"), key, other, what);
        return -1;
    }
    g_hash_table_insert(st->pci, g_steal_pointer(&key), (gpointer) what);
    return 0;
}

static int
check_boot(CheckState *st, unsigned int order)
{
    if (!order)
        return 0;
    if (!g_hash_table_add(st->boot, GUINT_TO_POINTER(order))) {
        dom_error(VK_ERR_XML_ERROR, _("boot order '%1$u' used for more than one device"), order);
        return -1;
    }
    return 0;
}

static int
check_disks(CheckState *st, const DomainDef *def)
{
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

    for (guint i = 0; i < def->disks->len; i++) {
        const DomainDiskDef *d = g_ptr_array_index(def->disks, i);

        if (d->dst && !g_hash_table_add(names, d->dst)) {
            dom_error(VK_ERR_XML_ERROR, _("target '%1$s' duplicated for disk sources"), d->dst);
            return -1;
        }
        if (check_pci(st, &d->addr, "disk") < 0 || check_boot(st, d->boot_order) < 0)
            return -1;
    }
    return 0;
}

static int
check_nets(CheckState *st, const DomainDef *def)
{
    g_autoptr(GHashTable) macs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < def->nets->len; i++) {
        const DomainNetDef *n = g_ptr_array_index(def->nets, i);
        char mac[18];

        if (n->mac_set) {
            domain_mac_format(n->mac, mac);
            if (!g_hash_table_add(macs, g_strdup(mac))) {
                dom_error(VK_ERR_XML_ERROR, _("MAC address '%1$s' is used by more than one interface"),
                          mac);
                return -1;
            }
        }
        if (check_pci(st, &n->addr, "interface") < 0 || check_boot(st, n->boot_order) < 0)
            return -1;
    }
    return 0;
}

static int
check_controllers(CheckState *st, const DomainDef *def)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < def->controllers->len; i++) {
        const DomainControllerDef *c = g_ptr_array_index(def->controllers, i);
        const char *type = domain_controller_type_to_string(c->type);
        g_autofree char *key = g_strdup_printf("%s/%d", type, c->idx);
        bool companion = c->type == DOMAIN_CONTROLLER_USB && c->model &&
                         g_str_has_prefix(c->model, "ich9-");

        if (!companion && c->idx >= 0 && !g_hash_table_add(seen, g_steal_pointer(&key))) {
            dom_error(VK_ERR_XML_ERROR, _("multiple '%1$s' controllers with index '%2$d'"),
                      type, c->idx);
            return -1;
        }
        if (check_pci(st, &c->addr, "controller") < 0)
            return -1;
    }
    return 0;
}

static int
check_others(CheckState *st, const DomainDef *def)
{
    for (guint i = 0; i < def->generic->len; i++) {
        const DomainGenericDev *g = g_ptr_array_index(def->generic, i);

        if (check_pci(st, &g->addr, domain_generic_kind_to_string(g->kind)) < 0 ||
            check_boot(st, g->boot_order) < 0)
            return -1;
    }
    for (guint i = 0; i < def->rngs->len; i++) {
        if (check_pci(st, &((DomainRngDef *) g_ptr_array_index(def->rngs, i))->addr, "rng") < 0)
            return -1;
    }
    for (guint i = 0; i < def->serials->len; i++) {
        if (check_pci(st, &((DomainChrDef *) g_ptr_array_index(def->serials, i))->addr,
                      "serial") < 0)
            return -1;
    }
    if (def->memballoon && check_pci(st, &def->memballoon->addr, "memballoon") < 0)
        return -1;
    return 0;
}

bool
domain_def_has_device_boot(const DomainDef *def)
{
    for (guint i = 0; i < def->disks->len; i++) {
        if (((DomainDiskDef *) g_ptr_array_index(def->disks, i))->boot_order)
            return true;
    }
    for (guint i = 0; i < def->nets->len; i++) {
        if (((DomainNetDef *) g_ptr_array_index(def->nets, i))->boot_order)
            return true;
    }
    for (guint i = 0; i < def->generic->len; i++) {
        if (((DomainGenericDev *) g_ptr_array_index(def->generic, i))->boot_order)
            return true;
    }
    return false;
}

static int
check_global(const DomainDef *def)
{
    const DomainCpuDef *cpu = &def->cpu;

    if (def->os.nboot_devs && domain_def_has_device_boot(def)) {
        dom_error(VK_ERR_XML_ERROR,
                  _("per-device boot elements cannot be used together with os/boot elements"));
        return -1;
    }
    if (cpu->sockets &&
        (unsigned long long) cpu->sockets * cpu->dies * cpu->cores * cpu->threads !=
        def->vcpus_max) {
        dom_error(VK_ERR_XML_ERROR,
                  _("CPU topology doesn't match maximum vcpu count"));
        return -1;
    }
    if (def->os.kernel == NULL && (def->os.initrd || def->os.cmdline)) {
        dom_error(VK_ERR_XML_ERROR, _("<initrd> and <cmdline> need a <kernel>"));
        return -1;
    }
    return 0;
}

int
domain_def_check(const DomainDef *def)
{
    CheckState st = {
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        g_hash_table_new(g_direct_hash, g_direct_equal),
    };
    int ret = -1;

    if (check_global(def) < 0 || check_disks(&st, def) < 0 || check_nets(&st, def) < 0 ||
        check_controllers(&st, def) < 0 || check_others(&st, def) < 0)
        goto out;
    ret = 0;
 out:
    g_hash_table_unref(st.pci);
    g_hash_table_unref(st.boot);
    return ret;
}
