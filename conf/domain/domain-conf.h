/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain XML (libvirt's <domain type='kvm'>): parse into DomainDef,
 * fill in defaults as libvirt's qemu driver does, format back.
 *
 * Model: what the driver and the VMM launcher read is typed (name, uuid,
 * memory, vcpus, os, lifecycle, disks, controllers, interfaces, character
 * devices, rng, memballoon, addresses).  Sections and devices the VMM does
 * not drive yet (features, clock, pm, cputune, memtune, blkiotune,
 * memoryBacking, numatune, sysinfo, resource, seclabel, graphics, video,
 * input, sound, tpm, hostdev, watchdog, filesystem, ...) are checked
 * element by element against a grammar of what libvirt accepts and kept
 * as detached libxml2 nodes (xmlNode *, owned by the DomainDef) that are
 * formatted back verbatim; their <address> is lifted out into a typed
 * DomainDeviceAddress so address assignment and duplicate checks see
 * every device.  Anything not in the grammar is an error naming it.
 *
 * Defaults (domain-defaults.c) follow libvirt 9.0's qemu driver with QEMU
 * 7.2 as measured against a real libvirtd: machine pc/q35 expanded to
 * pc-i440fx-7.2/pc-q35-7.2, arch x86_64, boot dev hd, clock utc, emulator
 * = domain_default_emulator(), disk bus from the target prefix, driver
 * qemu/raw, MAC 52:54:00:xx:xx:xx, console <-> serial pairing, USB
 * (piix3-uhci on pc, qemu-xhci on q35), pci-root/pcie-root, sata on q35,
 * controllers implied by drive addresses, virtio-serial for channels,
 * ps2 mouse+keyboard, cirrus video when there is graphics, one <audio>,
 * memballoon virtio, then drive/virtio-serial/USB/PCI addresses in
 * libvirt's order.  Deliberate differences: every PCI device sits on
 * bus 0 (our VMM has one host bridge; libvirt puts q35 devices behind
 * pcie-root-ports), and an interface without <model> gets virtio (the
 * only NIC our VMM has; libvirt would pick rtl8139).
 *
 * Ownership: every pointer in these structs is owned by its parent and
 * freed by domain_def_free().  Strings are g_malloc'ed (g_free them when
 * replacing).  GPtrArrays carry their element free function.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <libxml/tree.h>

#include "conf/domain/domain-enums.h"

#define DOMAIN_UUID_BUFLEN 16
#define DOMAIN_UUID_STRLEN 37   /* 36 chars + NUL */

/* A guest-side device address (<address type=...>). */
typedef struct {
    DomainAddressType type;     /* DOMAIN_ADDR_NONE: not given (yet) */
    /* PCI */
    unsigned int domain, bus, slot, function;
    int multifunction;          /* -1 unset, 0 off, 1 on */
    /* drive: controller/bus/target/unit; virtio-serial: controller/bus/port;
     * usb: bus + port string; isa: iobase/irq */
    unsigned int controller, target, unit, port;
    char *usb_port;
    unsigned int iobase, irq;
} DomainDeviceAddress;

typedef struct {
    char *name;                 /* host name or address */
    char *port;                 /* string as given (may be empty) */
    char *transport;            /* tcp|unix|rdma or NULL */
    char *socket;               /* unix transport */
} DomainDiskHost;

typedef struct {
    DomainDiskType type;
    DomainDiskDevice device;
    /* <source>: file= / dev= path; network protocol/name/hosts;
     * volume pool/volume/mode.  All NULL = empty (e.g. ejected cdrom). */
    char *src_path;
    char *src_protocol;         /* network: rbd|nbd|iscsi|http|https|... */
    char *src_name;
    GPtrArray *src_hosts;       /* DomainDiskHost*, network only */
    char *src_pool, *src_volume, *src_mode;
    char *startup_policy;       /* mandatory|requisite|optional */
    /* <driver name='qemu' type=... cache=... io=... discard=...> */
    char *driver_name;
    DomainDiskFormat format;    /* NONE: not given */
    char *cache, *io, *discard, *detect_zeroes;
    /* <target dev= bus=> */
    char *dst;                  /* "vda", "sda" ... (filled by defaults) */
    DomainDiskBus bus;          /* -1 before defaults if not given */
    char *tray;                 /* cdrom: open|closed */
    bool readonly, shareable, transient;
    char *serial;
    unsigned int boot_order;    /* 0 = none */
    xmlNode *backing_store;     /* kept <backingStore>, or NULL */
    DomainDeviceAddress addr;
} DomainDiskDef;

