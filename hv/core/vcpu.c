/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vCPU threads and the pause protocol.
 *
 * Each vCPU thread loops: wait while the VM is paused (or this vCPU stopped
 * itself), KVM_RUN, handle the exit.  vm_vcpus_pause() sets pause_wanted,
 * sets immediate_exit and signals every running thread so KVM_RUN returns
 * EINTR; it then waits until all threads are parked.  Nothing a guest does
 * ends the process: exits the VMM cannot continue from park the vCPU and
 * report a request to the machine, which runs on the main thread.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <linux/kvm.h>

#include "hv/core/cpuid.h"
#include "hv/core/vm.h"

#define VCPU_KICK_SIGNAL SIGUSR1

struct Vcpu {
    Vm *vm;
    unsigned int index;
    int fd;
    struct kvm_run *run;
    pthread_t thread;
    bool started;
    int tid;
    uint32_t apic_id;
    bool parked;        /* counted in vm->parked */
    bool stopped;       /* parked by itself until the next reset */
    bool pending_io;    /* last exit was PIO/MMIO: KVM completes it on re-entry */
    uint64_t exits;
    struct kvm_lapic_state lapic0;  /* power-on LAPIC, restored on reset */
};

int
vcpu_fd(const Vcpu *v)
{
    return v->fd;
}

uint32_t
vcpu_apic_id(const Vcpu *v)
{
    return v->apic_id;
}

int
vcpu_thread_id(const Vcpu *v)
{
    return g_atomic_int_get(&v->tid);
}

uint64_t
vcpu_exit_count(const Vcpu *v)
{
    return v->exits;
}

static int
vcpu_set_cpuid(Vcpu *v, const struct kvm_cpuid2 *sup)
{
    g_autofree struct kvm_cpuid2 *c = cpuid_build(sup->entries, sup->nent,
                                                  &v->vm->topo, v->index);

    if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
        return -errno;
    return 0;
}

/* LINT0 as ExtINT (the 8259 virtual wire) and LINT1 as NMI, as firmware does. */
static int
vcpu_setup_lint(Vcpu *v)
{
    uint32_t *lvt0 = (uint32_t *)(void *)&v->lapic0.regs[0x350];
    uint32_t *lvt1 = (uint32_t *)(void *)&v->lapic0.regs[0x360];

    if (ioctl(v->fd, KVM_GET_LAPIC, &v->lapic0) < 0)
        return -errno;
    *lvt0 = (*lvt0 & ~0x700U & ~0x10000U) | (7U << 8);
    *lvt1 = (*lvt1 & ~0x700U & ~0x10000U) | (4U << 8);
    if (ioctl(v->fd, KVM_SET_LAPIC, &v->lapic0) < 0)
        return -errno;
    return 0;
}

static int
vcpu_create(Vm *vm, unsigned int index, const struct kvm_cpuid2 *sup, Vcpu **out)
{
    g_autofree Vcpu *v = g_new0(Vcpu, 1);
    int r;

    v->vm = vm;
    v->index = index;
    v->apic_id = cpuid_apic_id(&vm->topo, index);
    v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->apic_id);
    if (v->fd < 0)
        return -errno;
    v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) {
        r = -errno;
        close(v->fd);
        return r;
    }
    r = vcpu_set_cpuid(v, sup);
    if (r == 0)
        r = vcpu_setup_lint(v);
    if (r < 0) {
        munmap(v->run, vm->run_size);
        close(v->fd);
        return r;
    }
    *out = g_steal_pointer(&v);
    return 0;
}

int
vm_vcpus_create(Vm *vm, unsigned int n, const VmTopology *topo)
{
    g_autofree struct kvm_cpuid2 *sup = NULL;
    int r = 0;

    vm->topo = *topo;
    sup = cpuid_get_supported(vm->kvm_fd, &r);
    if (!sup)
        return r;
    vm->vcpus = g_new0(Vcpu *, n);
    for (unsigned int i = 0; i < n; i++) {
        r = vcpu_create(vm, i, sup, &vm->vcpus[i]);
        if (r < 0)
            return r;
        vm->nvcpus++;
    }
    return 0;
}

static void
vcpu_request(Vcpu *v, VmRequest req, const char *detail, bool stop)
{
    if (stop) {
        pthread_mutex_lock(&v->vm->lock);
        v->stopped = true;
        pthread_mutex_unlock(&v->vm->lock);
    }
    if (v->vm->request)
        v->vm->request(v->vm->request_opaque, req, v->index, detail);
}

static void
vcpu_handle_io(Vcpu *v)
{
    struct kvm_run *run = v->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    bool write = run->io.direction == KVM_EXIT_IO_OUT;
    uint32_t size = run->io.size;

    if ((uint64_t)run->io.data_offset + (uint64_t)size * run->io.count > (uint64_t)v->vm->run_size)
        return;
    for (uint32_t i = 0; i < run->io.count; i++) {
        io_bus_dispatch(&v->vm->pio, run->io.port, data, size, write);
        data += size;
    }
}

