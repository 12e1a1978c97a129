// ICU behind plain C. The only file in the project that includes <unicode/*.h>; ICU's versioned symbol
// names (ubrk_open_72 …) resolve here through its renaming macros.

#include "CICUShim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utrans.h>
#include <unicode/utypes.h>

// MARK: - Traditional → Simplified table

// ICU's Traditional-Simplified transliterator maps one Han character at a time, so a table built once from
// it gives the same result on real text about 40 times faster than calling the transliterator per token.
static uint16_t t2s_table[0x10000];
static int32_t t2s_status = 0;
static pthread_once_t t2s_once = PTHREAD_ONCE_INIT;

static void t2s_fill_range(UTransliterator *trans, uint32_t first, uint32_t last) {
    for (uint32_t c = first; c <= last; c++) {
        UChar buf[8] = {(UChar)c};
        int32_t len = 1, limit = 1;
        UErrorCode err = U_ZERO_ERROR;
        utrans_transUChars(trans, buf, &len, 8, 0, &limit, &err);
        if (U_SUCCESS(err) && len == 1 && buf[0] != (UChar)c && !U16_IS_SURROGATE(buf[0])) {
            t2s_table[c] = buf[0];
        }
    }
}

static void t2s_build(void) {
    for (uint32_t c = 0; c < 0x10000; c++) t2s_table[c] = (uint16_t)c;
    UErrorCode err = U_ZERO_ERROR;
    static const UChar id[] = u"Traditional-Simplified";
    UTransliterator *trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
    if (U_FAILURE(err)) {
        t2s_status = err;
        return;
    }
    t2s_fill_range(trans, 0x3400, 0x4DBF);
    t2s_fill_range(trans, 0x4E00, 0x9FFF);
    t2s_fill_range(trans, 0xF900, 0xFAFF);
    utrans_close(trans);
}

int32_t talent_fold_table_init(void) {
    pthread_once(&t2s_once, t2s_build);
    return t2s_status;
}

// MARK: - Analyzer context

struct TalentAnalyzer {
    UBreakIterator *breaker;
    const UNormalizer2 *nfkc_cf;
    UChar *folded;
    int32_t *src_start;
    int32_t *src_end;
    int32_t folded_len;
    int32_t folded_cap;
    int32_t *segments;
    int32_t segments_cap;
    UChar *scratch;  // one normalization run, before and after folding
    int32_t scratch_cap;
};

static int grow(void **ptr, int32_t *cap, int32_t need, size_t elem) {
    if (need <= *cap) return 1;
    int32_t n = *cap > 0 ? *cap : 256;
    while (n < need) n = n > (1 << 29) ? need : n * 2;
    void *p = realloc(*ptr, (size_t)n * elem);
    if (!p) return 0;
    *ptr = p;
    *cap = n;
    return 1;
}

static int grow_folded(TalentAnalyzer *a, int32_t need) {
    if (need <= a->folded_cap) return 1;
    int32_t cap = a->folded_cap, cap2 = a->folded_cap, cap3 = a->folded_cap;
    if (!grow((void **)&a->folded, &cap, need, sizeof(UChar))) return 0;
    if (!grow((void **)&a->src_start, &cap2, need, sizeof(int32_t))) return 0;
    if (!grow((void **)&a->src_end, &cap3, need, sizeof(int32_t))) return 0;
    a->folded_cap = cap;
    return 1;
}

TalentAnalyzer *talent_analyzer_open(int32_t *status) {
    *status = talent_fold_table_init();
    if (*status > 0) return NULL;
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *norm = unorm2_getNFKCCasefoldInstance(&err);
    if (U_FAILURE(err)) {
        *status = err;
        return NULL;
    }
    // "zh" selects the dictionary-based rules for Han; ICU answers U_USING_DEFAULT_WARNING, which is fine.
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    if (U_FAILURE(err)) {
        *status = err;
        return NULL;
    }
    TalentAnalyzer *a = calloc(1, sizeof(TalentAnalyzer));
    if (!a) {
        ubrk_close(bi);
        *status = U_MEMORY_ALLOCATION_ERROR;
        return NULL;
    }
    a->breaker = bi;
    a->nfkc_cf = norm;
    *status = 0;
    return a;
}

void talent_analyzer_close(TalentAnalyzer *a) {
    if (!a) return;
    ubrk_close(a->breaker);
    free(a->folded);
    free(a->src_start);
    free(a->src_end);
    free(a->segments);
    free(a->scratch);
    free(a);
}

