// ICU's CJK dictionary segmentation for a run of Han characters standing alone, without the break iterator
// around it. ICU 72's CjkBreakEngine::divideUpDictionaryRange, on such a run, walks its dictionary (cjdict, a
// UCharsTrie whose values are costs) from every character and keeps the cheapest split; the break iterator,
// the UText and the vectors it allocates per range cost as much again as the walk. Here the same walk and the
// same choice, on the same dictionary loaded through ICU's public data API, with each first character's trie
// state remembered (the trie's root is a branch over ~20k characters, the costliest step of every walk), and
// the states after recent pairs of characters (Chinese analysis on one thread: 0.78 -> 0.67 s on jobs.csv).
// The result must equal ICU's: the caller uses this only where ICU would segment the run alone, and
// `talent-bench analyze --verify` and the segmentation tests compare it with ICU.

#include "CJKDictionary.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucharstrie.h>
#include <unicode/udata.h>
#include <unicode/utypes.h>

namespace {

// From ICU's dictionarydata.h (the layout of a .dict file after its data header).
enum { kTrieOffsetIndex = 0, kTrieTypeIndex = 4, kTrieTypeMask = 7, kTrieTypeUChars = 1, kIndexCount = 8 };

// CjkBreakEngine's constants: a character the dictionary lacks costs the most, and no word is longer.
const uint32_t kMaxSnlp = 255;
const int32_t kMaxWordSize = 20;

const char16_t *dictionary = nullptr;
pthread_once_t dictionary_once = PTHREAD_ONCE_INIT;

void load_dictionary() {
    UErrorCode err = U_ZERO_ERROR;
    UDataMemory *file = udata_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict", &err);
    if (U_FAILURE(err) || file == nullptr) return;
    const uint8_t *data = static_cast<const uint8_t *>(udata_getMemory(file));
    const int32_t *indexes = reinterpret_cast<const int32_t *>(data);
    if ((indexes[kTrieTypeIndex] & kTrieTypeMask) != kTrieTypeUChars) {
        udata_close(file);
        return;
    }
    // Kept open for the life of the process, as ICU keeps its own engines' dictionaries.
    dictionary = reinterpret_cast<const char16_t *>(data + indexes[kTrieOffsetIndex]);
}

// The Han characters the caller hands over: U+3400–U+4DBF and U+4E00–U+9FFF.
const int32_t kFirst = 0x3400, kLast = 0x9FFF;

}  // namespace

// The second step of a walk is the next costliest: the branch after a common first character spans hundreds
// of characters. Pairs seen are remembered in a direct-mapped table (a later pair on the same slot replaces it).
const int kPairBits = 15;

struct PairEntry {
    uint32_t key;  // first << 16 | second (0: empty; the first is never 0)
    uint32_t result;
    uint64_t state;
};

struct TalentCJK {
    // Per first character: the trie's state after it (0: not yet looked up) and the result.
    uint64_t state[kLast - kFirst + 1];
    uint8_t result[kLast - kFirst + 1];
    PairEntry pairs[1 << kPairBits];
    // The dynamic programme over one run (grown as needed).
    uint32_t *best;
    int32_t *prev;
    int32_t capacity;
};

extern "C" TalentCJK *talent_cjk_open(void) {
    pthread_once(&dictionary_once, load_dictionary);
    if (dictionary == nullptr) return nullptr;
    TalentCJK *c = static_cast<TalentCJK *>(calloc(1, sizeof(TalentCJK)));
    return c;
}

extern "C" void talent_cjk_close(TalentCJK *c) {
    if (c == nullptr) return;
    free(c->best);
    free(c->prev);
    free(c);
}

extern "C" int32_t talent_cjk_segment(TalentCJK *c, const uint16_t *run, int32_t n, int32_t *ends) {
    if (n <= 0) return 0;
    if (n + 1 > c->capacity) {
        int32_t cap = n + 1 > 2 * c->capacity ? n + 1 : 2 * c->capacity;
        uint32_t *best = static_cast<uint32_t *>(realloc(c->best, sizeof(uint32_t) * static_cast<size_t>(cap)));
        if (best == nullptr) return -1;
        c->best = best;
        int32_t *prev = static_cast<int32_t *>(realloc(c->prev, sizeof(int32_t) * static_cast<size_t>(cap)));
        if (prev == nullptr) return -1;
        c->prev = prev;
        c->capacity = cap;
    }
    uint32_t *best = c->best;
    int32_t *prev = c->prev;
    best[0] = 0;
    prev[0] = -1;
    for (int32_t i = 1; i <= n; i++) {
        best[i] = UINT32_MAX;
        prev[i] = -1;
    }
    icu::UCharsTrie trie(dictionary);
    int32_t lengths[kMaxWordSize + 1];
    uint32_t values[kMaxWordSize + 1];
    for (int32_t i = 0; i < n; i++) {
        if (best[i] == UINT32_MAX) continue;
        // Every word of the dictionary that starts here, shortest first (UCharsDictionaryMatcher::matches).
        int32_t count = 0;
        int32_t matched = 0;
        for (int32_t p = i; p < n; p++) {
            UStringTrieResult r;
            if (matched == 0) {
                int32_t k = static_cast<int32_t>(run[p]) - kFirst;
                if (k < 0 || k > kLast - kFirst) return -1;
                if (c->state[k] == 0) {
                    trie.reset();
                    c->result[k] = static_cast<uint8_t>(trie.first(run[p]));
                    c->state[k] = trie.getState64();
                } else {
                    trie.resetToState64(c->state[k]);
                }
                r = static_cast<UStringTrieResult>(c->result[k]);
            } else if (matched == 1) {
                uint32_t key = static_cast<uint32_t>(run[i]) << 16 | run[p];
                PairEntry &e = c->pairs[(key * 0x9E3779B1u) >> (32 - kPairBits)];
                if (e.key == key) {
                    r = static_cast<UStringTrieResult>(e.result);
                    if (r != USTRINGTRIE_NO_MATCH) trie.resetToState64(e.state);
                } else {
                    r = trie.next(run[p]);
                    e.key = key;
                    e.result = static_cast<uint32_t>(r);
                    // After no match the trie has no state to keep.
                    e.state = r == USTRINGTRIE_NO_MATCH ? 0 : trie.getState64();
                }
            } else {
                r = trie.next(run[p]);
            }
            matched++;
            if (USTRINGTRIE_HAS_VALUE(r)) {
                values[count] = static_cast<uint32_t>(trie.getValue());
                lengths[count] = matched;
                count++;
                if (r == USTRINGTRIE_FINAL_VALUE) break;
            } else if (r == USTRINGTRIE_NO_MATCH) {
                break;
            }
            if (matched >= kMaxWordSize) break;
        }
        // A character that is no word of its own is one at the highest cost.
        if (count == 0 || lengths[0] != 1) {
            values[count] = kMaxSnlp;
            lengths[count] = 1;
            count++;
        }
        for (int32_t j = 0; j < count; j++) {
            uint32_t cost = best[i] + values[j];
            int32_t to = i + lengths[j];
            if (cost < best[to]) {
                best[to] = cost;
                prev[to] = i;
            }
        }
    }
    // The cheapest split, walked back from the end, written front to back.
    int32_t segments = 0;
    for (int32_t i = n; i > 0; i = prev[i]) segments++;
    int32_t k = segments;
    for (int32_t i = n; i > 0; i = prev[i]) ends[--k] = i;
    return segments;
}
