#include "kernels.h"

#define SIEVE_MAX (8 << 20)

/* One byte a flag rather than bits: the point is memory traffic (loads/stores through linear
 * memory bounds checks), not bit twiddling. */
static uint8_t composite[SIEVE_MAX + 1];

HM_KERNEL int32_t sieve(int32_t n) {
  if (n > SIEVE_MAX) n = SIEVE_MAX;
  if (n < 2) return 0;
  for (int32_t i = 0; i <= n; ++i) composite[i] = 0; /* memory.fill with -mbulk-memory */
  int32_t count = 0;
  for (int32_t i = 2; i <= n; ++i) {
    if (composite[i]) continue;
    ++count;
    for (int64_t j = (int64_t)i * i; j <= n; j += i) composite[j] = 1;
  }
  return count;
}