typedef struct {
    DomainControllerType type;
    int idx;                    /* index attribute */
    char *model;                /* pci-root, pcie-root, qemu-xhci, ... */
    int ports, vectors;         /* -1 unset (virtio-serial, usb) */
    int master_startport;       /* usb companion <master startport>, -1 */
    char *target_model_name;    /* pci <model name=...> */
    int target_chassis, target_port, target_bus, target_index; /* -1 unset */
    int target_busnr, target_hotplug;
    unsigned int driver_queues, driver_iothread;
    DomainDeviceAddress addr;
} DomainControllerDef;

typedef struct {
    DomainNetType type;
    /* <source network=|bridge=|dev= mode= portgroup=> */
    char *source;
    char *source_mode;          /* direct: vepa|bridge|private|passthrough */
    char *portgroup;
    unsigned char mac[6];
    bool mac_set;               /* false before defaults if not given */
    char *model;                /* virtio, e1000, rtl8139, e1000e ... */
    char *target_dev;           /* <target dev='vnet0'/> */
    char *script;               /* ethernet <script path=> */
    char *driver_name;          /* vhost|qemu */
    unsigned int driver_queues;
    int link_state;             /* -1 unset, 0 down, 1 up */
    unsigned int mtu;           /* 0 = unset */
    unsigned int boot_order;
    xmlNode *bandwidth;         /* kept <bandwidth> or NULL */
    xmlNode *virtualport;       /* kept <virtualport> or NULL */
    xmlNode *filterref;         /* kept <filterref> or NULL */
    DomainDeviceAddress addr;
} DomainNetDef;

/* <serial>, <console>, <channel>. */
typedef struct {
    DomainChrKind kind;
    DomainChrType type;
    /* source: path for pty (runtime tty), dev, file, pipe, unix;
     * host/service/mode for tcp/udp; protocol for tcp (raw|telnet) */
    char *path;
    char *mode;                 /* bind|connect */
    char *host, *service;
    char *protocol;
    int append;                 /* file: -1 unset, 0 off, 1 on */
    /* <target type= port= name=> and serial <model name=> */
    char *target_type;          /* serial: isa-serial|pci-serial|usb-serial;
                                   console: serial|virtio; channel:
                                   virtio|guestfwd */
    int target_port;            /* -1 unset */
    char *target_name;          /* channel name (org.qemu.guest_agent.0) */
    char *target_address;       /* guestfwd address */
    char *target_model;         /* serial model name */
    char *target_state;         /* channel state (status only) */
    DomainDeviceAddress addr;
} DomainChrDef;

typedef struct {
    char *model;                /* virtio, virtio-transitional, ... */
    DomainRngBackend backend;
    char *source_path;          /* random: /dev/urandom, /dev/random, ... */
    unsigned int rate_bytes, rate_period;   /* 0 = unset */
    DomainDeviceAddress addr;
} DomainRngDef;

typedef struct {
    char *model;                /* virtio (default), none, virtio-... */
    int autodeflate, free_page_reporting;   /* -1 unset, 0 off, 1 on */
    int stats_period;           /* -1 unset */
    DomainDeviceAddress addr;
} DomainMemballoonDef;

/* A kept device: @node is the validated element minus <address>. */
typedef struct {
    DomainGenericKind kind;
    xmlNode *node;
    DomainDeviceAddress addr;
    unsigned int boot_order;    /* hostdev <boot order> (read-only copy) */
} DomainGenericDev;

