// Between CICUShim.c and CJKDictionary.cpp only: ICU's CJK dictionary segmentation of a lone Han run.
#ifndef TALENT_CJK_DICTIONARY_H
#define TALENT_CJK_DICTIONARY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TalentCJK TalentCJK;

/// Per-analyzer state, or NULL when ICU's CJK dictionary cannot be loaded (the caller then uses ICU's break
/// iterator).
TalentCJK *talent_cjk_open(void);
void talent_cjk_close(TalentCJK *c);

/// Splits run[0, n) (Han characters only: U+3400–U+4DBF, U+4E00–U+9FFF) as ICU's CJK engine splits it when it
/// stands alone; writes each segment's end to ends (room for n) and returns the count, or -1 (out of memory,
/// or a character outside those blocks).
int32_t talent_cjk_segment(TalentCJK *c, const uint16_t *run, int32_t n, int32_t *ends);

#ifdef __cplusplus
}
#endif

#endif
