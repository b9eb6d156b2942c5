/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal helpers shared by the conf/domain files: the element grammar
 * checker (every element and attribute we accept is listed; anything else
 * is an error naming it), typed attribute getters that report errors, and
 * the tree builder + serializer used by the formatters.
 */
#pragma once

#include "conf/domain/domain-conf.h"
#include "conf/xml-util.h"
#include "util/error.h"
#include "util/i18n.h"

/*
 * Grammar text: one element per line, two spaces of indent per nesting
 * level.  A line is "[*]name tok tok ...": '*' marks an element that may
 * repeat under its parent.  Tokens:
 *   attr            any string value
 *   attr=a|b|c      one of the listed values
 *   attr=#          unsigned integer (decimal, or 0x hex)
 *   attr=#LO-HI     unsigned integer within [LO, HI]
 *   attr=x          0x + 4 hex digits (USB/PCI vendor and product ids)
 *   attr=w          a word: letters, digits and _ . : + / -
 *   attr=/          an absolute path (also ":/" for text content)
 *   attr=u          a UUID in its 36-character form
 *   attr=c          a CPU/node set: 0-3,^2,8
 *   attr=p          a port: -1 (automatic) or 0..65535
 *   attr=d          a DNS name or IPv4 address
 *   attr=[a-z0-9_]  one or more characters of the set (ranges allowed)
 *   attr=-#         signed integer
 *   ...             element checked by its own parser
 *   :               free text content allowed
 *   :#              unsigned integer content
 *   :a|b            content is one of the values
 * An element without ':' may only contain whitespace text.
 */
typedef struct DomSpec DomSpec;

/* Compiles (once, cached) and applies @grammar to @node, whose name must
 * equal the grammar's first line.  0, or -1 with an error naming the
 * element path and the offending element, attribute or value. */
int dom_spec_check(const char *grammar, xmlNode *node, const char *path);

/* "0-3,^2,8" syntax of libvirt's cpusets and nodesets. */
bool dom_cpuset_valid(const char *v);

/* First element child of @node named @name (no namespace), or NULL. */
xmlNode *dom_child(xmlNode *node, const char *name);

/* Attribute getters: 1 when present and valid (value stored), 0 when
 * absent (out untouched), -1 on a bad value (error reported). */
int dom_prop_uint(xmlNode *node, const char *attr, unsigned int *out);
int dom_prop_int(xmlNode *node, const char *attr, int *out);
int dom_prop_ull(xmlNode *node, const char *attr, unsigned long long *out);
int dom_prop_enum(xmlNode *node, const char *attr, int (*from)(const char *),
                  int *out);
/* yes|no (or on|off with @onoff) into a tristate: 1 yes, 0 no. */
int dom_prop_bool(xmlNode *node, const char *attr, bool onoff, int *out);
/* Element text as unsigned long long. */
int dom_text_ull(xmlNode *node, unsigned long long *out);

/* Scales @value by libvirt's unit names (b, bytes, k, KiB, KB, M, MiB, MB,
 * G, GiB, GB, T, TiB, TB, P, PiB, PB, E, EiB, EB) into KiB (rounded up).
 * NULL unit means @default_unit.  -1 with an error for a bad unit or an
 * overflow. */
int dom_scale_to_kib(unsigned long long value, const char *unit,
                     const char *default_unit, const char *what,
                     unsigned long long *kib);
/* Reads <elem unit='..'>N</elem> into KiB; 0 absent, 1 read, -1 error. */
int dom_parse_memory_elem(xmlNode *parent, const char *name,
                          unsigned long long *kib);

/* Copies @node (deep) for keeping: detached, no document. */
xmlNode *dom_keep_node(xmlNode *node);
/* Removes and frees every child element of @node named @name. */
void dom_drop_children(xmlNode *node, const char *name);

