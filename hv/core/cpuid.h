/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPUID for a vCPU: KVM_GET_SUPPORTED_CPUID filtered to what the machine
 * provides, with the topology leaves (1, 4, 0xb) describing
 * sockets/cores/threads and the KVM hypervisor leaves.
 */
#pragma once

#include <stdint.h>

#include <linux/kvm.h>

#include "hv/core/vm.h"

#define CPUID_MAX_ENTRIES 256

/* x2APIC/xAPIC ID of vCPU @index under @topo (socket|core|thread fields). */
uint32_t cpuid_apic_id(const VmTopology *topo, unsigned int index);

/* Width in bits of a topology field that must hold @count values. */
unsigned int cpuid_field_bits(unsigned int count);

/*
 * Builds the CPUID of one vCPU from the host-supported @sup (@n entries).
 * Returns a g_malloc'd kvm_cpuid2, never NULL.
 */
struct kvm_cpuid2 *cpuid_build(const struct kvm_cpuid_entry2 *sup, unsigned int n,
                               const VmTopology *topo, unsigned int index);

/* KVM_GET_SUPPORTED_CPUID; g_malloc'd result or NULL with -errno in *err. */
struct kvm_cpuid2 *cpuid_get_supported(int kvm_fd, int *err);

/* Looks up leaf/subleaf in @c, or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx);
