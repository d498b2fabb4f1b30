#ifndef JAC_RECORD_SCAN_H
#define JAC_RECORD_SCAN_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Where the scan of a record's bytes stands (RecordScanner's scan inside a record): bracket
/// depth, whether it is inside a string and whether the next byte is escaped there, and the
/// newlines seen: how many, and the offset of the last one (-1 for none yet), which the caller
/// resets as it pleases.
typedef struct {
    int64_t depth;
    int64_t newlines;
    int64_t last_newline;
    uint8_t in_string;
    uint8_t escaped;
} jac_record_scan_state;

/// Scans the record bytes `p[i..<n]` from state `s`: `"` opens a string, in which `\` escapes the
/// next byte and `"` closes it; outside strings `{` and `[` go one deeper and `}` and `]` one
/// shallower. Returns the offset just past the bracket that brings the depth to 0 (leaving
/// `s->depth` 0), or `n` with the state at `n`; every newline byte before the returned offset is
/// counted. A byte at a time: what other CPUs use, and what the vector forms are tested against.
static inline size_t jac_record_scan_bytes(const uint8_t *p, size_t i, size_t n, jac_record_scan_state *s) {
    for (; i < n; i++) {
        uint8_t b = p[i];
        if (b == '\n') {
            s->newlines++;
            s->last_newline = (int64_t)i;
        }
        if (s->in_string) {
            if (s->escaped) s->escaped = 0;
            else if (b == '\\') s->escaped = 1;
            else if (b == '"') s->in_string = 0;
        } else if (b == '"') {
            s->in_string = 1;
        } else if (b == '{' || b == '[') {
            s->depth++;
        } else if ((b == '}' || b == ']') && --s->depth == 0) {
            return i + 1;
        }
    }
    return n;
}

/// One bit per byte of 64 (the first byte in the lowest bit) for each byte the scan looks at.
typedef struct {
    uint64_t quote, backslash, newline, open, close;
} jac_record_scan_masks;

/// Bit i is the parity of bits 0...i: set from an opening quote up to its closing quote.
static inline __attribute__((always_inline)) uint64_t jac_prefix_xor_shifts(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/// The state of `jac_record_scan_blocks` between blocks, in locals (a store through the
/// caller's state could alias the input): the in-string mask's carry, the escape carry, the
/// depth, and the newlines, the last as its block's offset and mask.
typedef struct {
    uint64_t in_string, escaped;
    int64_t depth, newlines;
    size_t last_block;
    uint64_t last_mask;
} jac_record_scan_run;

/// Scans the `len` (at most 64) record bytes at input offset `i`, classified from `block`
/// (`p + i`, or a copy padded with spaces). Returns the offset past the record's end, or 0.
static inline __attribute__((always_inline)) size_t
jac_record_scan_block(const uint8_t *p, size_t i, const uint8_t *block, size_t len, jac_record_scan_run *r,
                      jac_record_scan_masks (*classify)(const uint8_t *), uint64_t (*prefix_xor)(uint64_t)) {
    const uint64_t even = 0x5555555555555555ULL;
    jac_record_scan_masks m = classify(block);
    uint64_t escapes = 0, carry = 0;
    if (m.backslash | r->escaped) {
        uint64_t backslash = m.backslash & ~r->escaped;
        uint64_t follows = backslash << 1 | r->escaped;
        uint64_t odd_starts = backslash & ~even & ~follows;
        uint64_t sum;
        carry = __builtin_add_overflow(odd_starts, backslash, &sum);
        escapes = (even ^ (sum << 1)) & follows;
        if (len < 64) carry = (escapes >> len) & 1;
    }
    uint64_t inside = prefix_xor(m.quote & ~escapes) ^ r->in_string;
    if (m.backslash & ~inside) {
        jac_record_scan_state b = {r->depth, 0, -1, r->in_string != 0, (uint8_t)r->escaped};
        size_t end = jac_record_scan_bytes(p, i, i + len, &b);
        if (b.newlines != 0) {
            r->newlines += b.newlines;
            r->last_block = (size_t)b.last_newline;
            r->last_mask = 1;
        }
        r->depth = b.depth;
        r->in_string = b.in_string ? ~0ULL : 0;
        r->escaped = b.escaped;
        return b.depth == 0 ? end : 0;
    }
    uint64_t open = m.open & ~inside, close = m.close & ~inside;
    uint64_t newline = m.newline;
    size_t end = 0;
    if (close != 0 && (int64_t)__builtin_popcountll(close) >= r->depth) {
        for (uint64_t brackets = open | close; brackets != 0; brackets &= brackets - 1) {
            uint64_t bit = brackets & (0 - brackets);
            if (open & bit) {
                r->depth++;
            } else if (--r->depth == 0) {
                newline &= (bit - 1) | bit;
                end = i + (size_t)__builtin_ctzll(bit) + 1;
                break;
            }
        }
    } else {
        r->depth += __builtin_popcountll(open) - __builtin_popcountll(close);
    }
    if (newline != 0) {
        r->newlines += __builtin_popcountll(newline);
        r->last_block = i;
        r->last_mask = newline;
    }
    r->in_string = (uint64_t)((int64_t)inside >> 63);
    r->escaped = carry;
    return end;
}

/// `jac_record_scan_bytes` 64 bytes at a time, with the masks `classify` finds (simdjson's
/// stage 1): the bytes escaped by backslash runs, the in-string mask by a prefix XOR of the
/// other quotes, then only the brackets outside strings are walked. A backslash outside a
/// string is invalid JSON, and the only case where escapes depend on more than the backslash
/// runs (out there `\` escapes nothing), so a block with one is scanned by the byte loop. The
/// last block (under 64 bytes) is classified from a copy padded with spaces.
static inline __attribute__((always_inline)) size_t
jac_record_scan_blocks(const uint8_t *p, size_t i, size_t n, jac_record_scan_state *s,
                       jac_record_scan_masks (*classify)(const uint8_t *), uint64_t (*prefix_xor)(uint64_t)) {
    jac_record_scan_run r = {s->in_string ? ~0ULL : 0, s->escaped, s->depth, 0, 0, 0};
    size_t end = 0;
    for (; i + 64 <= n && end == 0; i += 64) end = jac_record_scan_block(p, i, p + i, 64, &r, classify, prefix_xor);
    if (end == 0 && i < n) {
        uint8_t padded[64];
        memset(padded, ' ', sizeof padded);
        memcpy(padded, p + i, n - i);
        end = jac_record_scan_block(p, i, padded, n - i, &r, classify, prefix_xor);
    }
    if (r.last_mask != 0) {
        s->newlines += r.newlines;
        s->last_newline = (int64_t)(r.last_block + 63 - (size_t)__builtin_clzll(r.last_mask));
    }
    s->depth = r.depth;
    s->in_string = end == 0 && r.in_string != 0;
    s->escaped = end == 0 && r.escaped != 0;
    return end != 0 ? end : n;
}

#if defined(__x86_64__)
static inline __attribute__((always_inline)) uint64_t jac_mask16(__m128i v, char c) {
    return (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/// The masks with SSE2 (every x86-64 CPU): `{` and `[` (and `}` and `]`) differ only in bit 5.
static inline __attribute__((always_inline)) jac_record_scan_masks jac_record_scan_classify_sse2(const uint8_t *p) {
    jac_record_scan_masks m = {0, 0, 0, 0, 0};
    for (int k = 0; k < 64; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + k));
        __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        m.quote |= jac_mask16(v, '"') << k;
        m.backslash |= jac_mask16(v, '\\') << k;
        m.newline |= jac_mask16(v, '\n') << k;
        m.open |= jac_mask16(folded, '{') << k;
        m.close |= jac_mask16(folded, '}') << k;
    }
    return m;
}

static inline size_t jac_record_scan_sse2(const uint8_t *p, size_t i, size_t n, jac_record_scan_state *s) {
    return jac_record_scan_blocks(p, i, n, s, jac_record_scan_classify_sse2, jac_prefix_xor_shifts);
}

#define JAC_AVX2 __attribute__((target("avx2,popcnt,bmi,pclmul")))

/// `jac_prefix_xor_shifts` as one carry-less multiplication by all ones.
static inline __attribute__((always_inline)) JAC_AVX2 uint64_t jac_prefix_xor_clmul(uint64_t x) {
    return (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)x), _mm_set1_epi8(-1), 0));
}