/* Builder: new child element / attributes of the output tree. */
xmlNode *dom_add(xmlNode *parent, const char *name);
xmlNode *dom_add_text(xmlNode *parent, const char *name, const char *text);
void dom_set(xmlNode *node, const char *attr, const char *value);
void dom_setf(xmlNode *node, const char *attr, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void dom_set_uint(xmlNode *node, const char *attr, unsigned long long v);
/* Appends a deep copy of a kept node. */
xmlNode *dom_add_copy(xmlNode *parent, const xmlNode *kept);

/* Serialises the tree libvirt's way: 2-space indent, single quotes. */
char *dom_serialize(xmlNode *root);

/* Generic errors with libvirt's wording. */
#define dom_error(code, ...) error_report(VK_FROM_DOMAIN, code, __VA_ARGS__)

/* Per-family parse/format (each file owns one family). */
int domain_os_parse(DomainDef *def, xmlNode *os);
void domain_os_format(const DomainDef *def, xmlNode *root);
void domain_os_clear(DomainOsDef *os);

int domain_cpu_parse_vcpu(DomainDef *def, xmlNode *vcpu);
int domain_cpu_parse(DomainDef *def, xmlNode *cpu);
int domain_cpu_parse_tune(DomainDef *def, xmlNode *node);
void domain_cpu_format_vcpu(const DomainDef *def, xmlNode *root);
void domain_cpu_format(const DomainDef *def, xmlNode *root);

int domain_memory_parse(DomainDef *def, xmlNode *root);
int domain_memory_parse_tune(DomainDef *def, xmlNode *node);
void domain_memory_format(const DomainDef *def, xmlNode *root);

int domain_features_parse(DomainDef *def, xmlNode *node);
int domain_lifecycle_parse(DomainDef *def, xmlNode *node);
void domain_features_format(const DomainDef *def, xmlNode *root);
void domain_lifecycle_format(const DomainDef *def, xmlNode *root);

int domain_address_parse(xmlNode *dev, DomainDeviceAddress *addr,
                         const char *path);
void domain_address_format(xmlNode *dev, const DomainDeviceAddress *addr);
int domain_boot_order_parse(xmlNode *dev, unsigned int *order);

DomainDiskDef *domain_disk_parse(xmlNode *node);
void domain_disk_format(xmlNode *devices, const DomainDiskDef *disk);
void domain_disk_free(DomainDiskDef *disk);

DomainControllerDef *domain_controller_parse(xmlNode *node);
void domain_controller_format(xmlNode *devices, const DomainControllerDef *c);
void domain_controller_free(DomainControllerDef *c);

DomainNetDef *domain_net_parse(xmlNode *node);
void domain_net_format(xmlNode *devices, const DomainNetDef *net);
void domain_net_free(DomainNetDef *net);

DomainChrDef *domain_chr_parse(xmlNode *node, DomainChrKind kind);
void domain_chr_format(xmlNode *devices, const DomainChrDef *chr,
                       unsigned int flags);
void domain_chr_free(DomainChrDef *chr);

DomainGenericDev *domain_generic_parse(xmlNode *node, DomainGenericKind kind);
void domain_generic_format(xmlNode *devices, const DomainGenericDev *dev,
                           unsigned int flags);
const char *domain_graphics_grammar(DomainGenericKind kind);
const char *domain_misc_grammar(DomainGenericKind kind);
bool domain_generic_wants_pci(const DomainGenericDev *dev);
void domain_graphics_defaults(DomainGenericDev *dev, bool first_video);
void domain_misc_defaults(DomainGenericDev *dev);
void domain_generic_free(DomainGenericDev *dev);

DomainRngDef *domain_rng_parse(xmlNode *node);
void domain_rng_format(xmlNode *devices, const DomainRngDef *rng);
void domain_rng_free(DomainRngDef *rng);
DomainMemballoonDef *domain_memballoon_parse(xmlNode *node);
void domain_memballoon_format(xmlNode *devices, const DomainMemballoonDef *mb);
void domain_memballoon_free(DomainMemballoonDef *mb);

int domain_seclabel_parse(DomainDef *def, xmlNode *node);
void domain_seclabel_format(const DomainDef *def, xmlNode *root);

int domain_defaults_apply(DomainDef *def, unsigned int flags);
int domain_address_assign(DomainDef *def);
int domain_def_check(const DomainDef *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainDiskDef, domain_disk_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainControllerDef, domain_controller_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainNetDef, domain_net_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainChrDef, domain_chr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainGenericDev, domain_generic_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainRngDef, domain_rng_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainMemballoonDef, domain_memballoon_free)

int domain_devices_parse(DomainDef *def, xmlNode *devices);
void domain_devices_format(const DomainDef *def, xmlNode *root, unsigned int flags);

bool domain_def_is_q35(const DomainDef *def);
bool domain_def_has_device_boot(const DomainDef *def);
int domain_disk_name_index(const char *dst);
int domain_controllers_add_default(DomainDef *def);
void domain_controllers_finish(DomainDef *def);
DomainControllerDef *domain_controller_new(DomainControllerType type, int idx,
                                           const char *model);
DomainControllerDef *domain_def_find_controller(const DomainDef *def,
                                                DomainControllerType type, int idx);
int domain_address_assign_drives(DomainDef *def);
