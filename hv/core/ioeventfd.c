/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ioeventfds for virtio-pci queue notifications.  When BAR 4 of a virtio
 * function starts decoding, each queue's notify address gets a KVM
 * ioeventfd, so a guest kick completes in the kernel without a userspace
 * exit; the main loop then runs the queue.  When the BAR stops decoding
 * (reprogramming, reset, unplug) they are deassigned.  Without KVM support
 * the MMIO exit path keeps working unchanged.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>
#include <linux/kvm.h>

#include "hv/core/ioeventfd.h"
#include "hv/pci/pci.h"
#include "hv/virtio/virtio-pci.h"

#define IOEVENTFD_MAX_QUEUES 64

typedef struct {
    PciDevice *dev;
    unsigned int q;
    uint64_t addr;
    int fd;
    GSource *source;
} QueueEvent;

static void
queue_event_free(gpointer p)
{
    QueueEvent *e = p;

    close(e->fd);
    g_free(e);
}

static gboolean
queue_event_fired(gint fd, GIOCondition cond, gpointer data)
{
    QueueEvent *e = data;
    uint64_t n;

    if (read(fd, &n, sizeof(n)) == sizeof(n))
        virtio_pci_queue_notify(e->dev, e->q);
    return G_SOURCE_CONTINUE;
}

static int
kvm_ioeventfd(int vm_fd, QueueEvent *e, bool assign)
{
    struct kvm_ioeventfd io = {
        .addr = e->addr,
        .len = 0,               /* any access width */
        .fd = e->fd,
        .flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
    };

    if (ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0)
        return -errno;
    return 0;
}

static void
ioeventfd_remove_locked(IoEventFds *ie, PciDevice *dev)
{
    for (guint i = ie->events->len; i > 0; i--) {
        QueueEvent *e = g_ptr_array_index(ie->events, i - 1);
        GSource *src = e->source;

        if (e->dev != dev)
            continue;
        (void)kvm_ioeventfd(ie->vm_fd, e, false);
        g_ptr_array_remove_index_fast(ie->events, i - 1);
        /* Frees @e, at once or when a dispatch in progress is over. */
        g_source_destroy(src);
        g_source_unref(src);
    }
}

static void
ioeventfd_add_locked(IoEventFds *ie, PciDevice *dev)
{
    for (unsigned int q = 0; q < IOEVENTFD_MAX_QUEUES; q++) {
        QueueEvent *e;
        uint64_t addr;

        if (virtio_pci_notify_address(dev, q, &addr) < 0)
            break;
        e = g_new0(QueueEvent, 1);
        e->dev = dev;
        e->q = q;
        e->addr = addr;
        e->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (e->fd < 0 || kvm_ioeventfd(ie->vm_fd, e, true) < 0) {
            if (e->fd >= 0)
                close(e->fd);
            g_free(e);
            ie->unsupported = true;
            return;
        }
        e->source = g_unix_fd_source_new(e->fd, G_IO_IN);
        g_source_set_callback(e->source, G_SOURCE_FUNC(queue_event_fired), e, queue_event_free);
        g_source_attach(e->source, NULL);
        g_ptr_array_add(ie->events, e);
    }
}

void
ioeventfd_bar_changed(IoEventFds *ie, PciDevice *dev, int bar, bool mapped)
{
    if (bar != VIRTIO_PCI_BAR ||
        pci_get_word(dev->config + PCI_VENDOR_ID) != VIRTIO_PCI_VENDOR_ID)
        return;
    g_mutex_lock(&ie->lock);
    ioeventfd_remove_locked(ie, dev);
    if (mapped && !ie->unsupported)
        ioeventfd_add_locked(ie, dev);
    g_mutex_unlock(&ie->lock);
}

void
ioeventfd_init(IoEventFds *ie, int vm_fd)
{
    g_mutex_init(&ie->lock);
    ie->vm_fd = vm_fd;
    ie->events = g_ptr_array_new();
    ie->unsupported = false;
}

void
ioeventfd_cleanup(IoEventFds *ie)
{
    if (!ie->events)
        return;
    g_mutex_lock(&ie->lock);
    while (ie->events->len)
        ioeventfd_remove_locked(ie, ((QueueEvent *)g_ptr_array_index(ie->events, 0))->dev);
    g_mutex_unlock(&ie->lock);
    g_ptr_array_unref(ie->events);
    ie->events = NULL;
    g_mutex_clear(&ie->lock);
}

unsigned int
ioeventfd_count(IoEventFds *ie)
{
    unsigned int n;

    g_mutex_lock(&ie->lock);
    n = ie->events->len;
    g_mutex_unlock(&ie->lock);
    return n;
}