static inline int is_han(uint32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// Whether normalization can start afresh before `c`, i.e. `c` never combines with what precedes it.
static inline int boundary_before(const UNormalizer2 *n, uint32_t c) {
    if (c < 0x300 || is_han(c)) return 1;
    return unorm2_hasBoundaryBefore(n, (UChar32)c);
}

// Decodes one code point of UTF-8 at `*i`, advancing `*i`; ill-formed sequences yield U+FFFD (one per
// maximal ill-formed subpart, as ICU and Swift do).
static inline uint32_t next_cp(const uint8_t *s, int32_t len, int32_t *i) {
    UChar32 c;
    U8_NEXT_OR_FFFD(s, *i, len, c);
    return (uint32_t)c;
}

static inline void emit(TalentAnalyzer *a, UChar u, int32_t start, int32_t end) {
    int32_t k = a->folded_len++;
    a->folded[k] = u;
    a->src_start[k] = start;
    a->src_end[k] = end;
}

static int fold(TalentAnalyzer *a, const uint8_t *s, int32_t len, int32_t *status) {
    a->folded_len = 0;
    // NFKC case folding rarely expands text; the run branch grows the buffers when it does.
    if (!grow_folded(a, len + 16)) {
        *status = U_MEMORY_ALLOCATION_ERROR;
        return 0;
    }
    const UChar *table = t2s_table;
    int32_t i = 0;
    uint32_t c = 0;
    int32_t c_start = 0, c_end = 0;
    if (len > 0) {
        c_start = 0;
        c = next_cp(s, len, &i);
        c_end = i;
    }
    while (c_start < len) {
        // Peek at the next code point: the fast paths apply only when it cannot combine with `c`.
        int32_t n_start = c_end, n_end = c_end;
        uint32_t n = 0;
        int has_next = n_start < len;
        if (has_next) {
            int32_t j = n_start;
            n = next_cp(s, len, &j);
            n_end = j;
        }
        if ((c < 0x80 || is_han(c)) && (!has_next || boundary_before(a->nfkc_cf, n))) {
            UChar u = c < 0x80 ? (UChar)((c >= 'A' && c <= 'Z') ? c + 32 : c) : table[c];
            if (a->folded_len + 1 > a->folded_cap && !grow_folded(a, a->folded_len + 1)) {
                *status = U_MEMORY_ALLOCATION_ERROR;
                return 0;
            }
            emit(a, u, c_start, c_end);
            c = n;
            c_start = n_start;
            c_end = n_end;
            continue;
        }
        // Slow path: gather `c` and every following code point that may combine with it into one run,
        // normalize the run as a unit, and map every output unit back to the whole run.
        int32_t run_start = c_start;
        int32_t run_units = 0;
        int32_t need = 0;
        // First pass: find the run's end.
        int32_t run_end = c_end;
        uint32_t after = n;
        int32_t after_start = n_start, after_end = n_end;
        int has_after = has_next;
        while (has_after && !boundary_before(a->nfkc_cf, after)) {
            run_end = after_end;
            after_start = after_end;
            has_after = after_start < len;
            if (has_after) {
                int32_t j = after_start;
                after = next_cp(s, len, &j);
                after_end = j;
            }
        }
        // Convert the run to UTF-16 in scratch.
        need = (run_end - run_start) * 2 + 2;
        if (!grow((void **)&a->scratch, &a->scratch_cap, need * 20, sizeof(UChar))) {
            *status = U_MEMORY_ALLOCATION_ERROR;
            return 0;
        }
        {
            int32_t j = run_start;
            while (j < run_end) {
                uint32_t cp = next_cp(s, run_end, &j);
                U16_APPEND_UNSAFE(a->scratch, run_units, cp);
            }
        }
        UErrorCode err = U_ZERO_ERROR;
        UChar *out = a->scratch + run_units;
        int32_t out_cap = a->scratch_cap - run_units;
        int32_t out_len = unorm2_normalize(a->nfkc_cf, a->scratch, run_units, out, out_cap, &err);
        if (err == U_BUFFER_OVERFLOW_ERROR) {
            if (!grow((void **)&a->scratch, &a->scratch_cap, run_units + out_len + 1, sizeof(UChar))) {
                *status = U_MEMORY_ALLOCATION_ERROR;
                return 0;
            }
            err = U_ZERO_ERROR;
            out = a->scratch + run_units;
            out_len = unorm2_normalize(a->nfkc_cf, a->scratch, run_units, out, a->scratch_cap - run_units, &err);
        }
        if (U_FAILURE(err)) {
            *status = err;
            return 0;
        }
        if (a->folded_len + out_len > a->folded_cap && !grow_folded(a, a->folded_len + out_len)) {
            *status = U_MEMORY_ALLOCATION_ERROR;
            return 0;
        }
        for (int32_t k = 0; k < out_len; k++) emit(a, table[out[k]], run_start, run_end);
        c = after;
        c_start = after_start;
        c_end = after_end;
        if (!has_after) break;
    }
    return 1;
}

int32_t talent_analyzer_run(TalentAnalyzer *a, const uint8_t *utf8, int32_t length, int32_t segment,
                            int32_t *status) {
    *status = 0;
    if (!fold(a, utf8, length, status)) return -1;
    if (!segment) return 0;
    UErrorCode err = U_ZERO_ERROR;
    ubrk_setText(a->breaker, a->folded, a->folded_len, &err);
    if (U_FAILURE(err)) {
        *status = err;
        return -1;
    }
    int32_t count = 0;
    int32_t prev = ubrk_first(a->breaker);
    for (int32_t next = ubrk_next(a->breaker); next != UBRK_DONE; next = ubrk_next(a->breaker)) {
        if (3 * (count + 1) > a->segments_cap &&
            !grow((void **)&a->segments, &a->segments_cap, 3 * (count + 1), sizeof(int32_t))) {
            *status = U_MEMORY_ALLOCATION_ERROR;
            return -1;
        }
        int32_t *seg = a->segments + 3 * count;
        seg[0] = prev;
        seg[1] = next;
        seg[2] = ubrk_getRuleStatus(a->breaker);
        count++;
        prev = next;
    }
    // Drop the breaker's pointer into our buffer before the buffer can move.
    ubrk_setText(a->breaker, NULL, 0, &err);
    return count;
}

const uint16_t *talent_analyzer_folded(const TalentAnalyzer *a, int32_t *length) {
    *length = a->folded_len;
    return a->folded;
}

const int32_t *talent_analyzer_source_starts(const TalentAnalyzer *a) { return a->src_start; }
const int32_t *talent_analyzer_source_ends(const TalentAnalyzer *a) { return a->src_end; }
const int32_t *talent_analyzer_segments(const TalentAnalyzer *a) { return a->segments; }

const char *talent_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

// MARK: - Baseline

int64_t talent_raw_break_count(const uint8_t *utf8, int64_t length, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, (const char *)utf8, length, &err);
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    if (U_FAILURE(err)) {
        *status = err;
        if (ut) utext_close(ut);
        return -1;
    }
    err = U_ZERO_ERROR;
    ubrk_setUText(bi, ut, &err);
    int64_t words = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT) words++;
    }
    ubrk_close(bi);
    utext_close(ut);
    *status = U_FAILURE(err) ? err : 0;
    return words;
}

