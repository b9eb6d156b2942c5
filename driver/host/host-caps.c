/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities, host identity, KVM limits and the security model. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <selinux/selinux.h>

#include "conf/capabilities/capabilities-conf.h"
#include "driver/host/host.h"
#include "driver/host/host-priv.h"
#include "security/manager.h"
#include "util/error.h"
#include "util/i18n.h"

/* Key that turns /etc/machine-id into our host UUID without revealing it. */
#define HOST_UUID_APP_KEY "virtkvm host uuid 7f1c2b9e"

static SecurityManager *host_secmgr;
static GMutex vmm_user_lock;
static char *vmm_user;
static char *vmm_group;

int
host_set_vmm_user(const char *user, const char *group)
{
    if (!user || !*user) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG, "%s",
                     _("the VMM user must not be empty"));
        return -1;
    }
    g_mutex_lock(&vmm_user_lock);
    g_free(vmm_user);
    g_free(vmm_group);
    vmm_user = g_strdup(user);
    vmm_group = g_strdup(group);
    g_mutex_unlock(&vmm_user_lock);
    return 0;
}

/* "+UID:+GID" of the VMM user, or NULL if the user does not exist. */
static char *
host_vmm_dac_label(void)
{
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    char buf[4096];
    gid_t gid;

    g_mutex_lock(&vmm_user_lock);
    user = g_strdup(vmm_user ? vmm_user : "virtkvm");
    group = g_strdup(vmm_group);
    g_mutex_unlock(&vmm_user_lock);

    if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) != 0 || !pwp)
        return NULL;
    gid = pw.pw_gid;
    if (group) {
        char gbuf[4096];

        if (getgrnam_r(group, &gr, gbuf, sizeof(gbuf), &grp) != 0 || !grp)
            return NULL;
        gid = gr.gr_gid;
    }
    return g_strdup_printf("+%u:+%u", (unsigned int) pw.pw_uid,
                           (unsigned int) gid);
}

const char *
host_vmm_path(void)
{
    const char *env = g_getenv("VIRTKVM_VMM");

    return env && *env ? env : VMM_INSTALL_PATH;
}

static gboolean
uuid_text_valid(const char *s)
{
    return s && g_uuid_string_is_valid(s) &&
           !g_str_equal(s, "00000000-0000-0000-0000-000000000000") &&
           g_ascii_strcasecmp(s, "ffffffff-ffff-ffff-ffff-ffffffffffff") != 0;
}

/* DMI product UUID, else a UUID derived from /etc/machine-id; may be NULL. */
static char *
host_uuid(void)
{
    g_autofree char *dmi = NULL;
    g_autofree char *mid = NULL;
    g_autofree char *hmac = NULL;

    if (g_file_get_contents("/sys/class/dmi/id/product_uuid", &dmi, NULL, NULL)
        && uuid_text_valid(g_strstrip(dmi)))
        return g_ascii_strdown(dmi, -1);
    if (!g_file_get_contents("/etc/machine-id", &mid, NULL, NULL) ||
        strlen(g_strstrip(mid)) != 32)
        return NULL;
    hmac = g_compute_hmac_for_string(G_CHECKSUM_SHA256,
                                     (const guchar *) HOST_UUID_APP_KEY,
                                     strlen(HOST_UUID_APP_KEY), mid, -1);
    /* version 4 and RFC 4122 variant bits, as systemd's app-specific ids */
    hmac[12] = '4';
    hmac[16] = "89ab"[g_ascii_xdigit_value(hmac[16]) & 3];
    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hmac, hmac + 8,
                           hmac + 12, hmac + 16, hmac + 20);
}

char *
host_get_hostname(void)
{
    char name[HOST_NAME_MAX + 1] = { 0 };

    if (gethostname(name, sizeof(name) - 1) < 0) {
        error_report_errno(VK_FROM_CAPABILITIES, errno, "%s",
                           _("cannot get the host name"));
        return NULL;
    }
    return g_strdup(name);
}

int
host_kvm_max_vcpus(void)
{
    int fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int n;

    if (fd < 0) {
        error_report_errno(VK_FROM_CAPABILITIES, errno, _("cannot open %1$s"),
                           "/dev/kvm");
        return -1;
    }
    n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (n <= 0)
        n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    close(fd);
    if (n <= 0)
        n = 4;  /* what KVM guaranteed before it could say (libvirt too) */
    return MIN(n, HOST_VMM_MAX_VCPUS);
}

