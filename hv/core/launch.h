/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch description: everything virtkvm-vmm needs to build one guest,
 * as a JSON document (docs/launch-description.md).  Parsing never touches
 * the host: paths are only recorded, fds only range-checked.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef enum {
    LAUNCH_BACKING_MEMFD = 0,
    LAUNCH_BACKING_HUGEPAGES,
    LAUNCH_BACKING_ANONYMOUS,
} LaunchBacking;

typedef enum {
    LAUNCH_CHAR_NONE = 0,   /* output dropped, no input */
    LAUNCH_CHAR_FILE,       /* output appended to a file */
    LAUNCH_CHAR_PTY,        /* a new pty; its path is printed and queryable */
    LAUNCH_CHAR_UNIX,       /* a listening UNIX socket, one client at a time */
    LAUNCH_CHAR_FD,         /* an inherited fd, read and written */
    LAUNCH_CHAR_STDIO,      /* the VMM's stdin/stdout */
} LaunchCharType;

typedef enum {
    LAUNCH_ON_RESET_RESET = 0,
    LAUNCH_ON_RESET_SHUTDOWN,
} LaunchOnReset;

typedef struct {
    LaunchCharType type;
    char *path;
    int fd;
} LaunchChar;

typedef struct {
    char *id;
    char *path;
    int fd;             /* -1 unless passed */
    char *format;       /* "raw" or "qcow2" */
    bool readonly;
    char *serial;
} LaunchDisk;

typedef struct {
    char *id;
    char *tap;
    int fd;             /* -1 unless passed */
    uint8_t mac[6];
} LaunchNic;

typedef struct {
    char *name;
    uint64_t mem_size;          /* bytes */
    LaunchBacking backing;
    bool mem_shared;
    bool mem_merge;
    bool mem_thp;
    unsigned int vcpus;
    unsigned int sockets, cores, threads;
    char *kernel;
    char *initrd;
    int kernel_fd;              /* inherited fd instead of the path (-1: none) */
    int initrd_fd;
    char *cmdline;
    LaunchChar serial;
    LaunchChar console;         /* virtio-console; type NONE = absent */
    bool has_console;
    GPtrArray *disks;           /* LaunchDisk */
    GPtrArray *nics;            /* LaunchNic */
    bool rng;
    bool balloon;               /* "balloon": {} = virtio-balloon */
    char *rng_source;
    bool pvpanic;
    char *control_path;
    int control_fd;             /* -1 unless passed */
    int kvm_fd;                 /* -1: open /dev/kvm */
    LaunchOnReset on_reset;
    bool panic_shutdown;        /* on-panic: "pause" (default) or "shutdown" */
    bool start_paused;
} LaunchDesc;

#define LAUNCH_MAX_VCPUS 255
#define LAUNCH_MIN_MEM   (2ULL << 20)
#define LAUNCH_MAX_MEM   (1ULL << 40)

void launch_desc_free(LaunchDesc *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LaunchDesc, launch_desc_free)

/*
 * Parses @len bytes of JSON.  Returns the description, or NULL with a
 * human-readable reason in *@err (caller frees).
 */
LaunchDesc *launch_desc_parse(const char *data, size_t len, char **err);
