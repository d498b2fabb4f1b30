// CRC-32C with the SSE4.2 crc32 instruction: the Castagnoli polynomial is the one the
// instruction computes. Callers check jac_crc32c_hw_available() first and otherwise use the
// portable table code in JACWire.
#include "jac_crc32c.h"
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

int jac_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
uint32_t jac_crc32c_hw(uint32_t state, const void *data, size_t n) {
    const unsigned char *p = data;
    uint64_t crc = state;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = _mm_crc32_u64(crc, word);
        p += 8;
        n -= 8;
    }
    uint32_t c = (uint32_t)crc;
    while (n > 0) {
        c = _mm_crc32_u8(c, *p++);
        n--;
    }
    return c;
}
#else
int jac_crc32c_hw_available(void) { return 0; }
uint32_t jac_crc32c_hw(uint32_t state, const void *data, size_t n) { (void)data; (void)n; return state; }
#endif
