#ifndef JAC_SCAN_H
#define JAC_SCAN_H
#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Copies to `out` the bytes at `p` (`n` of them readable) that stand for themselves in a JSON
/// string and are ASCII, and returns how many: it stops at `"`, `\`, a control character or a
/// byte >= 0x80 (UTF-8, which the caller validates). A byte at a time: what other CPUs use, and
/// what the vector form is tested against.
static inline size_t jac_copy_plain_bytes(const uint8_t *p, size_t n, uint8_t *out) {
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        if (b == '"' || b == '\\' || b < 0x20 || b >= 0x80) return i;
        out[i] = b;
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
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        _mm_storeu_si128((__m128i *)(out + i), v);
        // Signed, a byte >= 0x80 is below 0x20 too.
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                    _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask != 0) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    return i;
#else
    return jac_copy_plain_bytes(p, n, out);
#endif
}

#endif
