// libdeflate and LZ4 behind a plain C header: CRC-32 for index file footers, LZ4 (and deflate, which older
// indexes used) for stored fields; and the two allocator settings an index build needs to keep its memory flat.
#ifndef TALENT_CCOMPRESSION_H
#define TALENT_CCOMPRESSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Continues a CRC-32 (ISO-HDLC, as zlib and gzip compute it) over `length` bytes; start with 0.
uint32_t talent_crc32(uint32_t crc, const uint8_t *bytes, size_t length);

/// An upper bound of the deflated size of `length` bytes.
size_t talent_deflate_bound(size_t length);

/// Deflates (zlib format) `src` into `dst`; returns the compressed size, or 0 on failure. Indexes no longer
/// write deflate (stored chunks are LZ4); tests use it to make chunks as older indexes hold them.
size_t talent_deflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity, int level);

/// Inflates into `dst`, which must hold exactly the original size; returns bytes written, or -1 on corrupt data.
int64_t talent_inflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity);

/// An upper bound of the LZ4-compressed size of `length` bytes (0 when too large for LZ4).
size_t talent_lz4_bound(size_t length);

/// Compresses `src` into `dst` as an LZ4 block; returns the compressed size, or 0 on failure.
size_t talent_lz4_compress(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity);

/// Decompresses an LZ4 block into `dst`; returns bytes written, or a negative number on corrupt data.
int64_t talent_lz4_decompress(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity);

/// Hands memory the allocator holds free back to the system (glibc's `malloc_trim`; nothing elsewhere).
/// Index writers call it after a flush, so a long build stays at its budget instead of at its peak.
void talent_release_free_memory(void);

/// Makes the allocator map blocks of at least `bytes` on their own and unmap them when freed (glibc's
/// `M_MMAP_THRESHOLD`, which otherwise rises to 32 MB after the first large free); nothing elsewhere.
void talent_map_large_blocks(size_t bytes);

#ifdef __cplusplus
}
#endif

#endif
