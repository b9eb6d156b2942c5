/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hv/virtio/virtio.h"

#define VIRTIO_CONSOLE_CONFIG_SIZE 12

/*
 * virtio-console (virtio 1.x 5.3) with a single port, no MULTIPORT: queue 0
 * receives what is read from @in_fd (a thread waits on it), queue 1 sends
 * the guest's output to @out_fd.  @out_fd is switched to O_NONBLOCK: output
 * is written in the notifying thread as far as the backend takes it, and a
 * full backend leaves the chain pending until the device thread sees the fd
 * writable again (so a stalled reader slows the guest, never a vCPU or the
 * VMM).  Either fd may be -1 (no input / output dropped).  The fds stay
 * owned by the caller and must outlive the device.  The VMM must ignore
 * SIGPIPE.  Returns NULL if the device thread cannot be started.
 */
VirtioDevice *virtio_console_create(int in_fd, int out_fd);
