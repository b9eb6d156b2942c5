/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compressed qcow2 clusters (read only): raw deflate (zlib) or zstd, as the
 * header's compression type says.  The stored length is a sector count, so
 * the input may carry trailing bytes after the compressed stream.
 */
#include <errno.h>
#include <zlib.h>
#include <zstd.h>

#include "hv/block/qcow2-int.h"

void
qcow2_compressed_range(Qcow2State *s, uint64_t entry, uint64_t *offset, uint64_t *len)
{
    uint64_t host = entry & s->coffset_mask;
    uint64_t sectors = ((entry >> s->csize_shift) & s->csize_mask) + 1;

    *offset = host;
    *len = sectors * 512 - (host & 511);
}

static int
qcow2_inflate(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    z_stream z = { 0 };
    int ret;

    if (inflateInit2(&z, -12) != Z_OK)
        return -ENOMEM;
    z.next_in = (Bytef *) in;
    z.avail_in = (uInt) in_len;
    z.next_out = out;
    z.avail_out = (uInt) out_len;
    ret = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if ((ret == Z_STREAM_END || ret == Z_BUF_ERROR) && z.avail_out == 0)
        return 0;
    return -EIO;
}

static int
qcow2_zstd_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_inBuffer ib = { .src = in, .size = in_len, .pos = 0 };
    ZSTD_outBuffer ob = { .dst = out, .size = out_len, .pos = 0 };
    int ret = 0;

    if (!dctx)
        return -ENOMEM;
    while (ob.pos < ob.size) {
        size_t last_in = ib.pos, last_out = ob.pos;
        size_t r = ZSTD_decompressStream(dctx, &ob, &ib);

        if (ZSTD_isError(r)) {
            ret = -EIO;
            break;
        }
        if (ib.pos == last_in && ob.pos == last_out) {
            ret = -EIO;     /* no progress: truncated input */
            break;
        }
        if (r == 0 && ob.pos < ob.size && ib.pos == ib.size) {
            ret = -EIO;
            break;
        }
    }
    ZSTD_freeDCtx(dctx);
    return ret;
}

int
qcow2_read_compressed(Qcow2State *s, uint64_t entry, uint8_t *cluster_buf)
{
    uint64_t off, len;
    g_autofree uint8_t *in = NULL;
    int ret;

    qcow2_compressed_range(s, entry, &off, &len);
    /* Compressed data never needs more than two clusters' worth of input. */
    if (len > 2 * s->cluster_size + 512)
        return -EIO;
    in = g_malloc(len);
    ret = block_fd_pread(s->fd, in, len, off);
    if (ret < 0)
        return ret;
    if (s->h.compression_type == QCOW2_COMPRESSION_ZSTD)
        return qcow2_zstd_decompress(in, len, cluster_buf, s->cluster_size);
    return qcow2_inflate(in, len, cluster_buf, s->cluster_size);
}
