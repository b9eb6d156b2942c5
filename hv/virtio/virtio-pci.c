/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-pci modern transport: capabilities, common configuration, ISR,
 * notifications, MSI-X / INTx delivery.  Every register access arrives with
 * the device lock held (PciDevice.lock is the VirtioDevice lock).
 */
#include <errno.h>
#include <string.h>

#include "hv/virtio/virtio-pci.h"

typedef struct {
    PciDevice pci;
    VirtioDevice *vdev;
    uint32_t device_feature_select;
    uint32_t driver_feature_select;
    uint16_t queue_select;
    uint16_t config_msix_vector;
    uint8_t isr;
    uint8_t pci_cfg_cap;
} VirtioPci;

#define VIRTIO_PCI_ISR_QUEUE    1
#define VIRTIO_PCI_ISR_CONFIG   2

static VirtioPci *
to_vpci(PciDevice *dev)
{
    return (VirtioPci *) dev;
}

static void
vpci_raise_isr(VirtioPci *vp, uint8_t bit)
{
    vp->isr |= bit;
    pci_device_set_intx(&vp->pci, true);
}

static void
vpci_signal_queue(void *opaque, VirtQueue *vq)
{
    VirtioPci *vp = opaque;

    if (pci_msix_enabled(&vp->pci)) {
        if (vq->msix_vector != VIRTIO_MSI_NO_VECTOR)
            pci_msix_notify(&vp->pci, vq->msix_vector);
        return;
    }
    vpci_raise_isr(vp, VIRTIO_PCI_ISR_QUEUE);
}

static void
vpci_signal_config(void *opaque)
{
    VirtioPci *vp = opaque;

    if (pci_msix_enabled(&vp->pci)) {
        if (vp->config_msix_vector != VIRTIO_MSI_NO_VECTOR)
            pci_msix_notify(&vp->pci, vp->config_msix_vector);
        return;
    }
    vpci_raise_isr(vp, VIRTIO_PCI_ISR_CONFIG);
}

static VirtQueue *
vpci_selected_queue(VirtioPci *vp)
{
    if (vp->queue_select >= vp->vdev->num_queues)
        return NULL;
    return &vp->vdev->queues[vp->queue_select];
}

static void
vpci_common_image(VirtioPci *vp, uint8_t *img)
{
    VirtioDevice *vdev = vp->vdev;
    VirtQueue *vq = vpci_selected_queue(vp);
    uint32_t df = 0, gf = 0;

    if (vp->device_feature_select < 2)
        df = (uint32_t) (vdev->host_features >> (32 * vp->device_feature_select));
    if (vp->driver_feature_select < 2)
        gf = (uint32_t) (vdev->driver_features >> (32 * vp->driver_feature_select));
    memset(img, 0, VIRTIO_PCI_COMMON_SIZE);
    pci_set_long(img + VIRTIO_PCI_COMMON_DFSELECT, vp->device_feature_select);
    pci_set_long(img + VIRTIO_PCI_COMMON_DF, df);
    pci_set_long(img + VIRTIO_PCI_COMMON_GFSELECT, vp->driver_feature_select);
    pci_set_long(img + VIRTIO_PCI_COMMON_GF, gf);
    pci_set_word(img + VIRTIO_PCI_COMMON_MSIX, vp->config_msix_vector);
    pci_set_word(img + VIRTIO_PCI_COMMON_NUMQ, (uint16_t) vdev->num_queues);
    img[VIRTIO_PCI_COMMON_STATUS] = vdev->status;
    img[VIRTIO_PCI_COMMON_CFGGENERATION] = vdev->config_generation;
    pci_set_word(img + VIRTIO_PCI_COMMON_Q_SELECT, vp->queue_select);
    if (!vq)
        return;
    pci_set_word(img + VIRTIO_PCI_COMMON_Q_SIZE, vq->size);
    pci_set_word(img + VIRTIO_PCI_COMMON_Q_MSIX, vq->msix_vector);
    pci_set_word(img + VIRTIO_PCI_COMMON_Q_ENABLE, vq->enabled);
    pci_set_word(img + VIRTIO_PCI_COMMON_Q_NOFF, vp->queue_select);
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t) vq->desc_addr);
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_DESCHI, (uint32_t) (vq->desc_addr >> 32));
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_AVAILLO, (uint32_t) vq->avail_addr);
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_AVAILHI, (uint32_t) (vq->avail_addr >> 32));
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t) vq->used_addr);
    pci_set_long(img + VIRTIO_PCI_COMMON_Q_USEDHI, (uint32_t) (vq->used_addr >> 32));
}