static void
vcpu_handle_mmio(Vcpu *v)
{
    struct kvm_run *run = v->run;
    uint32_t len = run->mmio.len;

    if (len == 0 || len > 8)
        return;
    io_bus_dispatch(&v->vm->mmio, run->mmio.phys_addr, run->mmio.data, len,
                    run->mmio.is_write);
}

static void
vcpu_handle_system_event(Vcpu *v)
{
    switch (v->run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        vcpu_request(v, VM_REQUEST_SHUTDOWN, "system-event", true);
        break;
    case KVM_SYSTEM_EVENT_RESET:
        vcpu_request(v, VM_REQUEST_RESET, "system-event", true);
        break;
    case KVM_SYSTEM_EVENT_CRASH:
        vcpu_request(v, VM_REQUEST_PANIC, "system-event", true);
        break;
    default: {
        g_autofree char *d = g_strdup_printf("unknown system event %u",
                                             v->run->system_event.type);
        vcpu_request(v, VM_REQUEST_ERROR, d, true);
    }
    }
}

static void
vcpu_handle_exit(Vcpu *v)
{
    struct kvm_run *run = v->run;
    g_autofree char *detail = NULL;

    v->exits++;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        v->pending_io = true;
        vcpu_handle_io(v);
        return;
    case KVM_EXIT_MMIO:
        v->pending_io = true;
        vcpu_handle_mmio(v);
        return;
    case KVM_EXIT_HLT:
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
    case KVM_EXIT_SET_TPR:
    case KVM_EXIT_TPR_ACCESS:
        return;
    case KVM_EXIT_SHUTDOWN:
        vcpu_request(v, VM_REQUEST_TRIPLE_FAULT, "triple fault", true);
        return;
    case KVM_EXIT_SYSTEM_EVENT:
        vcpu_handle_system_event(v);
        return;
    case KVM_EXIT_INTERNAL_ERROR:
        detail = g_strdup_printf("KVM internal error, suberror %u", run->internal.suberror);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        detail = g_strdup_printf("VM entry failed, hardware reason 0x%llx",
                                 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        break;
    default:
        detail = g_strdup_printf("unhandled KVM exit reason %u", run->exit_reason);
        break;
    }
    {
        struct kvm_regs regs;

        if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0) {
            char *d = g_strdup_printf("%s at rip 0x%llx", detail, (unsigned long long)regs.rip);
            g_free(detail);
            detail = d;
        }
    }
    vcpu_request(v, VM_REQUEST_ERROR, detail, true);
}

/*
 * An I/O exit is finished by KVM only on the next KVM_RUN (it loads the
 * read value and advances RIP).  Before parking, re-enter once with
 * immediate_exit so the saved or reset register state is never followed by
 * a stale completion.
 */
static void
vcpu_complete_io(Vcpu *v)
{
    v->run->immediate_exit = 1;
    (void)ioctl(v->fd, KVM_RUN, 0);
    v->run->immediate_exit = 0;
    v->pending_io = false;
}

/* Blocks while paused or stopped; false when the thread must end. */
static bool
vcpu_wait_runnable(Vcpu *v)
{
    Vm *vm = v->vm;
    bool go;

    pthread_mutex_lock(&vm->lock);
    while ((vm->pause_wanted || v->stopped) && !vm->quitting) {
        if (v->pending_io && !v->stopped) {
            pthread_mutex_unlock(&vm->lock);
            vcpu_complete_io(v);
            pthread_mutex_lock(&vm->lock);
            continue;
        }
        if (!v->parked) {
            v->parked = true;
            vm->parked++;
            pthread_cond_broadcast(&vm->cond);
        }
        pthread_cond_wait(&vm->cond, &vm->lock);
    }
    if (v->parked) {
        v->parked = false;
        vm->parked--;
    }
    go = !vm->quitting;
    pthread_mutex_unlock(&vm->lock);
    return go;
}

static void *
vcpu_thread(void *opaque)
{
    Vcpu *v = opaque;
    g_autofree char *name = g_strdup_printf("vcpu%u", v->index);

    pthread_setname_np(pthread_self(), name);
    g_atomic_int_set(&v->tid, (int)syscall(SYS_gettid));
    while (vcpu_wait_runnable(v)) {
        v->pending_io = false;
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                v->run->immediate_exit = 0;
                continue;
            }
            g_autofree char *d = g_strdup_printf("KVM_RUN failed: %s", g_strerror(errno));
            vcpu_request(v, VM_REQUEST_ERROR, d, true);
            continue;
        }
        vcpu_handle_exit(v);
    }
    return NULL;
}

static void
vcpu_kick_handler(int sig)
{
    (void)sig;
}

