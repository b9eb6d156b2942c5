/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain capabilities: what a guest of virtkvm-vmm may ask for.  Keep this
 * truthful: a block is "supported" only when the VMM implements it, because
 * virt-install and virt-manager pick devices from this document.
 */
#include <string.h>

#include "conf/capabilities/domcaps-conf.h"
#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "util/error.h"
#include "util/i18n.h"

/* Domain types libvirt knows (virDomainVirtType); only kvm is ours. */
static const char *const known_virttypes[] = {
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "ch",
    NULL,
};

static gboolean
host_machine_known(const char *machine)
{
    return g_str_equal(machine, HOST_MACHINE_NAME) ||
           g_str_equal(machine, "pc") || g_str_equal(machine, "q35");
}

static int
host_domcaps_check(const char *emulator, const char *arch,
                   const char *machine, const char *virttype)
{
    if (virttype && !g_strv_contains(known_virttypes, virttype)) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("unknown virttype: %1$s"), virttype);
        return -1;
    }
    if (virttype && !g_str_equal(virttype, "kvm")) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_CONFIG_UNSUPPORTED,
                     _("virttype '%1$s' is not supported by this hypervisor"),
                     virttype);
        return -1;
    }
    if (arch && !g_str_equal(arch, "x86_64")) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("unable to find any emulator to serve '%1$s' architecture"),
                     arch);
        return -1;
    }
    if (emulator && !g_str_equal(emulator, host_vmm_path())) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("emulator '%1$s' is not supported, use '%2$s'"),
                     emulator, host_vmm_path());
        return -1;
    }
    if (machine && !host_machine_known(machine)) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("the machine '%1$s' is not supported by emulator '%2$s'"),
                     machine, host_vmm_path());
        return -1;
    }
    return 0;
}

static void
host_domcaps_fill_os_cpu(DomCaps *caps, const char *vendor)
{
    caps->os = domcaps_block_new("os", TRUE);
    domcaps_block_add_enum(caps->os, "firmware", NULL);
    /* direct kernel boot only for now: no firmware loader */
    caps->loader = domcaps_block_new("loader", FALSE);

    caps->cpu.host_passthrough = domcaps_block_new("host-passthrough", TRUE);
    domcaps_block_add_enum(caps->cpu.host_passthrough,
                           "hostPassthroughMigratable", "off", NULL);
    caps->cpu.maximum = domcaps_block_new("maximum", TRUE);
    domcaps_block_add_enum(caps->cpu.maximum, "maximumMigratable", "off", NULL);
    caps->cpu.host_model_supported = TRUE;
    caps->cpu.host_model = g_strdup("kvm64");
    caps->cpu.host_model_vendor = g_strdup(vendor);
    caps->cpu.host_model_fallback = g_strdup("forbid");
    caps->cpu.custom_supported = FALSE;
}

static void
host_domcaps_add(GPtrArray *list, DomCapsBlock *block)
{
    g_ptr_array_add(list, block);
}

static void
host_domcaps_fill_devices(DomCaps *caps)
{
    DomCapsBlock *b;

    caps->memory_backing = domcaps_block_new("memoryBacking", TRUE);
    domcaps_block_add_enum(caps->memory_backing, "sourceType",
                           "anonymous", "memfd", NULL);

    b = domcaps_block_new("disk", TRUE);
    domcaps_block_add_enum(b, "diskDevice", "disk", NULL);
    domcaps_block_add_enum(b, "bus", "virtio", NULL);
    domcaps_block_add_enum(b, "model", "virtio", NULL);
    host_domcaps_add(caps->devices, b);
    host_domcaps_add(caps->devices, domcaps_block_new("graphics", FALSE));
    host_domcaps_add(caps->devices, domcaps_block_new("video", FALSE));
    host_domcaps_add(caps->devices, domcaps_block_new("hostdev", FALSE));
    b = domcaps_block_new("rng", TRUE);
    domcaps_block_add_enum(b, "model", "virtio", NULL);
    domcaps_block_add_enum(b, "backendModel", "random", "builtin", NULL);
    host_domcaps_add(caps->devices, b);
    host_domcaps_add(caps->devices, domcaps_block_new("filesystem", FALSE));
    host_domcaps_add(caps->devices, domcaps_block_new("tpm", FALSE));
    host_domcaps_add(caps->devices, domcaps_block_new("redirdev", FALSE));
    b = domcaps_block_new("channel", TRUE);
    domcaps_block_add_enum(b, "type", "pty", "unix", NULL);
    host_domcaps_add(caps->devices, b);
}

static void
host_domcaps_fill_features(DomCaps *caps)
{
    static const char *const unsupported[] = {
        "gic", "vmcoreinfo", "genid",
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(unsupported); i++)
        host_domcaps_add(caps->features,
                         domcaps_block_new(unsupported[i], FALSE));
    /* qcow2 backing chains are read by the VMM's block layer */
    host_domcaps_add(caps->features,
                     domcaps_block_new("backingStoreInput", TRUE));
    host_domcaps_add(caps->features, domcaps_block_new("backup", FALSE));
    host_domcaps_add(caps->features, domcaps_block_new("sev", FALSE));
    host_domcaps_add(caps->features, domcaps_block_new("sgx", FALSE));
    host_domcaps_add(caps->features, domcaps_block_new("hyperv", FALSE));
}

static char *
host_cpu_vendor(void)
{
    g_autofree char *text = NULL;
    g_auto(HostCpuInfo) info = { 0 };

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL) ||
        host_cpuinfo_parse(text, &info) < 0) {
        error_reset();
        return NULL;
    }
    if (g_str_equal(info.vendor_id, "AuthenticAMD"))
        return g_strdup("AMD");
    if (g_str_equal(info.vendor_id, "GenuineIntel"))
        return g_strdup("Intel");
    return g_strdup(info.vendor_id);
}

char *
host_domain_capabilities_format(const char *emulator, const char *arch,
                                const char *machine, const char *virttype)
{
    g_autoptr(DomCaps) caps = NULL;
    g_autofree char *vendor = NULL;
    int max_vcpus;

    if (host_domcaps_check(emulator, arch, machine, virttype) < 0)
        return NULL;
    max_vcpus = host_kvm_max_vcpus();
    if (max_vcpus < 0)
        return NULL;
    vendor = host_cpu_vendor();
    caps = domcaps_new();
    caps->path = g_strdup(host_vmm_path());
    caps->domain = g_strdup("kvm");
    caps->machine = g_strdup(HOST_MACHINE_NAME);
    caps->arch = g_strdup("x86_64");
    caps->max_vcpus = max_vcpus;
    caps->iothreads = 0;
    host_domcaps_fill_os_cpu(caps, vendor);
    host_domcaps_fill_devices(caps);
    host_domcaps_fill_features(caps);
    return domcaps_format(caps);
}
