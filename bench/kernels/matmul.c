#include "kernels.h"

#define MAT_MAX 256

static double a[MAT_MAX][MAT_MAX];
static double b[MAT_MAX][MAT_MAX];
static double c[MAT_MAX][MAT_MAX];

static int32_t clamp(int32_t n) {
  return n < 1 ? 1 : n > MAT_MAX ? MAT_MAX : n;
}

HM_KERNEL void matmul_init(int32_t n) {
  n = clamp(n);
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j = 0; j < n; ++j) {
      a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
      b[i][j] = (double)((i * 5 + j * 11) % 23) / 22.0 - 0.25;
    }
  }
}

/* i-k-j order: the inner loop streams rows of b and c, the usual cache-friendly form. */
HM_KERNEL double matmul(int32_t n) {
  n = clamp(n);
  for (int32_t i = 0; i < n; ++i) {
    for (int32_t j = 0; j < n; ++j) c[i][j] = 0.0;
    for (int32_t k = 0; k < n; ++k) {
      double aik = a[i][k];
      for (int32_t j = 0; j < n; ++j) c[i][j] += aik * b[k][j];
    }
  }
  double sum = 0.0;
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = 0; j < n; ++j) sum += c[i][j];
  return sum;
}