typedef struct {
    char *type;                 /* hvm */
    char *arch;                 /* x86_64 | i686 */
    char *machine;              /* pc, q35, pc-q35-7.2, pc-i440fx-... */
    char *firmware;             /* os firmware= (efi|bios) or NULL */
    xmlNode *firmware_features; /* kept <firmware> or NULL */
    char *loader;               /* path */
    char *loader_readonly, *loader_type, *loader_secure;   /* as given */
    char *nvram, *nvram_template;
    char *kernel, *initrd, *cmdline, *dtb;
    DomainBootDev boot_devs[DOMAIN_BOOT_LAST];
    size_t nboot_devs;
    int bootmenu;               /* -1 unset, 0 no, 1 yes */
    int bootmenu_timeout;       /* ms, -1 unset */
    char *smbios_mode;          /* emulate|host|sysinfo */
    int bios_useserial, bios_reboot_timeout;    /* -1 unset */
} DomainOsDef;

typedef struct {
    DomainCpuMode mode;
    bool present;               /* a <cpu> element exists */
    unsigned int sockets, dies, cores, threads;  /* 0 = no topology */
    unsigned int ncells;        /* NUMA cells */
    xmlNode *node;              /* kept <cpu> (authoritative for format) */
} DomainCpuDef;

/*
 * A whole domain.  Read fields directly; change them only through the
 * setters below or by replacing a whole string (g_free the old one).
 */
typedef struct {
    int id;                     /* runtime id, -1 when inactive */
    char *name;
    unsigned char uuid[DOMAIN_UUID_BUFLEN];
    char *genid;                /* string form, or NULL */
    bool genid_requested;       /* <genid/> given empty: generate */
    char *title;
    char *description;
    xmlNode *metadata;          /* kept <metadata> (foreign namespaces) */

    unsigned long long memory_kib;          /* <memory> */
    unsigned long long current_memory_kib;  /* <currentMemory> */
    unsigned long long max_memory_kib;      /* <maxMemory>, 0 = none */
    unsigned int max_memory_slots;
    xmlNode *memory_backing;    /* kept <memoryBacking> */
    bool hugepages;             /* memoryBacking has <hugepages> */
    bool memfd;                 /* memoryBacking <source type='memfd'> */
    bool mem_shared;            /* memoryBacking <access mode='shared'> */
    xmlNode *memtune, *blkiotune, *numatune, *cputune, *iothreads;

    unsigned int vcpus_max;     /* <vcpu>N</vcpu> */
    unsigned int vcpus_current; /* current= or = max */
    char *vcpu_placement;       /* static|auto or NULL */
    char *vcpu_cpuset;
    DomainCpuDef cpu;

    DomainOsDef os;
    xmlNode *sysinfo;
    xmlNode *features;          /* kept <features> */
    xmlNode *clock;             /* kept <clock> */
    xmlNode *pm;                /* kept <pm> */
    xmlNode *resource;          /* kept <resource> */
    xmlNode *perf;              /* kept <perf> */
    DomainLifecycleAction on_poweroff, on_reboot, on_crash;
    GPtrArray *seclabels;       /* xmlNode* (kept <seclabel>) */

    char *emulator;
    GPtrArray *disks;           /* DomainDiskDef* */
    GPtrArray *controllers;     /* DomainControllerDef* */
    GPtrArray *nets;            /* DomainNetDef* */
    GPtrArray *serials;         /* DomainChrDef* */
    GPtrArray *consoles;        /* DomainChrDef* */
    GPtrArray *channels;        /* DomainChrDef* */
    GPtrArray *rngs;            /* DomainRngDef* */
    DomainMemballoonDef *memballoon;    /* NULL only before defaults */
    GPtrArray *generic;         /* DomainGenericDev*, in input order */
} DomainDef;

enum {
    /* also validate the input against libvirt's domain.rng (the schema
     * is loaded per call: slow, use it for VIR_DOMAIN_DEFINE_VALIDATE) */
    DOMAIN_DEF_PARSE_VALIDATE = 1 << 0,
    /* the document is an inactive config; runtime-only data (the root id,
     * pty paths, channel state, auto tap names vnetN) is ignored anyway
     * unless DOMAIN_DEF_PARSE_STATUS is given */
    DOMAIN_DEF_PARSE_INACTIVE = 1 << 1,
    /* do not fill in defaults (raw round trips in tests, copies) */
    DOMAIN_DEF_PARSE_SKIP_DEFAULTS = 1 << 2,
    /* the document is a status file: keep id and runtime fields */
    DOMAIN_DEF_PARSE_STATUS = 1 << 3,
};

