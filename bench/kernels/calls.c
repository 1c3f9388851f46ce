#include "kernels.h"

/* Small enough that any compiler would inline it; noinline keeps one real call per iteration,
 * which is what this kernel measures (call frame setup and return). */
__attribute__((noinline)) static uint32_t step(uint32_t x, uint32_t i) {
  return (x ^ i) * 2654435761u + (x >> 7);
}

HM_KERNEL int64_t calls(int32_t n) {
  uint32_t x = 1;
  int64_t sum = 0;
  for (int32_t i = 0; i < n; ++i) {
    x = step(x, (uint32_t)i);
    sum += x & 0xff;
  }
  return sum;
}