static uint16_t
vpci_valid_vector(VirtioPci *vp, uint16_t vector)
{
    return vector < vp->pci.msix.nvectors ? vector : VIRTIO_MSI_NO_VECTOR;
}

static void
vpci_set_addr_half(uint64_t *addr, bool high, uint32_t v)
{
    if (high)
        *addr = (*addr & 0xffffffffULL) | ((uint64_t) v << 32);
    else
        *addr = (*addr & ~0xffffffffULL) | v;
}

static void
vpci_set_status(VirtioPci *vp, uint8_t status)
{
    virtio_device_set_status(vp->vdev, status);
    if (status == 0) {
        vp->isr = 0;
        vp->config_msix_vector = VIRTIO_MSI_NO_VECTOR;
        vp->device_feature_select = vp->driver_feature_select = 0;
        vp->queue_select = 0;
        pci_device_set_intx(&vp->pci, false);
    }
}

/* Queue registers are frozen once the queue is enabled or the driver is up. */
static void
vpci_queue_write(VirtioPci *vp, uint64_t off, uint64_t v, uint32_t len)
{
    VirtQueue *vq = vpci_selected_queue(vp);
    bool hi = (off & 4) && len == 4;

    if (!vq)
        return;
    if (off == VIRTIO_PCI_COMMON_Q_MSIX && len == 2) {
        vq->msix_vector = vpci_valid_vector(vp, (uint16_t) v);
        return;
    }
    if (vq->enabled || (vp->vdev->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    if (off == VIRTIO_PCI_COMMON_Q_SIZE && len == 2)
        vq->size = (uint16_t) v;
    else if (off == VIRTIO_PCI_COMMON_Q_ENABLE && len == 2)
        vq->enabled = v == 1;
    else if ((off & ~7ULL) == VIRTIO_PCI_COMMON_Q_DESCLO && (len == 8 || len == 4))
        len == 8 ? (void) (vq->desc_addr = v) : vpci_set_addr_half(&vq->desc_addr, hi, (uint32_t) v);
    else if ((off & ~7ULL) == VIRTIO_PCI_COMMON_Q_AVAILLO && (len == 8 || len == 4))
        len == 8 ? (void) (vq->avail_addr = v) : vpci_set_addr_half(&vq->avail_addr, hi, (uint32_t) v);
    else if ((off & ~7ULL) == VIRTIO_PCI_COMMON_Q_USEDLO && (len == 8 || len == 4))
        len == 8 ? (void) (vq->used_addr = v) : vpci_set_addr_half(&vq->used_addr, hi, (uint32_t) v);
}

static void
vpci_common_write(VirtioPci *vp, uint64_t off, const uint8_t *data, uint32_t len)
{
    VirtioDevice *vdev = vp->vdev;
    uint64_t v = 0;

    memcpy(&v, data, len);
    v = GUINT64_FROM_LE(v);
    if ((len == 8 && (off & 7)) || (len != 8 && (off & (len - 1)))) {
        pci_device_guest_error(&vp->pci, "unaligned common configuration write");
        return;
    }
    switch (off) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        if (len == 4)
            vp->device_feature_select = (uint32_t) v;
        return;
    case VIRTIO_PCI_COMMON_GFSELECT:
        if (len == 4)
            vp->driver_feature_select = (uint32_t) v;
        return;
    case VIRTIO_PCI_COMMON_GF:
        if (len == 4 && vp->driver_feature_select < 2 &&
            !(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
            unsigned int shift = 32 * vp->driver_feature_select;

            vdev->driver_features = (vdev->driver_features & ~(0xffffffffULL << shift)) |
                                    ((v & 0xffffffffULL) << shift);
        }
        return;
    case VIRTIO_PCI_COMMON_MSIX:
        if (len == 2)
            vp->config_msix_vector = vpci_valid_vector(vp, (uint16_t) v);
        return;
    case VIRTIO_PCI_COMMON_STATUS:
        if (len == 1)
            vpci_set_status(vp, (uint8_t) v);
        return;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        if (len == 2)
            vp->queue_select = (uint16_t) v;
        return;
    default:
        if (off >= VIRTIO_PCI_COMMON_Q_SIZE && off < VIRTIO_PCI_COMMON_SIZE)
            vpci_queue_write(vp, off, v, len);
        return;
    }
}

static void
vpci_isr_read(VirtioPci *vp, uint8_t *data, uint32_t len)
{
    memset(data, 0, len);
    data[0] = vp->isr;
    vp->isr = 0;
    pci_device_set_intx(&vp->pci, false);
}

static void
vpci_device_cfg_access(VirtioPci *vp, uint64_t off, uint8_t *data, uint32_t len,
                       bool is_write)
{
    VirtioDevice *vdev = vp->vdev;

    if (off >= vdev->config_size || len > vdev->config_size - off) {
        if (!is_write)
            memset(data, 0, len);
        return;
    }
    if (is_write) {
        if (vdev->ops->config_write)
            vdev->ops->config_write(vdev, (uint32_t) off, data, len);
    } else {
        memset(data, 0, len);
        if (vdev->ops->config_read)
            vdev->ops->config_read(vdev, (uint32_t) off, data, len);
    }
}

static void
vpci_bar_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
    VirtioPci *vp = opaque;
    uint64_t region = offset & ~0xfffULL, off = offset & 0xfff;

    switch (region) {
    case VIRTIO_PCI_COMMON_OFFSET:
        if (off + len > VIRTIO_PCI_COMMON_SIZE) {
            if (!is_write)
                memset(data, 0, len);
        } else if (is_write) {
            vpci_common_write(vp, off, data, len);
        } else {
            uint8_t img[VIRTIO_PCI_COMMON_SIZE];

            vpci_common_image(vp, img);
            memcpy(data, img + off, len);
        }
        return;
    case VIRTIO_PCI_ISR_OFFSET:
        if (!is_write && off == 0)
            vpci_isr_read(vp, data, len);
        return;
    case VIRTIO_PCI_DEVICE_OFFSET:
        vpci_device_cfg_access(vp, off, data, len, is_write);
        return;
    case VIRTIO_PCI_NOTIFY_OFFSET:
        if (is_write && off % VIRTIO_PCI_NOTIFY_MULTIPLIER == 0)
            virtio_device_queue_notify(vp->vdev, (unsigned int) (off / VIRTIO_PCI_NOTIFY_MULTIPLIER));
        else if (!is_write)
            memset(data, 0, len);
        return;
    case VIRTIO_PCI_MSIX_TABLE_OFFSET:
        pci_msix_table_access(&vp->pci, off, data, len, is_write);
        return;
    case VIRTIO_PCI_MSIX_PBA_OFFSET:
        pci_msix_pba_access(&vp->pci, off, data, len, is_write);
        return;
    default:
        if (!is_write)
            memset(data, 0, len);
        return;
    }
}

/* The VIRTIO_PCI_CAP_PCI_CFG window: configuration-space access to BAR 4. */
static bool
vpci_cfg_window(VirtioPci *vp, uint32_t offset, uint32_t len, uint64_t *bar_off,
                uint32_t *acc_len)
{
    const uint8_t *cap = vp->pci.config + vp->pci_cfg_cap;
    uint32_t data_off = vp->pci_cfg_cap + 16;

    if (!vp->pci_cfg_cap || offset >= data_off + 4 || offset + len <= data_off)
        return false;
    *bar_off = pci_get_long(cap + 8);
    *acc_len = pci_get_long(cap + 12);
    if (cap[4] != VIRTIO_PCI_BAR || (*acc_len != 1 && *acc_len != 2 && *acc_len != 4) ||
        *bar_off % *acc_len || *bar_off + *acc_len > VIRTIO_PCI_BAR_SIZE)
        return false;
    return true;
}

static void
vpci_config_read(PciDevice *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
    VirtioPci *vp = to_vpci(dev);
    uint8_t *window = dev->config + vp->pci_cfg_cap + 16;
    uint64_t bar_off;
    uint32_t acc_len;

    if (!vpci_cfg_window(vp, offset, len, &bar_off, &acc_len))
        return;
    memset(window, 0, 4);
    vpci_bar_access(vp, bar_off, window, acc_len, false);
    memcpy(data, dev->config + offset, len);
}

static void
vpci_config_write(PciDevice *dev, uint32_t offset, const uint8_t *data, uint32_t len)
{
    VirtioPci *vp = to_vpci(dev);
    uint64_t bar_off;
    uint32_t acc_len;

    (void) data;
    if (vpci_cfg_window(vp, offset, len, &bar_off, &acc_len))
        vpci_bar_access(vp, bar_off, dev->config + vp->pci_cfg_cap + 16, acc_len, true);
}

static void
vpci_reset(PciDevice *dev)
{
    vpci_set_status(to_vpci(dev), 0);
}

static int
vpci_save(PciDevice *dev, GByteArray *out)
{
    VirtioPci *vp = to_vpci(dev);

    state_put(out, vp->device_feature_select, 4);
    state_put(out, vp->driver_feature_select, 4);
    state_put(out, vp->queue_select, 2);
    state_put(out, vp->config_msix_vector, 2);
    state_put(out, vp->isr, 1);
    return virtio_device_save(vp->vdev, out);
}

static int
vpci_load(PciDevice *dev, StateReader *in)
{
    VirtioPci *vp = to_vpci(dev);

    vp->device_feature_select = (uint32_t) state_get(in, 4);
    vp->driver_feature_select = (uint32_t) state_get(in, 4);
    vp->queue_select = (uint16_t) state_get(in, 2);
    vp->config_msix_vector = vpci_valid_vector(vp, (uint16_t) state_get(in, 2));
    vp->isr = (uint8_t) state_get(in, 1);
    if (in->bad)
        return -EINVAL;
    return virtio_device_load(vp->vdev, in);
}

static void
vpci_destroy(PciDevice *dev)
{
    VirtioPci *vp = to_vpci(dev);

    virtio_device_free(vp->vdev);
    pci_device_cleanup(dev);
    g_free(vp);
}

static const PciDeviceOps virtio_pci_ops = {
    .config_read = vpci_config_read,
    .config_write = vpci_config_write,
    .reset = vpci_reset,
    .save = vpci_save,
    .load = vpci_load,
    .destroy = vpci_destroy,
};

static int
vpci_add_cap(VirtioPci *vp, uint8_t type, uint8_t cap_len, uint32_t offset, uint32_t length)
{
    uint8_t *cfg = vp->pci.config;
    int cap = pci_device_add_capability(&vp->pci, PCI_CAP_ID_VNDR, cap_len);

    if (cap < 0)
        return cap;
    cfg[cap + 2] = cap_len;
    cfg[cap + 3] = type;
    cfg[cap + 4] = VIRTIO_PCI_BAR;
    pci_set_long(cfg + cap + 8, offset);
    pci_set_long(cfg + cap + 12, length);
    return cap;
}

static int
vpci_add_caps(VirtioPci *vp)
{
    VirtioDevice *vdev = vp->vdev;
    int cap;

    if (vpci_add_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, 16, VIRTIO_PCI_COMMON_OFFSET,
                     VIRTIO_PCI_COMMON_SIZE) < 0 ||
        vpci_add_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, 16, VIRTIO_PCI_ISR_OFFSET, 1) < 0)
        return -ENOSPC;
    cap = vpci_add_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, 20, VIRTIO_PCI_NOTIFY_OFFSET,
                       vdev->num_queues * VIRTIO_PCI_NOTIFY_MULTIPLIER);
    if (cap < 0)
        return cap;
    pci_set_long(vp->pci.config + cap + 16, VIRTIO_PCI_NOTIFY_MULTIPLIER);
    if (vdev->config_size &&
        vpci_add_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, 16, VIRTIO_PCI_DEVICE_OFFSET,
                     vdev->config_size) < 0)
        return -ENOSPC;
    cap = vpci_add_cap(vp, VIRTIO_PCI_CAP_PCI_CFG, 20, 0, 0);
    if (cap < 0)
        return cap;
    vp->pci_cfg_cap = (uint8_t) cap;
    /* bar, offset, length and data of the window are driver-writable */
    vp->pci.wmask[cap + 4] = 0xff;
    memset(vp->pci.wmask + cap + 8, 0xff, 12);
    return pci_msix_init(&vp->pci, (uint16_t) (vdev->num_queues + 1), VIRTIO_PCI_BAR,
                         VIRTIO_PCI_MSIX_TABLE_OFFSET, VIRTIO_PCI_MSIX_PBA_OFFSET);
}

