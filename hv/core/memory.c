/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest RAM: one mapping (memfd by default) split into two KVM slots around
 * the 32-bit MMIO hole of layout.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "hv/core/launch.h"
#include "hv/core/layout.h"
#include "hv/core/vm.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif

uint64_t
vm_memory_low_size(uint64_t size)
{
    return size < LAYOUT_MMIO_HOLE_START ? size : LAYOUT_MMIO_HOLE_START;
}

uint64_t
vm_memory_high_size(uint64_t size)
{
    return size - vm_memory_low_size(size);
}

static int
vm_memory_map(Vm *vm, const VmMemoryConfig *cfg)
{
    int flags = MAP_NORESERVE;
    int fd = -1;

    if (cfg->backing == LAUNCH_BACKING_ANONYMOUS) {
        flags |= MAP_PRIVATE | MAP_ANONYMOUS;
    } else {
        unsigned int mfd = MFD_CLOEXEC;

        if (cfg->backing == LAUNCH_BACKING_HUGEPAGES)
            mfd |= MFD_HUGETLB | MFD_HUGE_2MB;
        fd = memfd_create("guest-ram", mfd);
        if (fd < 0)
            return -errno;
        if (ftruncate(fd, (off_t)cfg->size) < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        flags |= cfg->shared ? MAP_SHARED : MAP_PRIVATE;
    }
    vm->ram = mmap(NULL, cfg->size, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (vm->ram == MAP_FAILED) {
        int e = errno;
        vm->ram = NULL;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    vm->ram_fd = fd;
    vm->ram_size = cfg->size;
    return 0;
}

static int
vm_memory_slot(Vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, uint64_t offset)
{
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)(vm->ram + offset),
    };
    int ret;

    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return -errno;
    ret = guest_memory_add_region(&vm->mem, gpa, size, vm->ram + offset,
                                  vm->ram_fd, offset);
    return ret;
}

int
vm_memory_setup(Vm *vm, const VmMemoryConfig *cfg)
{
    uint64_t low = vm_memory_low_size(cfg->size);
    uint64_t high = vm_memory_high_size(cfg->size);
    int r;

    r = vm_memory_map(vm, cfg);
    if (r < 0)
        return r;
    /* Advice is best effort: a host without KSM or THP still runs the guest. */
    if (cfg->merge)
        (void)madvise(vm->ram, cfg->size, MADV_MERGEABLE);
    if (cfg->thp && cfg->backing != LAUNCH_BACKING_HUGEPAGES)
        (void)madvise(vm->ram, cfg->size, MADV_HUGEPAGE);
    (void)madvise(vm->ram, cfg->size, MADV_DONTDUMP);
    r = vm_memory_slot(vm, 0, 0, low, 0);
    if (r < 0)
        return r;
    if (high)
        r = vm_memory_slot(vm, 1, LAYOUT_HIGH_RAM_START, high, low);
    return r;
}
