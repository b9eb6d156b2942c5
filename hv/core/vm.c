/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KVM VM creation: the VM fd, the legacy x86 set-up and the in-kernel irqchip. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <linux/kvm.h>

#include "hv/core/vm.h"

/* Three pages just below the BIOS area at the top of the 32-bit space. */
#define VM_IDENTITY_MAP_ADDR 0xfffbc000ULL
#define VM_TSS_ADDR          0xfffbd000ULL

static int
vm_check_api(int kvm_fd)
{
    int v = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);

    if (v < 0)
        return -errno;
    if (v != KVM_API_VERSION)
        return -ENOTSUP;
    if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0 ||
        ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
        return -ENOTSUP;
    return 0;
}

typedef struct {
    struct kvm_irqchip chip[3];
    struct kvm_pit_state2 pit;
} VmIrqchipState;

static int
vm_irqchip_save(Vm *vm)
{
    VmIrqchipState *st = g_new0(VmIrqchipState, 1);

    vm->irqchip0 = st;
    for (unsigned int i = 0; i < 3; i++) {
        st->chip[i].chip_id = i;
        if (ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &st->chip[i]) < 0)
            return -errno;
    }
    if (ioctl(vm->vm_fd, KVM_GET_PIT2, &st->pit) < 0)
        return -errno;
    return 0;
}

int
vm_irqchip_reset(Vm *vm)
{
    VmIrqchipState *st = vm->irqchip0;

    if (!st)
        return -EINVAL;
    for (unsigned int i = 0; i < 3; i++) {
        if (ioctl(vm->vm_fd, KVM_SET_IRQCHIP, &st->chip[i]) < 0)
            return -errno;
    }
    if (ioctl(vm->vm_fd, KVM_SET_PIT2, &st->pit) < 0)
        return -errno;
    return 0;
}

static int
vm_setup_x86(Vm *vm)
{
    uint64_t idmap = VM_IDENTITY_MAP_ADDR;
    struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

    /* Only needed (and only accepted) by VMX; other kinds refuse harmlessly. */
    (void)ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
    if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)VM_TSS_ADDR) < 0 && errno != EINVAL)
        return -errno;
    if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
        return -errno;
    if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
        return -errno;
    return vm_irqchip_save(vm);
}

int
vm_create(Vm *vm, int kvm_fd)
{
    int r;

    memset(vm, 0, sizeof(*vm));
    vm->vm_fd = -1;
    vm->ram_fd = -1;
    pthread_mutex_init(&vm->lock, NULL);
    pthread_cond_init(&vm->cond, NULL);
    io_bus_init(&vm->pio);
    io_bus_init(&vm->mmio);
    if (kvm_fd < 0) {
        kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (kvm_fd < 0)
            return -errno;
    }
    vm->kvm_fd = kvm_fd;
    r = vm_check_api(kvm_fd);
    if (r < 0)
        return r;
    vm->run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vm->run_size < (int)sizeof(struct kvm_run))
        return vm->run_size < 0 ? -errno : -EINVAL;
    vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return -errno;
    (void)fcntl(vm->vm_fd, F_SETFD, FD_CLOEXEC);
    return vm_setup_x86(vm);
}

void
vm_destroy(Vm *vm)
{
    vm_vcpus_stop(vm);
    if (vm->ram)
        munmap(vm->ram, vm->ram_size);
    vm->ram = NULL;
    if (vm->ram_fd >= 0)
        close(vm->ram_fd);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    vm->ram_fd = vm->vm_fd = vm->kvm_fd = -1;
    g_clear_pointer(&vm->irqchip0, g_free);
    io_bus_destroy(&vm->pio);
    io_bus_destroy(&vm->mmio);
}

int
vm_set_irq(Vm *vm, unsigned int gsi, int level)
{
    struct kvm_irq_level irq = { .irq = gsi, .level = level };

    if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
        return -errno;
    return 0;
}
