/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPUID filtering and topology; see cpuid.h. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <glib.h>

#include "hv/core/cpuid.h"

#define CPUID_1_ECX_HYPERVISOR (1U << 31)
#define CPUID_1_ECX_MONITOR    (1U << 3)
#define CPUID_1_EDX_HTT        (1U << 28)

unsigned int
cpuid_field_bits(unsigned int count)
{
    unsigned int bits = 0;

    while ((1U << bits) < count)
        bits++;
    return bits;
}

uint32_t
cpuid_apic_id(const VmTopology *t, unsigned int index)
{
    unsigned int tb = cpuid_field_bits(t->threads);
    unsigned int cb = cpuid_field_bits(t->cores);
    unsigned int thread = index % t->threads;
    unsigned int core = (index / t->threads) % t->cores;
    unsigned int socket = index / (t->threads * t->cores);

    return (socket << (tb + cb)) | (core << tb) | thread;
}

struct kvm_cpuid_entry2 *
cpuid_find(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        bool indexed = e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

        if (e->function == fn && (!indexed || e->index == idx))
            return e;
    }
    return NULL;
}

static void
cpuid_fix_leaf1(struct kvm_cpuid_entry2 *e, const VmTopology *t, uint32_t apic)
{
    unsigned int per_pkg = t->threads * t->cores;

    e->ebx = (e->ebx & 0x0000ffffU) | (apic << 24) |
             ((per_pkg > 255 ? 255 : per_pkg) << 16);
    e->ecx |= CPUID_1_ECX_HYPERVISOR;
    e->ecx &= ~CPUID_1_ECX_MONITOR;
    if (per_pkg > 1)
        e->edx |= CPUID_1_EDX_HTT;
    else
        e->edx &= ~CPUID_1_EDX_HTT;
}

static void
cpuid_fix_leaf4(struct kvm_cpuid_entry2 *e, const VmTopology *t)
{
    unsigned int level = (e->eax >> 5) & 7;
    unsigned int sharing = level >= 3 ? t->threads * t->cores : t->threads;

    if ((e->eax & 0x1f) == 0)
        return;     /* no more caches */
    e->eax &= 0x3fff;
    e->eax |= ((t->cores - 1) & 0x3f) << 26;
    e->eax |= ((sharing - 1) & 0xfff) << 14;
}

static void
cpuid_add(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx, uint32_t flags,
          uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
    struct kvm_cpuid_entry2 *e;

    if (c->nent >= CPUID_MAX_ENTRIES)
        return;
    e = &c->entries[c->nent++];
    memset(e, 0, sizeof(*e));
    e->function = fn;
    e->index = idx;
    e->flags = flags;
    e->eax = a;
    e->ebx = b;
    e->ecx = cx;
    e->edx = d;
}

/* Leaf 0xb: SMT level, core level, then an invalid terminator. */
static void
cpuid_add_leaf_b(struct kvm_cpuid2 *c, const VmTopology *t, uint32_t apic)
{
    unsigned int tb = cpuid_field_bits(t->threads);
    unsigned int cb = cpuid_field_bits(t->cores);
    uint32_t f = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

    cpuid_add(c, 0xb, 0, f, tb, t->threads, 0 | (1 << 8), apic);
    cpuid_add(c, 0xb, 1, f, tb + cb, t->threads * t->cores, 1 | (2 << 8), apic);
    cpuid_add(c, 0xb, 2, f, 0, 0, 2, apic);
}

static void
cpuid_add_hypervisor(struct kvm_cpuid2 *c, const struct kvm_cpuid_entry2 *sup,
                     unsigned int n)
{
    uint32_t features = 0;
    uint32_t sig[3];

    memcpy(sig, "KVMKVMKVM\0\0\0", 12);
    for (unsigned int i = 0; i < n; i++) {
        if (sup[i].function == 0x40000001)
            features = sup[i].eax;
    }
    cpuid_add(c, 0x40000000, 0, 0, 0x40000001, sig[0], sig[1], sig[2]);
    cpuid_add(c, 0x40000001, 0, 0, features, 0, 0, 0);
}

struct kvm_cpuid2 *
cpuid_build(const struct kvm_cpuid_entry2 *sup, unsigned int n,
            const VmTopology *t, unsigned int index)
{
    struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) +
                                     CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
    uint32_t apic = cpuid_apic_id(t, index);

    for (unsigned int i = 0; i < n && c->nent < CPUID_MAX_ENTRIES - 8; i++) {
        struct kvm_cpuid_entry2 e = sup[i];

        /* Rebuilt below; no PMU is emulated. */
        if (e.function == 0xb || e.function == 0x1f ||
            (e.function & 0xffff0000U) == 0x40000000U)
            continue;
        if (e.function == 0xa)
            e.eax = e.ebx = e.ecx = e.edx = 0;
        if (e.function == 1)
            cpuid_fix_leaf1(&e, t, apic);
        if (e.function == 4)
            cpuid_fix_leaf4(&e, t);
        c->entries[c->nent++] = e;
    }
    {
        struct kvm_cpuid_entry2 *l0 = cpuid_find(c, 0, 0);
        if (l0 && l0->eax >= 0xb)
            cpuid_add_leaf_b(c, t, apic);
    }
    cpuid_add_hypervisor(c, sup, n);
    return c;
}

struct kvm_cpuid2 *
cpuid_get_supported(int kvm_fd, int *err)
{
    struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) +
                                     CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));

    c->nent = CPUID_MAX_ENTRIES;
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
        *err = -errno;
        g_free(c);
        return NULL;
    }
    return c;
}