enum {
    /* no id, no runtime fields (wins over STATUS) */
    DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0,
    /* include graphics passwd= (VIR_DOMAIN_XML_SECURE) */
    DOMAIN_DEF_FORMAT_SECURE = 1 << 1,
    /* leave out the implicit x86 devices (ps2 inputs, PCI root, default
     * PIIX3 USB) like VIR_DOMAIN_XML_MIGRATABLE; parsing adds them back */
    DOMAIN_DEF_FORMAT_MIGRATABLE = 1 << 2,
    /* runtime fields too: id (when >= 0), pty tty/source path, channel
     * target state */
    DOMAIN_DEF_FORMAT_STATUS = 1 << 3,
};

/*
 * Parses @xml.  Returns a new DomainDef or NULL with an error reported
 * (VK_FROM_DOMAIN; VK_ERR_XML_ERROR for malformed input and bad values,
 * VK_ERR_CONFIG_UNSUPPORTED for elements, attributes or types we do not
 * support, VK_ERR_XML_INVALID_SCHEMA when VALIDATE fails).
 */
DomainDef *domain_def_parse_string(const char *xml, unsigned int flags);

/* Formats @def; returns a new string (g_free), or NULL with an error. */
char *domain_def_format(const DomainDef *def, unsigned int flags);

void domain_def_free(DomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainDef, domain_def_free)

/* Deep copy (format + parse with defaults skipped). */
DomainDef *domain_def_copy(const DomainDef *def);

/* New empty definition (id -1, lists allocated). */
DomainDef *domain_def_new(void);

/* uuid helpers: 36-char string form into @buf (>= DOMAIN_UUID_STRLEN). */
void domain_uuid_format(const unsigned char *uuid, char *buf);
int domain_uuid_parse(const char *str, unsigned char *uuid);
void domain_uuid_generate(unsigned char *uuid);

/* Accessors the driver uses. */
const char *domain_def_get_name(const DomainDef *def);
int domain_def_set_name(DomainDef *def, const char *name);
void domain_def_get_uuid_string(const DomainDef *def, char *buf);
int domain_def_get_id(const DomainDef *def);
void domain_def_set_id(DomainDef *def, int id);
unsigned long long domain_def_get_memory(const DomainDef *def);
unsigned long long domain_def_get_max_memory(const DomainDef *def);
unsigned long long domain_def_get_current_memory(const DomainDef *def);
unsigned int domain_def_get_vcpus_max(const DomainDef *def);
unsigned int domain_def_get_vcpus(const DomainDef *def);
const char *domain_def_get_os_type(const DomainDef *def);
const char *domain_def_get_arch(const DomainDef *def);
const char *domain_def_get_machine(const DomainDef *def);
void domain_def_set_title(DomainDef *def, const char *title);
void domain_def_set_description(DomainDef *def, const char *desc);

/*
 * Custom metadata (virDomainSetMetadata type=ELEMENT): the child of
 * <metadata> in namespace @uri.  get returns a formatted copy (g_free) or
 * NULL with VK_ERR_NO_DOMAIN_METADATA; set replaces it with @xml (one
 * element, given the prefix @key), or removes it when @xml is NULL.
 */
char *domain_def_get_metadata_element(const DomainDef *def, const char *uri);
int domain_def_set_metadata_element(DomainDef *def, const char *xml,
                                    const char *key, const char *uri);

/* Finds a disk by target ("vda") or source path; NULL if none. */
DomainDiskDef *domain_def_find_disk(const DomainDef *def, const char *name);
/* Finds an interface by MAC string ("52:54:00:..") or target dev. */
DomainNetDef *domain_def_find_net(const DomainDef *def, const char *name);

/* Formats a MAC into @buf (>= 18 bytes). */
void domain_mac_format(const unsigned char *mac, char *buf);
int domain_mac_parse(const char *str, unsigned char *mac);

/* The emulator path defaults use: $VIRTKVM_VMM, else VMM_INSTALL_PATH. */
const char *domain_default_emulator(void);
