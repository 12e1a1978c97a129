// The narrow C face of ICU for Swift.
//
// Only plain C types and opaque handles cross this header: Swift 6 Foundation carries its own ICU, and
// exposing <unicode/*.h> to a Swift module that also sees Foundation makes the two `UErrorCode`s clash.
// ICU error codes are returned as int32_t: a value > 0 is a failure, a negative value is a warning.

#ifndef TALENT_CICUSHIM_H
#define TALENT_CICUSHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An analysis context: a word break iterator, the NFKC case-fold normalizer and growable buffers.
/// Not thread-safe; use one per thread.
typedef struct TalentAnalyzer TalentAnalyzer;

/// Opens a context. Returns NULL and sets `*status` (> 0) when ICU fails.
/// The corresponding ICU functions are `ubrk_open` (word, locale "zh") and `unorm2_getNFKCCasefoldInstance`.
TalentAnalyzer *talent_analyzer_open(int32_t *status);

void talent_analyzer_close(TalentAnalyzer *analyzer);

/// Folds UTF-8 text (NFKC case fold, then Traditional → Simplified per character) into the context's
/// UTF-16 buffer and, unless `segment` is 0, splits the folded text with ICU word break.
/// `segment` 1 reuses the segments of Han runs seen before in this context (bounded memory, ~8 MB);
/// 2 runs ICU once over the whole text. Both give the same segments.
/// Ill-formed UTF-8 bytes become U+FFFD.
/// Returns the number of segments (0 when `segment` is 0), or -1 with `*status` set.
int32_t talent_analyzer_run(TalentAnalyzer *analyzer, const uint8_t *utf8, int32_t length, int32_t segment,
                            int32_t *status);

/// The folded text of the last run (UTF-16 code units) and its length.
const uint16_t *talent_analyzer_folded(const TalentAnalyzer *analyzer, int32_t *length);

/// For each folded code unit, the UTF-8 byte range of the source text it came from.
const int32_t *talent_analyzer_source_starts(const TalentAnalyzer *analyzer);
const int32_t *talent_analyzer_source_ends(const TalentAnalyzer *analyzer);

/// The segments of the last run: three int32 per segment, `start`, `end` (folded code units) and the
/// ICU rule status (>= 100 for letters, numbers, kana and ideographs; < 100 for spaces and punctuation).
const int32_t *talent_analyzer_segments(const TalentAnalyzer *analyzer);

/// The name of an ICU error code, as `u_errorName` gives it.
const char *talent_error_name(int32_t status);

/// The reference folding, for tests: the whole text through ICU's NFKC case folding in one call, then
/// Traditional → Simplified per unit (ill-formed UTF-8 as U+FFFD). Returns the length written to `out`, or -1.
int32_t talent_fold_reference(const uint8_t *utf8, int32_t length, uint16_t *out, int32_t capacity, int32_t *status);

/// Builds the Traditional → Simplified table (once per process, thread-safe). Returns an ICU status.
int32_t talent_fold_table_init(void);

/// The Traditional → Simplified table in use (65,536 entries, identity where nothing changes).
const uint16_t *talent_t2s_table(void);

/// Fills `table` (65,536 entries) from ICU's `Traditional-Simplified` transliterator, one BMP Han character at
/// a time: the source the shipped table is generated from, and what tests compare it with.
int32_t talent_t2s_from_icu(uint16_t *table);

/// Counts word segments (rule status >= 100) in UTF-8 text with nothing but ICU break iteration over a
/// UTF-8 `UText`: the baseline the analyzer's throughput is measured against.
int64_t talent_raw_break_count(const uint8_t *utf8, int64_t length, int32_t *status);

/// The same count after converting the text to UTF-16 with `u_strFromUTF8` (ICU iterates UTF-16 faster
/// than a UTF-8 `UText`, so this is the stricter baseline).
int64_t talent_raw_break_count_utf16(const uint8_t *utf8, int32_t length, int32_t *status);

/// Decodes GB18030 (a superset of GBK and GB2312) into UTF-16. Bytes that are not GB18030 become U+FFFD;
/// `*invalid_count` counts them and `*first_invalid_offset` gives the byte offset of the first (-1 if none).
/// `dst` must hold `length + 1` units. Returns the number of units written, or -1 with `*status` set.
/// The corresponding ICU function is `ucnv_toUnicode`.
int32_t talent_gb18030_decode(const uint8_t *src, int32_t length, uint16_t *dst, int32_t *invalid_count,
                              int32_t *first_invalid_offset, int32_t *status);

/// Encodes UTF-16 as GB18030 (for tests and exports). `dst` must hold 4 bytes per unit.
/// Returns the number of bytes written, or -1 with `*status` set.
int32_t talent_gb18030_encode(const uint16_t *src, int32_t length, uint8_t *dst, int32_t capacity,
                              int32_t *status);

#ifdef __cplusplus
}
#endif

#endif
