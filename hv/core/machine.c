/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Machine assembly and run-state machine.
 *
 *   prelaunch -> running <-> paused
 *   running/paused -> shutdown (guest power-off, quit, reset with
 *                               on-reset=shutdown)
 *   running -> internal-error (an exit the VMM cannot continue from)
 *   running -> guest-panicked (pvpanic; cont resumes)
 *
 * PCI: bus 0 (host bridge, config mechanism #1, ECAM) is created after the
 * legacy devices; each virtio device of the description becomes a
 * virtio-pci function on it (MSI through KVM_SIGNAL_MSI, INTx on GSI 16+).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "hv/core/cpuid.h"
#include "hv/core/layout.h"
#include "hv/core/machine.h"
#include "hv/devices/acpi-pm.h"
#include "hv/devices/i8042.h"
#include "hv/devices/pvpanic.h"
#include "hv/devices/rtc.h"
#include "hv/devices/serial.h"
#include "hv/pci/pci.h"
#include "util/i18n.h"

typedef struct {
    Machine *m;
    VmRequest req;
    unsigned int vcpu;
    char *detail;
} MachineRequest;

const char *
machine_state_name(MachineState s)
{
    switch (s) {
    case MACHINE_STATE_PRELAUNCH: return "prelaunch";
    case MACHINE_STATE_RUNNING: return "running";
    case MACHINE_STATE_PAUSED: return "paused";
    case MACHINE_STATE_SHUTDOWN: return "shutdown";
    case MACHINE_STATE_INTERNAL_ERROR: return "internal-error";
    case MACHINE_STATE_GUEST_PANICKED: return "guest-panicked";
    }
    return "unknown";
}

Machine *
machine_new(LaunchDesc *desc, char **err)
{
    Machine *m = g_new0(Machine, 1);

    m->desc = desc;
    m->devices = g_ptr_array_new();
    m->fds = g_array_new(FALSE, FALSE, sizeof(int));
    m->blk_ids = g_ptr_array_new_with_free_func(g_free);
    m->blk_devs = g_ptr_array_new();
    m->vm.vm_fd = m->vm.kvm_fd = m->vm.ram_fd = -1;
    if (linux_boot_prepare(&m->boot, desc->kernel, desc->initrd, desc->cmdline, err) < 0) {
        machine_free(m);
        return NULL;
    }
    return m;
}

void
machine_set_event_handler(Machine *m, MachineEventFn fn, void *opaque)
{
    m->event = fn;
    m->event_opaque = opaque;
}

void
machine_emit(Machine *m, const char *event, json_object *data)
{
    if (m->event)
        m->event(m->event_opaque, event, data);
    json_object_put(data);
}

static gboolean
machine_request_idle(gpointer data)
{
    MachineRequest *r = data;
    Machine *m = r->m;

    if (m->state == MACHINE_STATE_SHUTDOWN)
        goto out;
    switch (r->req) {
    case VM_REQUEST_SHUTDOWN:
        machine_shutdown(m, "guest-shutdown", true);
        break;
    case VM_REQUEST_RESET:
        machine_reset(m, true, "guest-reset");
        break;
    case VM_REQUEST_TRIPLE_FAULT:
        machine_reset(m, true, "triple-fault");
        break;
    case VM_REQUEST_PANIC: {
        json_object *d = json_object_new_object();

        json_object_object_add(d, "action",
                               json_object_new_string(m->desc->panic_shutdown ? "shutdown" : "pause"));
        if (m->desc->panic_shutdown) {
            machine_emit(m, "GUEST_PANIC", d);
            machine_shutdown(m, "guest-panic", true);
            break;
        }
        vm_vcpus_pause(&m->vm);
        m->state = MACHINE_STATE_GUEST_PANICKED;
        machine_emit(m, "GUEST_PANIC", d);
        machine_emit(m, "STOP", NULL);
        break;
    }
    case VM_REQUEST_ERROR:
    default: {
        json_object *d = json_object_new_object();

        vm_vcpus_pause(&m->vm);
        m->state = MACHINE_STATE_INTERNAL_ERROR;
        machine_emit(m, "STOP", NULL);
        json_object_object_add(d, "vcpu", json_object_new_int((int)r->vcpu));
        json_object_object_add(d, "reason", json_object_new_string(r->detail ? r->detail : ""));
        machine_emit(m, "ERROR", d);
        break;
    }
    }
out:
    g_free(r->detail);
    g_free(r);
    return G_SOURCE_REMOVE;
}

/* From any thread (vCPUs, devices). */
static void
machine_request(Machine *m, VmRequest req, unsigned int vcpu, const char *detail)
{
    MachineRequest *r = g_new0(MachineRequest, 1);

    r->m = m;
    r->req = req;
    r->vcpu = vcpu;
    r->detail = g_strdup(detail);
    g_idle_add(machine_request_idle, r);
}

static void
machine_vm_request(void *opaque, VmRequest req, unsigned int vcpu, const char *detail)
{
    machine_request(opaque, req, vcpu, detail);
}

static void
machine_device_request(void *opaque, VmRequest req, const char *detail)
{
    machine_request(opaque, req, 0, detail);
}

static int
machine_add_device(Machine *m, Device *dev, char **err)
{
    int r = device_realize(dev);

    if (r < 0) {
        *err = g_strdup_printf(_("cannot realize device %1$s: %2$s"), dev->id, g_strerror(-r));
        device_free(dev);
        return r;
    }
    g_ptr_array_add(m->devices, dev);
    return 0;
}

static int
machine_signal_msi(void *opaque, uint64_t addr, uint32_t data)
{
    Vm *vm = &((Machine *)opaque)->vm;
    struct kvm_msi msi = {
        .address_lo = (uint32_t)addr,
        .address_hi = (uint32_t)(addr >> 32),
        .data = data,
    };

    if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
        return -errno;
    return 0;
}

static int
machine_set_gsi(void *opaque, uint32_t gsi, int level)
{
    return vm_set_irq(&((Machine *)opaque)->vm, gsi, level);
}

static void
machine_bar_changed(void *opaque, PciDevice *dev, int bar, bool mapped, uint64_t addr)
{
    Machine *m = opaque;

    ioeventfd_bar_changed(&m->ioeventfds, dev, bar, mapped);
}

static int
machine_build_pci(Machine *m, char **err)
{
    PciMsiSink sink = {
        .signal_msi = machine_signal_msi,
        .set_irq = machine_set_gsi,
        .bar_changed = machine_bar_changed,
        .opaque = m,
    };

    ioeventfd_init(&m->ioeventfds, m->vm.vm_fd);

    m->pci = pci_bus_create(&m->vm.pio, &m->vm.mmio, &m->vm.mem, &sink);
    if (!m->pci) {
        *err = g_strdup(_("cannot create the PCI bus"));
        return -EEXIST;
    }
    return machine_build_virtio(m, err);
}

static void
machine_reset_pci(Machine *m)
{
    for (int slot = 0; m->pci && slot < PCI_MAX_SLOTS; slot++) {
        PciDevice *dev = pci_bus_get_device(m->pci, slot);

        if (dev)
            pci_device_reset(dev);
    }
}

static int
machine_build_devices(Machine *m, char **err)
{
    const LaunchDesc *d = m->desc;
    CharBackend *cb = NULL;
    int r = 0;

    if (d->serial.type != LAUNCH_CHAR_NONE) {
        cb = char_backend_open(&d->serial, &r);
        if (!cb) {
            *err = g_strdup_printf(_("cannot open the serial backend: %1$s"), g_strerror(-r));
            return r;
        }
    }
    m->serial = serial_create(&m->env, "serial0", LAYOUT_PIO_COM1, LAYOUT_IRQ_COM1, cb);
    r = machine_add_device(m, m->serial, err);
    if (r < 0) {
        m->serial = NULL;
        return r;
    }
    r = machine_add_device(m, i8042_create(&m->env, "i8042"), err);
    if (r == 0)
        r = machine_add_device(m, rtc_create(&m->env, "rtc", d->mem_size, d->vcpus), err);
    if (r == 0) {
        m->pm = acpi_pm_create(&m->env, "acpi-pm");
        r = machine_add_device(m, m->pm, err);
        if (r < 0)
            m->pm = NULL;
    }
    if (r == 0 && d->pvpanic)
        r = machine_add_device(m, pvpanic_create(&m->env, "pvpanic"), err);
    if (r == 0)
        r = machine_build_pci(m, err);
    return r;
}

static AcpiConfig
machine_acpi_config(Machine *m)
{
    AcpiConfig c = {
        .nvcpus = m->desc->vcpus,
        .apic_ids = m->apic_ids,
        .pvpanic = m->desc->pvpanic,
    };
    return c;
}

static int
machine_load_guest(Machine *m)
{
    AcpiConfig acpi = machine_acpi_config(m);
    int r = vm_vcpus_reset(&m->vm);

    if (r == 0)
        r = linux_boot_load(&m->boot, &m->vm, &acpi);
    return r;
}

int
machine_build(Machine *m, char **err)
{
    const LaunchDesc *d = m->desc;
    VmMemoryConfig mc = {
        .size = d->mem_size, .backing = d->backing,
        .shared = d->mem_shared, .merge = d->mem_merge, .thp = d->mem_thp,
    };
    VmTopology topo = { d->sockets, d->cores, d->threads };
    int r;

    r = vm_create(&m->vm, d->kvm_fd);
    m->vm_created = true;
    if (r < 0) {
        *err = g_strdup_printf(_("cannot create the KVM VM: %1$s"), g_strerror(-r));
        return r;
    }
    m->vm.request = machine_vm_request;
    m->vm.request_opaque = m;
    m->env.vm = &m->vm;
    m->env.request = machine_device_request;
    m->env.opaque = m;
    r = vm_memory_setup(&m->vm, &mc);
    if (r < 0) {
        *err = g_strdup_printf(_("cannot set up guest memory: %1$s"), g_strerror(-r));
        return r;
    }
    r = vm_vcpus_create(&m->vm, d->vcpus, &topo);
    if (r < 0) {
        *err = g_strdup_printf(_("cannot create vCPUs: %1$s"), g_strerror(-r));
        return r;
    }
    m->apic_ids = g_new0(uint32_t, d->vcpus);
    for (unsigned int i = 0; i < d->vcpus; i++)
        m->apic_ids[i] = cpuid_apic_id(&topo, i);
    r = machine_build_devices(m, err);
    if (r < 0)
        return r;
    r = machine_load_guest(m);
    if (r < 0) {
        *err = g_strdup_printf(_("cannot load the guest: %1$s"), g_strerror(-r));
        return r;
    }
    return 0;
}

int
machine_start(Machine *m)
{
    int r;

    if (m->desc->start_paused) {
        m->vm.pause_wanted = true;
        m->state = MACHINE_STATE_PAUSED;
    } else {
        m->state = MACHINE_STATE_RUNNING;
    }
    r = vm_vcpus_start(&m->vm);
    if (r == 0 && m->desc->start_paused)
        vm_vcpus_pause(&m->vm);
    return r;
}

void
machine_free(Machine *m)
{
    if (!m)
        return;
    if (m->vm_created)
        vm_vcpus_stop(&m->vm);
    g_ptr_array_unref(m->blk_devs);
    g_ptr_array_unref(m->blk_ids);
    pci_bus_free(m->pci);
    ioeventfd_cleanup(&m->ioeventfds);
    machine_close_fds(m);
    g_array_unref(m->fds);
    g_free(m->console_pty);
    for (int i = 0; i < 32; i++)
        g_free(m->pci_names[i]);
    for (guint i = m->devices->len; i > 0; i--)
        device_free(g_ptr_array_index(m->devices, i - 1));
    g_ptr_array_unref(m->devices);
    if (m->vm_created)
        vm_destroy(&m->vm);
    linux_boot_clear(&m->boot);
    launch_desc_free(m->desc);
    g_free(m->apic_ids);
    g_free(m->shutdown_reason);
    g_free(m);
}

int
machine_stop(Machine *m)
{
    if (m->state != MACHINE_STATE_RUNNING)
        return m->state == MACHINE_STATE_PAUSED ? 0 : -EBUSY;
    vm_vcpus_pause(&m->vm);
    m->state = MACHINE_STATE_PAUSED;
    machine_emit(m, "STOP", NULL);
    return 0;
}

int
machine_cont(Machine *m)
{
    if (m->state == MACHINE_STATE_RUNNING)
        return 0;
    if (m->state != MACHINE_STATE_PAUSED && m->state != MACHINE_STATE_GUEST_PANICKED)
        return -EBUSY;
    m->state = MACHINE_STATE_RUNNING;
    vm_vcpus_resume(&m->vm);
    machine_emit(m, "RESUME", NULL);
    return 0;
}

int
machine_powerdown(Machine *m)
{
    if (m->state == MACHINE_STATE_SHUTDOWN || !m->pm)
        return -EBUSY;
    acpi_pm_power_button(m->pm);
    machine_emit(m, "POWERDOWN", NULL);
    return 0;
}

int
machine_reset(Machine *m, bool by_guest, const char *reason)
{
    MachineState was = m->state;
    json_object *d;
    int r;

    if (was == MACHINE_STATE_SHUTDOWN)
        return -EBUSY;
    if (by_guest && m->desc->on_reset == LAUNCH_ON_RESET_SHUTDOWN) {
        machine_shutdown(m, "guest-reset", true);
        return 0;
    }
    vm_vcpus_pause(&m->vm);
    r = vm_irqchip_reset(&m->vm);
    for (guint i = 0; i < m->devices->len; i++)
        device_reset(g_ptr_array_index(m->devices, i));
    machine_reset_pci(m);
    if (r == 0)
        r = machine_load_guest(m);
    d = json_object_new_object();
    json_object_object_add(d, "guest", json_object_new_boolean(by_guest));
    json_object_object_add(d, "reason", json_object_new_string(reason));
    machine_emit(m, "RESET", d);
    if (r < 0) {
        m->state = MACHINE_STATE_INTERNAL_ERROR;
        d = json_object_new_object();
        json_object_object_add(d, "reason", json_object_new_string("reset failed"));
        machine_emit(m, "ERROR", d);
        return r;
    }
    if (was == MACHINE_STATE_RUNNING || was == MACHINE_STATE_INTERNAL_ERROR) {
        m->state = MACHINE_STATE_RUNNING;
        vm_vcpus_resume(&m->vm);
    }
    return 0;
}

void
machine_shutdown(Machine *m, const char *reason, bool by_guest)
{
    json_object *d;

    if (m->state == MACHINE_STATE_SHUTDOWN)
        return;
    vm_vcpus_pause(&m->vm);
    m->state = MACHINE_STATE_SHUTDOWN;
    g_free(m->shutdown_reason);
    m->shutdown_reason = g_strdup(reason);
    d = json_object_new_object();
    json_object_object_add(d, "guest", json_object_new_boolean(by_guest));
    json_object_object_add(d, "reason", json_object_new_string(reason));
    machine_emit(m, "SHUTDOWN", d);
    m->exit_code = 0;
    if (m->loop)
        g_main_loop_quit(m->loop);
}

json_object *
machine_query_status(Machine *m)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "status", json_object_new_string(machine_state_name(m->state)));
    json_object_object_add(o, "running",
                           json_object_new_boolean(m->state == MACHINE_STATE_RUNNING));
    json_object_object_add(o, "name", json_object_new_string(m->desc->name));
    return o;
}

