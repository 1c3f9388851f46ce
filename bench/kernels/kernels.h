/* Benchmark kernels: each one is compiled twice from the same source, to a freestanding wasm32
 * module (exports named like the functions) and natively into hailmary_bench, so the two timings
 * measure the same algorithm. No libc: the wasm builds link with -nostdlib. */
#ifndef HAILMARY_BENCH_KERNELS_H
#define HAILMARY_BENCH_KERNELS_H

#include <stdint.h>

/* Entry points must stay real calls natively: the benchmark passes run-time arguments and
 * consumes the result, and noinline keeps a compiler from folding the work into the caller. */
#define HM_KERNEL __attribute__((noinline))

#ifdef __cplusplus
extern "C" {
#endif

/* fib.c: naive doubly recursive Fibonacci, call/return and integer ALU. */
int32_t fib(int32_t n);

/* memloop.c: sieve of Eratosthenes over up to 8 Mi byte flags; returns the prime count <= n. */
int32_t sieve(int32_t n);

/* calls.c: `n` calls of a small non-inlined function; returns a checksum. */
int64_t calls(int32_t n);

/* matmul.c: C = A * B for n x n doubles (n <= 256); A and B set by matmul_init. Returns the
 * sum of C's elements. */
void matmul_init(int32_t n);
double matmul(int32_t n);

/* sha256.c: SHA-256 over `mib` MiB (<= 4) of data set by sha256_init; returns the digest's
 * first word. */
void sha256_init(int32_t mib);
uint32_t sha256(int32_t mib);

#ifdef __cplusplus
}
#endif

#endif