static uint32_t
vpci_class_code(uint16_t device_id)
{
    switch (device_id) {
    case VIRTIO_ID_NET:
        return 0x020000;    /* ethernet controller */
    case VIRTIO_ID_BLOCK:
        return 0x010000;    /* SCSI storage controller, as QEMU */
    case VIRTIO_ID_CONSOLE:
        return 0x078000;    /* other communication controller */
    default:
        return 0xff0000;    /* unassigned class */
    }
}

PciDevice *
virtio_pci_create(VirtioDevice *vdev, GuestMemory *mem)
{
    VirtioPci *vp;
    uint16_t id = vdev->ops->device_id;

    if (vdev->num_queues == 0 || vdev->num_queues > 64 || vdev->config_size > 0x1000)
        return NULL;
    vp = g_new0(VirtioPci, 1);
    vp->vdev = vdev;
    pci_device_init(&vp->pci, &virtio_pci_ops, vdev->ops->name, VIRTIO_PCI_VENDOR_ID,
                    (uint16_t) (VIRTIO_PCI_DEVICE_ID_BASE + id), vpci_class_code(id), 1);
    vp->pci.lock = &vdev->lock;
    pci_set_word(vp->pci.config + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    pci_set_word(vp->pci.config + PCI_SUBSYSTEM_ID, 0x1100);
    if (pci_device_set_bar(&vp->pci, VIRTIO_PCI_BAR, PCI_BAR_MEM64, true, VIRTIO_PCI_BAR_SIZE,
                           vpci_bar_access, vp) < 0 ||
        vpci_add_caps(vp) < 0) {
        pci_device_cleanup(&vp->pci);
        g_free(vp);
        return NULL;
    }
    vp->config_msix_vector = VIRTIO_MSI_NO_VECTOR;
    vdev->mem = mem;
    vdev->transport = (VirtioTransport) {
        .signal_queue = vpci_signal_queue,
        .signal_config = vpci_signal_config,
        .opaque = vp,
    };
    return &vp->pci;
}

VirtioDevice *
virtio_pci_get_device(PciDevice *dev)
{
    return dev->ops == &virtio_pci_ops ? to_vpci(dev)->vdev : NULL;
}

int
virtio_pci_notify_address(PciDevice *dev, unsigned int q, uint64_t *addr)
{
    VirtioPci *vp = to_vpci(dev);
    int ret = 0;

    if (dev->ops != &virtio_pci_ops || q >= vp->vdev->num_queues)
        return -EINVAL;
    g_rec_mutex_lock(dev->lock);
    if (!dev->bars[VIRTIO_PCI_BAR].mapped)
        ret = -ENODEV;
    else
        *addr = dev->bars[VIRTIO_PCI_BAR].mapped_addr + VIRTIO_PCI_NOTIFY_OFFSET +
                q * VIRTIO_PCI_NOTIFY_MULTIPLIER;
    g_rec_mutex_unlock(dev->lock);
    return ret;
}

void
virtio_pci_queue_notify(PciDevice *dev, unsigned int q)
{
    VirtioPci *vp = to_vpci(dev);

    if (dev->ops != &virtio_pci_ops)
        return;
    virtio_device_lock(vp->vdev);
    virtio_device_queue_notify(vp->vdev, q);
    virtio_device_unlock(vp->vdev);
}
