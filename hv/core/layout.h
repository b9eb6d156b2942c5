/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest-physical and port-I/O map of a virtkvm x86-64 machine.  It is
 * guest ABI: the ACPI tables, the boot loader, the devices and the test guest
 * all follow it, and it must not change for existing machine types.
 */
#pragma once

/* Low boot structures (all below 1 MiB). */
#define LAYOUT_GDT_ADDR           0x00000500ULL
#define LAYOUT_BOOT_PARAMS_ADDR   0x00007000ULL   /* Linux "zero page" */
#define LAYOUT_PML4_ADDR          0x00009000ULL   /* identity page tables: 0x9000-0xEFFF */
#define LAYOUT_BOOT_STACK_ADDR    0x0008ff00ULL
#define LAYOUT_CMDLINE_ADDR       0x00020000ULL
#define LAYOUT_CMDLINE_MAX        0x00010000ULL
#define LAYOUT_EBDA_ADDR          0x0009fc00ULL   /* top of low RAM in the e820 map */
#define LAYOUT_ACPI_ADDR          0x000e0000ULL   /* RSDP and tables: 0xE0000-0xFFFFF */
#define LAYOUT_ACPI_SIZE          0x00020000ULL
#define LAYOUT_KERNEL_ADDR        0x00100000ULL   /* protected-mode kernel (bzImage payload) */

/* RAM is split around the 32-bit MMIO hole. */
#define LAYOUT_MMIO_HOLE_START    0xc0000000ULL
#define LAYOUT_HIGH_RAM_START     0x100000000ULL

/* 32-bit MMIO hole contents. */
#define LAYOUT_PCI_MMIO_START     0xc0000000ULL   /* BARs of PCI devices */
#define LAYOUT_PCI_MMIO_SIZE      0x20000000ULL
#define LAYOUT_PCI_MMCONFIG_START 0xe0000000ULL   /* ECAM, bus 0 only */
#define LAYOUT_PCI_MMCONFIG_SIZE  0x00100000ULL
#define LAYOUT_IOAPIC_ADDR        0xfec00000ULL
#define LAYOUT_LAPIC_ADDR         0xfee00000ULL

/* Port I/O. */
#define LAYOUT_PIO_I8042_DATA     0x60
#define LAYOUT_PIO_I8042_CMD      0x64
#define LAYOUT_PIO_RTC            0x70            /* 0x70-0x71 */
#define LAYOUT_PIO_COM1           0x3f8           /* 0x3f8-0x3ff */
#define LAYOUT_PIO_ACPI_PM1A_EVT  0x600           /* PM1a_EVT_BLK, 4 bytes */
#define LAYOUT_PIO_ACPI_PM1A_CNT  0x604           /* PM1a_CNT_BLK, 2 bytes */
#define LAYOUT_PIO_ACPI_PM_TMR    0x608           /* PM_TMR_BLK, 4 bytes */
#define LAYOUT_PIO_PCI_CONFIG     0xcf8           /* 0xcf8-0xcff */
#define LAYOUT_PIO_PVPANIC        0x505           /* pvpanic (when configured) */
#define LAYOUT_PIO_PCI_IO_START   0xc000          /* I/O BARs */
#define LAYOUT_PIO_PCI_IO_SIZE    0x4000

/* ACPI sleep type value for S5 written to PM1a_CNT.SLP_TYP (the DSDT's \_S5). */
#define LAYOUT_ACPI_S5_SLP_TYP    5

/* Interrupts (GSI numbers on the IOAPIC). */
#define LAYOUT_IRQ_COM1           4
#define LAYOUT_IRQ_ACPI_SCI       9
#define LAYOUT_IRQ_RTC            8
#define LAYOUT_IRQ_PCI_BASE       16              /* INTx: GSI 16-19, level (see _PRT) */
