#include "CCompression.h"

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

int64_t talent_inflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity) {
    uLongf out = (uLongf)capacity;
    if (uncompress(dst, &out, src, (uLong)length) != Z_OK) return -1;
    return (int64_t)out;
}
