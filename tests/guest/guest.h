/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkvm test guest: a freestanding x86-64 program entered through the
 * Linux boot protocol.  Every routine here runs in KVM's instruction
 * emulator on the CI machines (about 250,000 instructions per second), so
 * each one must stay small and every poll loop is bounded.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VKT_VERSION "0.1.0"

#define barrier() __asm__ __volatile__("" ::: "memory")

/* Bound for every poll loop: enough for any real device, finite otherwise. */
#define VKT_POLL_LIMIT 2000000u

static inline void
outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void
outw(uint16_t port, uint16_t v)
{
    __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void
outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t
inw(uint16_t port)
{
    uint16_t v;
    __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t
inl(uint16_t port)
{
    uint32_t v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

/* A physical address as a pointer, opaque to the compiler's bounds checks. */
static inline void *
phys_ptr(uint64_t addr)
{
    uintptr_t p = (uintptr_t)addr;

    __asm__("" : "+r"(p));
    return (void *)p;
}

/* MMIO accessors (the mappings are uncached identity pages). */
static inline uint8_t mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

static inline void
mmio_write64(uintptr_t a, uint64_t v)
{
    /* Two 32-bit halves: the virtio common config allows it and every VMM handles it. */
    mmio_write32(a, (uint32_t)v);
    mmio_write32(a + 4, (uint32_t)(v >> 32));
}

/* lib.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int str_eq(const char *a, const char *b);
int str_starts(const char *s, const char *prefix);
const char *str_skip_space(const char *s);
const char *str_next_word(const char *s, char *word, size_t size);
int str_to_u64(const char *s, uint64_t *out);
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

/* print.c: COM1 output and input */
void uart_init(void);
void uart_putc(char c);
int uart_getc(void);    /* -1 when nothing is waiting */
void kvprintf(const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* paging.c */
void paging_init(void);
uintptr_t phys_map(uint64_t addr, uint64_t len, bool mmio);

/* pci.c */
typedef struct {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint16_t subsys;
    uint32_t class_rev;
    uint64_t bar[6];          /* decoded addresses, 0 when absent */
    uint8_t bar_is_io[6];
} pci_dev;

#define PCI_MAX_DEVS 32
extern pci_dev pci_devs[PCI_MAX_DEVS];
extern unsigned pci_ndevs;

uint32_t pci_read32(const pci_dev *d, uint8_t off);
uint16_t pci_read16(const pci_dev *d, uint8_t off);
uint8_t pci_read8(const pci_dev *d, uint8_t off);
void pci_write32(const pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const pci_dev *d, uint8_t off, uint16_t v);
void pci_scan(bool reassign);

/* acpi.c */
void acpi_init(void);
bool acpi_poll_power_button(void);
void acpi_poweroff(void);
void machine_reset(void);
void machine_panic(void) __attribute__((noreturn));

/* virtio.c: modern virtio-pci transport and split queues */
#define VQ_SIZE 8

typedef struct {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} vring_desc;

typedef struct {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VQ_SIZE];
    uint16_t used_event;
} vring_avail;

typedef struct {
    uint32_t id;
    uint32_t len;
} vring_used_elem;

typedef struct {
    uint16_t flags;
    uint16_t idx;
    vring_used_elem ring[VQ_SIZE];
    uint16_t avail_event;
} vring_used;

typedef struct {
    vring_desc desc[VQ_SIZE] __attribute__((aligned(16)));
    vring_avail avail __attribute__((aligned(2)));
    vring_used used __attribute__((aligned(4)));
    uint16_t size;
    uint16_t index;
    uint16_t last_used;
    uint16_t free_head;
    uintptr_t notify;
} virtqueue;

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2

typedef struct {
    pci_dev *pci;
    uint16_t type;           /* virtio device id: 1 net, 2 blk, 3 console, 4 rng */
    uintptr_t common;
    uintptr_t notify_base;
    uint32_t notify_mult;
    uintptr_t isr;
    uintptr_t devcfg;
    uint64_t features;       /* negotiated */
    bool ok;
} virtio_dev;

uint16_t virtio_type_of(const pci_dev *p);
int virtio_init(virtio_dev *vd, pci_dev *p, uint64_t wanted, virtqueue **qs, unsigned nq);
void vq_submit(virtqueue *q, const uint64_t *addr, const uint32_t *len,
               const uint16_t *flags, unsigned n);
int vq_poll(virtqueue *q, uint32_t *len);
int vq_wait(virtqueue *q, uint32_t *len);

/* Devices */
unsigned blk_probe_all(void);
uint64_t blk_capacity(unsigned idx);
int blk_read(unsigned idx, uint64_t sector, unsigned count);
int blk_write(unsigned idx, uint64_t sector, uint8_t pattern);
int blk_flush(unsigned idx);
int net_probe_all(void);
int net_send(unsigned idx);
void net_poll(void);
int rng_read(unsigned n);
int console_probe(void);
int console_send(const char *text);
void console_set_echo(bool on);
void console_poll(void);
