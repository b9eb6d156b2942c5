/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One KVM virtual machine: the VM fd, its memory slots, the in-kernel
 * irqchip and PIT, the two I/O buses and the vCPUs.  It knows nothing about
 * boot or devices; those are wired up by the machine.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/core/guest-memory.h"
#include "hv/core/io-bus.h"

typedef struct Vcpu Vcpu;

/* What a vCPU thread asks the machine (main thread) to do. */
typedef enum {
    VM_REQUEST_NONE = 0,
    VM_REQUEST_SHUTDOWN,      /* guest powered off (ACPI S5, SYSTEM_EVENT) */
    VM_REQUEST_RESET,         /* guest asked for a reset (i8042, SYSTEM_EVENT) */
    VM_REQUEST_TRIPLE_FAULT,  /* KVM_EXIT_SHUTDOWN */
    VM_REQUEST_PANIC,         /* pvpanic, SYSTEM_EVENT crash */
    VM_REQUEST_ERROR,         /* an exit we cannot continue from */
} VmRequest;

typedef void (*VmRequestFn)(void *opaque, VmRequest req, unsigned int vcpu,
                            const char *detail);

typedef struct {
    unsigned int sockets, cores, threads;
} VmTopology;

typedef struct Vm {
    int kvm_fd;
    int vm_fd;
    int run_size;
    GuestMemory mem;
    uint8_t *ram;               /* the whole RAM mapping (low then high) */
    uint64_t ram_size;
    int ram_fd;                 /* memfd, or -1 */
    IoBus pio;
    IoBus mmio;
    unsigned int nvcpus;
    Vcpu **vcpus;
    VmTopology topo;

    void *irqchip0;             /* power-on PIC/IOAPIC/PIT state */

    VmRequestFn request;
    void *request_opaque;

    /* pause protocol, see vcpu.c */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool pause_wanted;
    bool quitting;
    unsigned int parked;
} Vm;

typedef struct {
    uint64_t size;
    int backing;                /* LaunchBacking */
    bool shared, merge, thp;
} VmMemoryConfig;

/* Takes ownership of @kvm_fd (or opens /dev/kvm when -1).  -errno. */
int vm_create(Vm *vm, int kvm_fd);
void vm_destroy(Vm *vm);

/* hv/core/memory.c: allocates RAM and registers the slots. -errno. */
int vm_memory_setup(Vm *vm, const VmMemoryConfig *cfg);
/* Bytes of RAM below the 32-bit hole and above 4 GiB. */
uint64_t vm_memory_low_size(uint64_t size);
uint64_t vm_memory_high_size(uint64_t size);

/* Restores the in-kernel PICs, IOAPIC and PIT to their power-on state. */
int vm_irqchip_reset(Vm *vm);

/* Asserts (level 1) or deasserts a GSI through KVM_IRQ_LINE. */
int vm_set_irq(Vm *vm, unsigned int gsi, int level);

/* hv/core/vcpu.c */
int vm_vcpus_create(Vm *vm, unsigned int n, const VmTopology *topo);
int vm_vcpus_start(Vm *vm);
/* Parks every vCPU outside KVM_RUN and waits for it.  Main thread only. */
void vm_vcpus_pause(Vm *vm);
void vm_vcpus_resume(Vm *vm);
/* Stops and joins the vCPU threads. */
void vm_vcpus_stop(Vm *vm);
/* Puts vCPU state back to power-on: BSP ready for the boot loader, APs
 * waiting for INIT/SIPI.  vCPUs must be paused. */
int vm_vcpus_reset(Vm *vm);

int vcpu_fd(const Vcpu *vcpu);
uint32_t vcpu_apic_id(const Vcpu *vcpu);
int vcpu_thread_id(const Vcpu *vcpu);
uint64_t vcpu_exit_count(const Vcpu *vcpu);