int
vm_vcpus_start(Vm *vm)
{
    struct sigaction sa = { .sa_handler = vcpu_kick_handler };
    sigset_t set;

    sigemptyset(&sa.sa_mask);
    if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
        return -errno;
    sigemptyset(&set);
    sigaddset(&set, VCPU_KICK_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    for (unsigned int i = 0; i < vm->nvcpus; i++) {
        int r = pthread_create(&vm->vcpus[i]->thread, NULL, vcpu_thread, vm->vcpus[i]);
        if (r != 0)
            return -r;
        vm->vcpus[i]->started = true;
    }
    return 0;
}

static void
vm_vcpus_kick_locked(Vm *vm)
{
    for (unsigned int i = 0; i < vm->nvcpus; i++) {
        Vcpu *v = vm->vcpus[i];

        if (!v->started || v->parked)
            continue;
        v->run->immediate_exit = 1;
        pthread_kill(v->thread, VCPU_KICK_SIGNAL);
    }
}

static unsigned int
vm_vcpus_started(Vm *vm)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < vm->nvcpus; i++)
        n += vm->vcpus[i]->started;
    return n;
}

void
vm_vcpus_pause(Vm *vm)
{
    unsigned int want = vm_vcpus_started(vm);

    pthread_mutex_lock(&vm->lock);
    vm->pause_wanted = true;
    while (vm->parked < want) {
        struct timespec ts;

        vm_vcpus_kick_locked(vm);
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 5 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&vm->cond, &vm->lock, &ts);
    }
    pthread_mutex_unlock(&vm->lock);
}

void
vm_vcpus_resume(Vm *vm)
{
    pthread_mutex_lock(&vm->lock);
    vm->pause_wanted = false;
    pthread_cond_broadcast(&vm->cond);
    pthread_mutex_unlock(&vm->lock);
}

void
vm_vcpus_stop(Vm *vm)
{
    pthread_mutex_lock(&vm->lock);
    vm->quitting = true;
    pthread_cond_broadcast(&vm->cond);
    vm_vcpus_kick_locked(vm);
    pthread_mutex_unlock(&vm->lock);
    for (unsigned int i = 0; i < vm->nvcpus; i++) {
        Vcpu *v = vm->vcpus[i];

        /* The thread may sit in KVM_RUN; keep kicking until it leaves. */
        while (v->started && pthread_tryjoin_np(v->thread, NULL) == EBUSY) {
            v->run->immediate_exit = 1;
            pthread_kill(v->thread, VCPU_KICK_SIGNAL);
            g_usleep(1000);
        }
        v->started = false;
    }
    for (unsigned int i = 0; i < vm->nvcpus; i++) {
        munmap(vm->vcpus[i]->run, vm->run_size);
        close(vm->vcpus[i]->fd);
        g_free(vm->vcpus[i]);
    }
    g_clear_pointer(&vm->vcpus, g_free);
    vm->nvcpus = 0;
}

static int
vcpu_reset_msrs(Vcpu *v)
{
    static const uint32_t zero_msrs[] = {
        0x174, 0x175, 0x176,                    /* SYSENTER_CS/ESP/EIP */
        0xc0000081, 0xc0000082, 0xc0000083,     /* STAR, LSTAR, CSTAR */
        0xc0000084, 0xc0000102,                 /* SFMASK, KERNEL_GS_BASE */
        0x10,                                   /* TSC */
    };
    g_autofree struct kvm_msrs *m = g_malloc0(sizeof(*m) + 16 * sizeof(struct kvm_msr_entry));
    unsigned int n = 0;
    int r;

    for (unsigned int i = 0; i < G_N_ELEMENTS(zero_msrs); i++)
        m->entries[n++].index = zero_msrs[i];
    m->entries[n].index = 0x1a0;        /* MISC_ENABLE: fast strings */
    m->entries[n++].data = 1;
    m->entries[n].index = 0x2ff;        /* MTRRdefType: enabled, write-back */
    m->entries[n++].data = (1 << 11) | 6;
    m->nmsrs = n;
    /* KVM stops at the first MSR it refuses; then set the rest one by one. */
    r = ioctl(v->fd, KVM_SET_MSRS, m);
    if (r < 0)
        return -errno;
    for (unsigned int i = (unsigned int)r + 1; i < n; i++) {
        m->entries[0] = m->entries[i];
        m->nmsrs = 1;
        (void)ioctl(v->fd, KVM_SET_MSRS, m);
    }
    return 0;
}

int
vm_vcpus_reset(Vm *vm)
{
    for (unsigned int i = 0; i < vm->nvcpus; i++) {
        Vcpu *v = vm->vcpus[i];
        struct kvm_mp_state mp = {
            .mp_state = i == 0 ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED,
        };

        if (ioctl(v->fd, KVM_SET_LAPIC, &v->lapic0) < 0)
            return -errno;
        if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
            return -errno;
        (void)vcpu_reset_msrs(v);
        pthread_mutex_lock(&vm->lock);
        v->stopped = false;
        pthread_mutex_unlock(&vm->lock);
    }
    return 0;
}
