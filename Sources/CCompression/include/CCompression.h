// libdeflate behind a plain C header: CRC-32 for index file footers, deflate for stored fields; and the two
// allocator settings an index build needs to keep its memory flat.
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

/// Deflates (zlib format) `src` into `dst`; returns the compressed size, or 0 on failure.
size_t talent_deflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity, int level);

/// A deflate context reused for many buffers: the same output as `talent_deflate`, without allocating and
/// initialising the compressor's state (a few hundred KB) per call.
typedef struct talent_deflater talent_deflater;

/// A deflater at `level`, or NULL when out of memory.
talent_deflater *talent_deflater_create(int level);

void talent_deflater_destroy(talent_deflater *deflater);

/// Deflates (zlib format) `src` into `dst`, as `talent_deflate` at the deflater's level; returns the
/// compressed size, or 0 on failure.
size_t talent_deflater_run(talent_deflater *deflater, const uint8_t *src, size_t length, uint8_t *dst,
                           size_t capacity);

/// Inflates into `dst`, which must hold exactly the original size; returns bytes written, or -1 on corrupt data.
int64_t talent_inflate(const uint8_t *src, size_t length, uint8_t *dst, size_t capacity);

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