int
host_get_max_vcpus(const char *type)
{
    if (type && g_ascii_strcasecmp(type, "kvm") != 0) {
        error_report(VK_FROM_CAPABILITIES, VK_ERR_INVALID_ARG,
                     _("unknown type '%1$s'"), type);
        return -1;
    }
    return host_kvm_max_vcpus();
}

void
host_set_security_manager(SecurityManager *mgr)
{
    g_atomic_pointer_set(&host_secmgr, mgr);
}

int
host_node_get_security_model(char **model, char **doi)
{
    SecurityManager *mgr = g_atomic_pointer_get(&host_secmgr);

    if (mgr) {
        *model = g_strdup(security_manager_get_model(mgr));
        *doi = g_strdup(security_manager_get_doi(mgr));
        return 0;
    }
    if (is_selinux_enabled() > 0)
        *model = g_strdup("selinux");
    else
        *model = g_strdup("none");
    *doi = g_strdup("0");
    return 0;
}

static void
host_caps_add_manager_secmodels(Caps *caps, SecurityManager *mgr)
{
    const char *const *models = security_manager_get_models(mgr);

    for (; *models; models++) {
        CapsSecModel *sm = caps_secmodel_new(*models,
            security_manager_get_model_doi(mgr, *models));
        g_autofree char *base =
            security_manager_get_base_label(mgr, *models, "kvm");

        if (base)
            caps_secmodel_add_baselabel(sm, "kvm", base);
        g_ptr_array_add(caps->secmodels, sm);
    }
}

static void
host_caps_add_secmodels(Caps *caps)
{
    SecurityManager *mgr = g_atomic_pointer_get(&host_secmgr);
    g_autofree char *dac_label = NULL;
    CapsSecModel *sm;

    if (mgr) {
        host_caps_add_manager_secmodels(caps, mgr);
        return;
    }
    dac_label = host_vmm_dac_label();

    if (is_selinux_enabled() > 0) {
        sm = caps_secmodel_new("selinux", "0");
        caps_secmodel_add_baselabel(sm, "kvm", "system_u:system_r:svirt_t:s0");
        g_ptr_array_add(caps->secmodels, sm);
    } else {
        g_ptr_array_add(caps->secmodels, caps_secmodel_new("none", "0"));
    }
    sm = caps_secmodel_new("dac", "0");
    if (dac_label)
        caps_secmodel_add_baselabel(sm, "kvm", dac_label);
    g_ptr_array_add(caps->secmodels, sm);
}

static void
host_caps_add_guest(Caps *caps, unsigned int max_vcpus)
{
    CapsGuest *g = caps_guest_new("hvm", "x86_64", 64, host_vmm_path());

    caps_guest_add_machine(g, HOST_MACHINE_NAME, NULL, max_vcpus);
    caps_guest_add_machine(g, "pc", HOST_MACHINE_NAME, max_vcpus);
    caps_guest_add_machine(g, "q35", HOST_MACHINE_NAME, max_vcpus);
    g_ptr_array_add(g->domain_types, g_strdup("kvm"));
    /* our machine always has ACPI tables and an IOAPIC/LAPIC */
    caps_guest_add_feature(g, "acpi", TRUE, TRUE, TRUE);
    caps_guest_add_feature(g, "apic", TRUE, FALSE, TRUE);
    /* <cpu> modes are honoured; no <deviceboot/>: without firmware the
     * VMM boots a kernel directly, never from a device */
    caps_guest_add_feature(g, "cpuselection", FALSE, FALSE, FALSE);
    g_ptr_array_add(caps->guests, g);
}

static int
host_iommu_present(void)
{
    g_autoptr(GDir) d = g_dir_open("/sys/kernel/iommu_groups", 0, NULL);

    return d && g_dir_read_name(d) ? 1 : 0;
}

char *
host_capabilities_format(void)
{
    g_autoptr(Caps) caps = caps_new();
    int max_vcpus;

    caps->uuid = host_uuid();
    if (host_cpu_fill_caps(caps) < 0 || host_memory_fill_cells(caps) < 0)
        return NULL;
    host_cpu_fill_cache(caps);
    caps->iommu = host_iommu_present();
    caps->migration_live = TRUE;
    g_ptr_array_add(caps->uri_transports, g_strdup("tcp"));
    host_caps_add_secmodels(caps);
    max_vcpus = host_kvm_max_vcpus();
    if (max_vcpus < 0) {
        /* no /dev/kvm: no guests can run, but the host is still described */
        error_reset();
    } else {
        host_caps_add_guest(caps, max_vcpus);
    }
    return caps_format(caps);
}
