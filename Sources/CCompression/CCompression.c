#include "CCompression.h"

#include <stdlib.h>
#include <zlib.h>

uint32_t talent_crc32(uint32_t crc, const uint8_t *bytes, size_t length) {
    // zlib's crc32 takes a uInt length; feed it in slices so files over 4 GiB work.
    while (length > 0) {
        uInt n = length > 0x40000000u ? 0x40000000u : (uInt)length;
        crc = (uint32_t)crc32(crc, bytes, n);
        bytes += n;
        length -= n;
    }
    return crc;
}

size_t talent_deflate_bound(size_t length) { return (size_t)compressBound((uLong)length); }

size_t talent_deflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity, int level) {
    uLongf out = (uLongf)capacity;
    if (compress2(dst, &out, src, (uLong)length, level) != Z_OK) return 0;
    return (size_t)out;
}

struct talent_deflater {
    z_stream stream;
    int level;
};

talent_deflater *talent_deflater_create(int level) {
    talent_deflater *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->level = level;
    if (deflateInit(&d->stream, level) != Z_OK) {
        free(d);
        return NULL;
    }
    return d;
}

void talent_deflater_destroy(talent_deflater *d) {
    if (!d) return;
    deflateEnd(&d->stream);
    free(d);
}

size_t talent_deflater_run(talent_deflater *d, const uint8_t *src, size_t length, uint8_t *dst, size_t capacity) {
    // zlib counts in uInt: larger buffers go through compress2, which slices them.
    if (length > 0x40000000u || capacity > 0x40000000u) return talent_deflate(src, length, dst, capacity, d->level);
    if (deflateReset(&d->stream) != Z_OK) return 0;
    d->stream.next_in = (Bytef *)src;
    d->stream.avail_in = (uInt)length;
    d->stream.next_out = dst;
    d->stream.avail_out = (uInt)capacity;
    if (deflate(&d->stream, Z_FINISH) != Z_STREAM_END) return 0;
    return (size_t)d->stream.total_out;
}

int64_t talent_inflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity) {
    uLongf out = (uLongf)capacity;
    if (uncompress(dst, &out, src, (uLong)length) != Z_OK) return -1;
    return (int64_t)out;
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void talent_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void talent_map_large_blocks(size_t bytes) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
#endif
}