static inline __attribute__((always_inline)) JAC_AVX2 uint64_t jac_mask32(__m256i lo, __m256i hi, char c) {
    __m256i b = _mm256_set1_epi8(c);
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, b))
           | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, b)) << 32;
}

/// The masks with AVX2, 32 bytes per compare.
static inline __attribute__((always_inline)) JAC_AVX2 jac_record_scan_masks jac_record_scan_classify_avx2(const uint8_t *p) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)p), hi = _mm256_loadu_si256((const __m256i *)(p + 32));
    __m256i bit5 = _mm256_set1_epi8(0x20);
    __m256i folded_lo = _mm256_or_si256(lo, bit5), folded_hi = _mm256_or_si256(hi, bit5);
    jac_record_scan_masks m = {
        jac_mask32(lo, hi, '"'), jac_mask32(lo, hi, '\\'), jac_mask32(lo, hi, '\n'),
        jac_mask32(folded_lo, folded_hi, '{'), jac_mask32(folded_lo, folded_hi, '}'),
    };
    return m;
}

static inline JAC_AVX2 size_t jac_record_scan_avx2(const uint8_t *p, size_t i, size_t n, jac_record_scan_state *s) {
    return jac_record_scan_blocks(p, i, n, s, jac_record_scan_classify_avx2, jac_prefix_xor_clmul);
}

/// Whether this CPU (and its OS) runs `jac_record_scan_avx2`.
static inline int jac_record_scan_has_avx2(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi")
           && __builtin_cpu_supports("pclmul");
}
#endif

/// `jac_record_scan_bytes` with the fastest form this CPU has: AVX2 or SSE2 on x86-64, else the
/// byte loop.
static inline size_t jac_record_scan(const uint8_t *p, size_t i, size_t n, jac_record_scan_state *s) {
#if defined(__x86_64__)
    static int avx2 = -1; // once per process: a relaxed atomic, which every thread may set
    int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (has < 0) {
        has = jac_record_scan_has_avx2();
        __atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
    }
    return has ? jac_record_scan_avx2(p, i, n, s) : jac_record_scan_sse2(p, i, n, s);
#else
    return jac_record_scan_bytes(p, i, n, s);
#endif
}

#endif
