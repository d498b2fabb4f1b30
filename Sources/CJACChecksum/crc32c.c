// CRC-32C with the SSE4.2 crc32 instruction: the Castagnoli polynomial is the one the
// instruction computes. Callers check jac_crc32c_hw_available() first and otherwise use the
// portable table code in JACWire.
//
// One crc32 instruction depends on the one before, so a single stream runs at the
// instruction's latency (about 8 bytes every 3 cycles). Long inputs are therefore taken in
// rounds of three equal lanes computed side by side, then joined: a CRC register is linear,
// so crc(s, A B) = zeros(crc(s, A), |B|) ^ crc(0, B), where zeros() advances a register over
// |B| zero bytes. `lane_shift` is that map for one lane's length, as four byte tables.
#include "jac_crc32c.h"
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#include <pthread.h>

enum { LANE = 8192 };

static uint32_t lane_shift[4][256];
static pthread_once_t lane_shift_once = PTHREAD_ONCE_INIT;

int jac_crc32c_hw_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
static uint32_t zeros(uint32_t state, size_t n) {
    uint64_t crc = state;
    for (size_t i = 0; i < n; i += 8) crc = _mm_crc32_u64(crc, 0);
    return (uint32_t)crc;
}

static void make_lane_shift(void) {
    uint32_t basis[32];
    for (int bit = 0; bit < 32; bit++) basis[bit] = zeros(1u << bit, LANE);
    for (int k = 0; k < 4; k++) {
        for (int b = 0; b < 256; b++) {
            uint32_t v = 0;
            for (int j = 0; j < 8; j++) {
                if (b & (1 << j)) v ^= basis[8 * k + j];
            }
            lane_shift[k][b] = v;
        }
    }
}

static inline uint32_t shift_lane(uint32_t c) {
    return lane_shift[0][c & 0xff] ^ lane_shift[1][(c >> 8) & 0xff]
         ^ lane_shift[2][(c >> 16) & 0xff] ^ lane_shift[3][c >> 24];
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

__attribute__((target("sse4.2")))
uint32_t jac_crc32c_hw(uint32_t state, const void *data, size_t n) {
    const unsigned char *p = data;
    uint64_t crc = state;
    if (n >= 3 * LANE) {
        pthread_once(&lane_shift_once, make_lane_shift);
        do {
            uint64_t c1 = 0, c2 = 0;
            for (size_t i = 0; i < LANE; i += 8) {
                crc = _mm_crc32_u64(crc, load64(p + i));
                c1 = _mm_crc32_u64(c1, load64(p + LANE + i));
                c2 = _mm_crc32_u64(c2, load64(p + 2 * LANE + i));
            }
            crc = shift_lane(shift_lane((uint32_t)crc) ^ (uint32_t)c1) ^ (uint32_t)c2;
            p += 3 * LANE;
            n -= 3 * LANE;
        } while (n >= 3 * LANE);
    }
    while (n >= 8) {
        crc = _mm_crc32_u64(crc, load64(p));
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