json_object *
machine_query_vcpus(Machine *m)
{
    json_object *a = json_object_new_array();

    for (unsigned int i = 0; i < m->vm.nvcpus; i++) {
        Vcpu *v = m->vm.vcpus[i];
        json_object *o = json_object_new_object();

        json_object_object_add(o, "cpu-index", json_object_new_int((int)i));
        json_object_object_add(o, "apic-id", json_object_new_int((int)vcpu_apic_id(v)));
        json_object_object_add(o, "thread-id", json_object_new_int(vcpu_thread_id(v)));
        json_object_object_add(o, "exits", json_object_new_int64((int64_t)vcpu_exit_count(v)));
        json_object_array_add(a, o);
    }
    return a;
}

static void
machine_query_pci(Machine *m, json_object *a)
{
    for (int slot = 0; m->pci && slot < PCI_MAX_SLOTS; slot++) {
        PciDevice *dev = pci_bus_get_device(m->pci, slot);
        json_object *o;
        g_autofree char *addr = NULL;
        g_autofree char *ids = NULL;

        if (!dev)
            continue;
        o = json_object_new_object();
        addr = g_strdup_printf("0000:00:%02x.0", slot);
        ids = g_strdup_printf("%04x:%04x", pci_get_word(dev->config + PCI_VENDOR_ID),
                              pci_get_word(dev->config + PCI_DEVICE_ID));
        json_object_object_add(o, "id", json_object_new_string(
            m->pci_names[slot] ? m->pci_names[slot] : slot == 0 ? "pci0" : ""));
        json_object_object_add(o, "type", json_object_new_string(dev->name ? dev->name : "pci"));
        json_object_object_add(o, "bus", json_object_new_string("pci"));
        json_object_object_add(o, "pci-address", json_object_new_string(addr));
        json_object_object_add(o, "pci-id", json_object_new_string(ids));
        if (m->console_pty && !g_strcmp0(ids, "1af4:1043"))
            json_object_object_add(o, "pty", json_object_new_string(m->console_pty));
        json_object_array_add(a, o);
    }
}

json_object *
machine_query_devices(Machine *m)
{
    json_object *a = json_object_new_array();

    for (guint i = 0; i < m->devices->len; i++) {
        Device *dev = g_ptr_array_index(m->devices, i);
        json_object *o = json_object_new_object();

        json_object_object_add(o, "id", json_object_new_string(dev->id));
        json_object_object_add(o, "type", json_object_new_string(dev->ops->type));
        json_object_object_add(o, "bus", json_object_new_string("isa"));
        json_object_object_add(o, "io-kind", json_object_new_string(dev->pio ? "pio" : "mmio"));
        json_object_object_add(o, "io-base", json_object_new_int64((int64_t)dev->io_base));
        json_object_object_add(o, "io-size", json_object_new_int64((int64_t)dev->io_len));
        if (dev == m->serial && serial_pty_path(dev))
            json_object_object_add(o, "pty", json_object_new_string(serial_pty_path(dev)));
        json_object_array_add(a, o);
    }
    machine_query_pci(m, a);
    return a;
}