int64_t talent_raw_break_count_utf16(const uint8_t *utf8, int32_t length, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UChar stack[4096];
    UChar *buf = stack;
    int32_t cap = 4096, len = 0;
    u_strFromUTF8(buf, cap, &len, (const char *)utf8, length, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) {
        buf = malloc(sizeof(UChar) * (size_t)(len + 1));
        cap = len + 1;
        err = U_ZERO_ERROR;
        u_strFromUTF8(buf, cap, &len, (const char *)utf8, length, &err);
    }
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", buf, len, &err);
    if (U_FAILURE(err)) {
        *status = err;
        if (buf != stack) free(buf);
        return -1;
    }
    int64_t words = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT) words++;
    }
    ubrk_close(bi);
    if (buf != stack) free(buf);
    *status = 0;
    return words;
}

// MARK: - GB18030

int32_t talent_gb18030_decode(const uint8_t *src, int32_t length, uint16_t *dst, int32_t *invalid_count,
                              int32_t *first_invalid_offset, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open("gb18030", &err);
    if (U_FAILURE(err)) {
        *status = err;
        return -1;
    }
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
    *invalid_count = 0;
    *first_invalid_offset = -1;
    const char *source = (const char *)src;
    const char *source_limit = source + length;
    UChar *target = dst;
    UChar *target_limit = dst + length + 1;
    for (;;) {
        err = U_ZERO_ERROR;
        ucnv_toUnicode(cnv, &target, target_limit, &source, source_limit, NULL, 1, &err);
        if (err == U_ILLEGAL_CHAR_FOUND || err == U_INVALID_CHAR_FOUND || err == U_TRUNCATED_CHAR_FOUND) {
            char bad[32];
            int8_t bad_len = (int8_t)sizeof(bad);
            UErrorCode e2 = U_ZERO_ERROR;
            ucnv_getInvalidChars(cnv, bad, &bad_len, &e2);
            int32_t offset = (int32_t)(source - (const char *)src) - (U_SUCCESS(e2) ? bad_len : 0);
            if (*invalid_count == 0) *first_invalid_offset = offset;
            *invalid_count += 1;
            *target++ = 0xFFFD;
            ucnv_reset(cnv);
            continue;
        }
        break;
    }
    ucnv_close(cnv);
    if (U_FAILURE(err)) {
        *status = err;
        return -1;
    }
    *status = 0;
    return (int32_t)(target - dst);
}

int32_t talent_gb18030_encode(const uint16_t *src, int32_t length, uint8_t *dst, int32_t capacity,
                              int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open("gb18030", &err);
    if (U_FAILURE(err)) {
        *status = err;
        return -1;
    }
    int32_t n = ucnv_fromUChars(cnv, (char *)dst, capacity, src, length, &err);
    ucnv_close(cnv);
    *status = U_FAILURE(err) ? err : 0;
    return U_FAILURE(err) ? -1 : n;
}
