#ifndef JAC_CRC32C_H
#define JAC_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// Whether jac_crc32c_hw can run here (x86-64 with SSE4.2).
int jac_crc32c_hw_available(void);

/// Continues a CRC-32C over `n` bytes with the CPU's crc32 instruction. `state` is the
/// running value before the final XOR (start with 0xFFFFFFFF).
uint32_t jac_crc32c_hw(uint32_t state, const void *data, size_t n);

#endif
