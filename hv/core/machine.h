/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The machine: a VM built from a launch description, with its legacy
 * devices, boot images and run state.  All functions run on the main
 * thread (the GLib main loop); vCPU threads reach it only through requests
 * that are queued to that loop.
 */
#pragma once

#include <json-c/json.h>

#include "hv/boot/linux-boot.h"
#include "hv/core/ioeventfd.h"
#include "hv/core/launch.h"
#include "hv/core/vm.h"
#include "hv/devices/device.h"

typedef enum {
    MACHINE_STATE_PRELAUNCH = 0,
    MACHINE_STATE_RUNNING,
    MACHINE_STATE_PAUSED,
    MACHINE_STATE_SHUTDOWN,
    MACHINE_STATE_INTERNAL_ERROR,
    MACHINE_STATE_GUEST_PANICKED,
} MachineState;

/* Receives every event; @data is borrowed (may be NULL). */
typedef void (*MachineEventFn)(void *opaque, const char *event, json_object *data);

typedef struct Machine {
    LaunchDesc *desc;
    LinuxBoot boot;
    Vm vm;
    bool vm_created;
    DeviceEnv env;
    GPtrArray *devices;         /* Device*, legacy devices in creation order */
    struct PciBus *pci;         /* bus 0 with the host bridge and virtio functions */
    IoEventFds ioeventfds;      /* virtio queue kicks handled in the kernel */
    char *pci_names[32];        /* launch ids of the functions, by slot */
    GArray *fds;                /* int: backend fds the devices borrow */
    GPtrArray *blk_ids;         /* char*: launch ids of the disks, in order */
    GPtrArray *blk_devs;        /* VirtioDevice*: their devices (the bus owns them) */
    struct VirtioDevice *balloon; /* virtio-balloon, if any (the bus owns it) */
    char *console_pty;          /* virtio-console pty path, if any */
    Device *serial;
    Device *pm;
    uint32_t *apic_ids;
    MachineState state;
    MachineEventFn event;
    void *event_opaque;
    GMainLoop *loop;
    int exit_code;
    char *shutdown_reason;
} Machine;

/* Reads the boot images (no KVM yet).  Takes @desc.  NULL + *err. */
Machine *machine_new(LaunchDesc *desc, char **err);
/* Creates the VM, memory, vCPUs and devices and loads the guest.  -errno + *err. */
int machine_build(Machine *m, char **err);
/* Starts the vCPU threads (parked when the description says start-paused). */
int machine_start(Machine *m);
void machine_free(Machine *m);

void machine_set_event_handler(Machine *m, MachineEventFn fn, void *opaque);
/* Emits an event to the handler (timestamps are added by the handler). */
void machine_emit(Machine *m, const char *event, json_object *data);

const char *machine_state_name(MachineState s);

/* Control actions; 0 or -errno (-EBUSY: wrong state for it). */
int machine_stop(Machine *m);
int machine_cont(Machine *m);
int machine_powerdown(Machine *m);
int machine_reset(Machine *m, bool by_guest, const char *reason);
/* Ends the guest: SHUTDOWN event with @reason, then the main loop quits. */
void machine_shutdown(Machine *m, const char *reason, bool by_guest);

/* hv/core/machine-virtio.c: the description's virtio devices on m->pci. */
int machine_build_virtio(Machine *m, char **err);
void machine_close_fds(Machine *m);

json_object *machine_query_status(Machine *m);
json_object *machine_query_vcpus(Machine *m);
json_object *machine_query_devices(Machine *m);
/* [{"id", "rd-req", "rd-bytes", "wr-req", "wr-bytes", "flush-req"}] by disk. */
json_object *machine_query_blockstats(Machine *m);
/*
 * Balloon: @bytes is the guest memory size wanted (0 < bytes <= RAM size);
 * 0, -ENODEV (no balloon) or -EINVAL.  The query gives {"actual": bytes of
 * RAM the guest keeps, "target": bytes asked for}, or NULL without a balloon.
 */
int machine_set_balloon(Machine *m, uint64_t bytes);
json_object *machine_query_balloon(Machine *m);
