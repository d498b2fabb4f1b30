#ifndef JAC_SCAN_H
#define JAC_SCAN_H
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
/// 1 where `jac_copy_plain` and `jac_skip_plain` go sixteen bytes at a time, 0 where they are
/// the byte loops: Swift callers that have a word loop of their own use it instead then.
#define JAC_SCAN_SSE2 1
#else
#define JAC_SCAN_SSE2 0
#endif

// Plain string text: the bytes that stand for themselves in a JSON string and are ASCII. The
// JSON reader copies runs of them (`jac_copy_plain`); the decoder's checks skip them
// (`jac_skip_plain`). One rule for both, a byte at a time and sixteen at a time.

/// Whether `b` ends a plain run: `"`, `\`, a control character or a byte >= 0x80 (UTF-8, which
/// the caller validates).
static inline int jac_ends_plain(uint8_t b) {
    return b == '"' || b == '\\' || b < 0x20 || b >= 0x80;
}

#if defined(__SSE2__)
/// The 16-bit mask of the bytes of `v` that end a plain run (`jac_ends_plain`).
static inline unsigned jac_ends_plain16(__m128i v) {
    // Signed, a byte >= 0x80 is below 0x20 too.
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(stop);
}
#endif

/// Copies to `out` the plain bytes at `p` (`n` of them readable) up to the first that ends the
/// run, and returns how many. A byte at a time: what other CPUs use, and what the vector form
/// is tested against.
static inline size_t jac_copy_plain_bytes(const uint8_t *p, size_t n, uint8_t *out) {
    size_t i = 0;
    while (i < n && !jac_ends_plain(p[i])) {
        out[i] = p[i];
        i++;
    }
    return i;
}

/// `jac_copy_plain_bytes`, sixteen bytes at a time with SSE2, which also stops where fewer than
/// 16 bytes are left (the caller goes on with its own loop): it returns the first stop byte's
/// index when that lies in the first `n - n % 16` bytes, else `n - n % 16`. Each block is stored
/// whole before it is checked: `out` must have room for `n` bytes. Static inline, so the Swift
/// reader's loop inlines it.
static inline size_t jac_copy_plain(const uint8_t *p, size_t n, uint8_t *out) {
#if defined(__SSE2__)
    size_t i = 0;
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        _mm_storeu_si128((__m128i *)(out + i), v);
        unsigned mask = jac_ends_plain16(v);
        if (mask != 0) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    return i;
#else
    return jac_copy_plain_bytes(p, n, out);
#endif
}

/// How many bytes at `p` (`n` of them readable) are plain before the first that ends the run:
/// `jac_copy_plain_bytes` without the copy, for checks that only look.
static inline size_t jac_skip_plain_bytes(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n && !jac_ends_plain(p[i])) i++;
    return i;
}

/// `jac_skip_plain_bytes`, sixteen bytes at a time with SSE2, stopping as `jac_copy_plain`
/// does: at the first stop byte in the first `n - n % 16` bytes, else at `n - n % 16`.
static inline size_t jac_skip_plain(const uint8_t *p, size_t n) {
#if defined(__SSE2__)
    size_t i = 0;
    while (i + 16 <= n) {
        unsigned mask = jac_ends_plain16(_mm_loadu_si128((const __m128i *)(p + i)));
        if (mask != 0) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    return i;
#else
    return jac_skip_plain_bytes(p, n);
#endif
}

/// How many bytes from `p + i` on, of the `n` at `p`, are plain (`jac_skip_plain_bytes`), sixteen
/// at a time with SSE2 when `n >= 16`, to the end: the last 1-15 bytes are read as part of the
/// 16 ending at `p + n`, whose bytes before the run do not count.
static inline size_t jac_skip_plain_in(const uint8_t *p, size_t i, size_t n) {
#if defined(__SSE2__)
    if (n >= 16) {
        size_t k = i + jac_skip_plain(p + i, n - i);
        if (n - k >= 16) return k - i;
        unsigned mask = jac_ends_plain16(_mm_loadu_si128((const __m128i *)(p + n - 16))) >> (k - (n - 16));
        return (mask != 0 ? k + (size_t)__builtin_ctz(mask) : n) - i;
    }
#endif
    return jac_skip_plain_bytes(p + i, n - i);
}

#endif
