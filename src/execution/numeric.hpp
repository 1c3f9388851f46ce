// Semantics of the numeric instructions listed in numeric_ops.def, exactly as the spec's
// numerics chapter defines them (https://webassembly.github.io/spec/core/exec/numerics.html).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "hailmary/error.hpp"

namespace hailmary::detail::num {

using I32 = uint32_t;
using I64 = uint64_t;
using F32 = float;
using F64 = double;

// --- comparisons ---
inline I32 I32Eqz(I32 a) {
  return a == 0;
}
inline I32 I64Eqz(I64 a) {
  return a == 0;
}
#define HM_INT_CMP(T, S)                           \
  inline I32 T##Eq(T a, T b) {                     \
    return a == b;                                 \
  }                                                \
  inline I32 T##Ne(T a, T b) {                     \
    return a != b;                                 \
  }                                                \
  inline I32 T##LtS(T a, T b) {                    \
    return static_cast<S>(a) < static_cast<S>(b);  \
  }                                                \
  inline I32 T##LtU(T a, T b) {                    \
    return a < b;                                  \
  }                                                \
  inline I32 T##GtS(T a, T b) {                    \
    return static_cast<S>(a) > static_cast<S>(b);  \
  }                                                \
  inline I32 T##GtU(T a, T b) {                    \
    return a > b;                                  \
  }                                                \
  inline I32 T##LeS(T a, T b) {                    \
    return static_cast<S>(a) <= static_cast<S>(b); \
  }                                                \
  inline I32 T##LeU(T a, T b) {                    \
    return a <= b;                                 \
  }                                                \
  inline I32 T##GeS(T a, T b) {                    \
    return static_cast<S>(a) >= static_cast<S>(b); \
  }                                                \
  inline I32 T##GeU(T a, T b) {                    \
    return a >= b;                                 \
  }
HM_INT_CMP(I32, int32_t)
HM_INT_CMP(I64, int64_t)
#undef HM_INT_CMP

#define HM_FLOAT_CMP(T)        \
  inline I32 T##Eq(T a, T b) { \
    return a == b;             \
  }                            \
  inline I32 T##Ne(T a, T b) { \
    return a != b;             \
  }                            \
  inline I32 T##Lt(T a, T b) { \
    return a < b;              \
  }                            \
  inline I32 T##Gt(T a, T b) { \
    return a > b;              \
  }                            \
  inline I32 T##Le(T a, T b) { \
    return a <= b;             \
  }                            \
  inline I32 T##Ge(T a, T b) { \
    return a >= b;             \
  }
HM_FLOAT_CMP(F32)
HM_FLOAT_CMP(F64)
#undef HM_FLOAT_CMP

// --- integer arithmetic ---
#define HM_INT_ARITH(T, S, BITS)                                                               \
  inline T T##Clz(T a) {                                                                       \
    return static_cast<T>(std::countl_zero(a));                                                \
  }                                                                                            \
  inline T T##Ctz(T a) {                                                                       \
    return static_cast<T>(std::countr_zero(a));                                                \
  }                                                                                            \
  inline T T##Popcnt(T a) {                                                                    \
    return static_cast<T>(std::popcount(a));                                                   \
  }                                                                                            \
  inline T T##Add(T a, T b) {                                                                  \
    return a + b;                                                                              \
  }                                                                                            \
  inline T T##Sub(T a, T b) {                                                                  \
    return a - b;                                                                              \
  }                                                                                            \
  inline T T##Mul(T a, T b) {                                                                  \
    return a * b;                                                                              \
  }                                                                                            \
  inline T T##And(T a, T b) {                                                                  \
    return a & b;                                                                              \
  }                                                                                            \
  inline T T##Or(T a, T b) {                                                                   \
    return a | b;                                                                              \
  }                                                                                            \
  inline T T##Xor(T a, T b) {                                                                  \
    return a ^ b;                                                                              \
  }                                                                                            \
  inline T T##Shl(T a, T b) {                                                                  \
    return a << (b & (BITS - 1));                                                              \
  }                                                                                            \
  inline T T##ShrS(T a, T b) {                                                                 \
    return static_cast<T>(static_cast<S>(a) >> (b & (BITS - 1)));                              \
  }                                                                                            \
  inline T T##ShrU(T a, T b) {                                                                 \
    return a >> (b & (BITS - 1));                                                              \
  }                                                                                            \
  inline T T##Rotl(T a, T b) {                                                                 \
    return std::rotl(a, static_cast<int>(b & (BITS - 1)));                                     \
  }                                                                                            \
  inline T T##Rotr(T a, T b) {                                                                 \
    return std::rotr(a, static_cast<int>(b & (BITS - 1)));                                     \
  }                                                                                            \
  inline TrapKind T##DivS(T a, T b, T& out) {                                                  \
    if (b == 0) return TrapKind::IntegerDivideByZero;                                          \
    if (static_cast<S>(a) == std::numeric_limits<S>::min() && static_cast<S>(b) == -1)         \
      return TrapKind::IntegerOverflow;                                                        \
    out = static_cast<T>(static_cast<S>(a) / static_cast<S>(b));                               \
    return TrapKind::None;                                                                     \
  }                                                                                            \
  inline TrapKind T##DivU(T a, T b, T& out) {                                                  \
    if (b == 0) return TrapKind::IntegerDivideByZero;                                          \
    out = a / b;                                                                               \
    return TrapKind::None;                                                                     \
  }                                                                                            \
  inline TrapKind T##RemS(T a, T b, T& out) {                                                  \
    if (b == 0) return TrapKind::IntegerDivideByZero;                                          \
    /* INT_MIN % -1 is 0 in wasm but undefined in C++ */                                       \
    out = static_cast<S>(b) == -1 ? 0 : static_cast<T>(static_cast<S>(a) % static_cast<S>(b)); \
    return TrapKind::None;                                                                     \
  }                                                                                            \
  inline TrapKind T##RemU(T a, T b, T& out) {                                                  \
    if (b == 0) return TrapKind::IntegerDivideByZero;                                          \
    out = a % b;                                                                               \
    return TrapKind::None;                                                                     \
  }
HM_INT_ARITH(I32, int32_t, 32)
HM_INT_ARITH(I64, int64_t, 64)
#undef HM_INT_ARITH

// --- float arithmetic ---
// abs/neg/copysign are bit operations: they must not touch NaN payloads.
inline F32 F32Abs(F32 a) {
  return std::bit_cast<F32>(std::bit_cast<uint32_t>(a) & 0x7fffffffu);
}
inline F32 F32Neg(F32 a) {
  return std::bit_cast<F32>(std::bit_cast<uint32_t>(a) ^ 0x80000000u);
}
inline F32 F32Copysign(F32 a, F32 b) {
  return std::bit_cast<F32>((std::bit_cast<uint32_t>(a) & 0x7fffffffu) |
                            (std::bit_cast<uint32_t>(b) & 0x80000000u));
}
inline F64 F64Abs(F64 a) {
  return std::bit_cast<F64>(std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull);
}
inline F64 F64Neg(F64 a) {
  return std::bit_cast<F64>(std::bit_cast<uint64_t>(a) ^ 0x8000000000000000ull);
}
inline F64 F64Copysign(F64 a, F64 b) {
  return std::bit_cast<F64>((std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull) |
                            (std::bit_cast<uint64_t>(b) & 0x8000000000000000ull));
}

/// A NaN result must be a quiet NaN: the hardware gives one for arithmetic, but library calls
/// (ceil, floor, ...) on a signalling NaN may not, so quiet it explicitly.
template <class T>
inline T quiet(T r) {
  if constexpr (sizeof(T) == 4) {
    return std::isnan(r) ? std::bit_cast<T>(std::bit_cast<uint32_t>(r) | 0x00400000u) : r;
  } else {
    return std::isnan(r) ? std::bit_cast<T>(std::bit_cast<uint64_t>(r) | 0x0008000000000000ull) : r;
  }
}

template <class T>
inline T fmin(T a, T b) {
  if (std::isnan(a)) return quiet(a);
  if (std::isnan(b)) return quiet(b);
  if (a == b) return std::signbit(a) ? a : b;  // min(-0, +0) = -0
  return a < b ? a : b;
}
template <class T>
inline T fmax(T a, T b) {
  if (std::isnan(a)) return quiet(a);
  if (std::isnan(b)) return quiet(b);
  if (a == b) return std::signbit(a) ? b : a;  // max(-0, +0) = +0
  return a > b ? a : b;
}

#define HM_FLOAT_ARITH(T)            \
  inline T T##Ceil(T a) {            \
    return quiet(std::ceil(a));      \
  }                                  \
  inline T T##Floor(T a) {           \
    return quiet(std::floor(a));     \
  }                                  \
  inline T T##Trunc(T a) {           \
    return quiet(std::trunc(a));     \
  }                                  \
  inline T T##Nearest(T a) {         \
    return quiet(std::nearbyint(a)); \
  }                                  \
  inline T T##Sqrt(T a) {            \
    return quiet(std::sqrt(a));      \
  }                                  \
  inline T T##Add(T a, T b) {        \
    return a + b;                    \
  }                                  \
  inline T T##Sub(T a, T b) {        \
    return a - b;                    \
  }                                  \
  inline T T##Mul(T a, T b) {        \
    return a * b;                    \
  }                                  \
  inline T T##Div(T a, T b) {        \
    return a / b;                    \
  }                                  \
  inline T T##Min(T a, T b) {        \
    return fmin(a, b);               \
  }                                  \
  inline T T##Max(T a, T b) {        \
    return fmax(a, b);               \
  }
HM_FLOAT_ARITH(F32)
HM_FLOAT_ARITH(F64)
#undef HM_FLOAT_ARITH

// --- conversions ---
inline I32 I32WrapI64(I64 a) {
  return static_cast<I32>(a);
}
inline I64 I64ExtendI32S(I32 a) {
  return static_cast<I64>(static_cast<int64_t>(static_cast<int32_t>(a)));
}
inline I64 I64ExtendI32U(I32 a) {
  return a;
}
inline I32 I32Extend8S(I32 a) {
  return static_cast<I32>(static_cast<int32_t>(static_cast<int8_t>(a)));
}
inline I32 I32Extend16S(I32 a) {
  return static_cast<I32>(static_cast<int32_t>(static_cast<int16_t>(a)));
}
inline I64 I64Extend8S(I64 a) {
  return static_cast<I64>(static_cast<int64_t>(static_cast<int8_t>(a)));
}
inline I64 I64Extend16S(I64 a) {
  return static_cast<I64>(static_cast<int64_t>(static_cast<int16_t>(a)));
}
inline I64 I64Extend32S(I64 a) {
  return static_cast<I64>(static_cast<int64_t>(static_cast<int32_t>(a)));
}

inline F32 F32ConvertI32S(I32 a) {
  return static_cast<F32>(static_cast<int32_t>(a));
}
inline F32 F32ConvertI32U(I32 a) {
  return static_cast<F32>(a);
}
inline F32 F32ConvertI64S(I64 a) {
  return static_cast<F32>(static_cast<int64_t>(a));
}
inline F32 F32ConvertI64U(I64 a) {
  return static_cast<F32>(a);
}
inline F32 F32DemoteF64(F64 a) {
  return quiet(static_cast<F32>(a));
}
inline F64 F64ConvertI32S(I32 a) {
  return static_cast<F64>(static_cast<int32_t>(a));
}
inline F64 F64ConvertI32U(I32 a) {
  return static_cast<F64>(a);
}
inline F64 F64ConvertI64S(I64 a) {
  return static_cast<F64>(static_cast<int64_t>(a));
}
inline F64 F64ConvertI64U(I64 a) {
  return static_cast<F64>(a);
}
inline F64 F64PromoteF32(F32 a) {
  return quiet(static_cast<F64>(a));
}

inline I32 I32ReinterpretF32(F32 a) {
  return std::bit_cast<I32>(a);
}
inline I64 I64ReinterpretF64(F64 a) {
  return std::bit_cast<I64>(a);
}
inline F32 F32ReinterpretI32(I32 a) {
  return std::bit_cast<F32>(a);
}
inline F64 F64ReinterpretI64(I64 a) {
  return std::bit_cast<F64>(a);
}

/// Float -> integer truncation. The range test is done in the float domain with bounds that
/// are exactly representable: [lo, hi) where lo = -2^(N-1) (or -1 exclusive for unsigned)
/// and hi = 2^(N-1) (or 2^N).
template <class Int, class Float>
inline bool trunc_in_range(Float a) {
  if constexpr (std::is_signed_v<Int>) {
    constexpr Float lo = -static_cast<Float>(std::numeric_limits<Int>::max()) - 1;  // -2^(N-1)
    constexpr Float hi = -lo;
    // Values in (lo - 1, lo) truncate to lo; where lo - 1 is representable they are valid.
    constexpr Float below = lo - 1;
    if constexpr (below != lo) return a > below && a < hi;
    return a >= lo && a < hi;
  } else {
    constexpr Float hi = static_cast<Float>(std::numeric_limits<Int>::max() / 2 + 1) * 2;  // 2^N
    return a > Float(-1) && a < hi;
  }
}
template <class Int, class Float, class Out>
inline TrapKind trunc_checked(Float a, Out& out) {
  if (std::isnan(a)) return TrapKind::InvalidConversion;
  if (!trunc_in_range<Int>(a)) return TrapKind::IntegerOverflow;
  out = static_cast<Out>(static_cast<Int>(a));
  return TrapKind::None;
}
template <class Int, class Float>
inline Int trunc_saturating(Float a) {
  if (std::isnan(a)) return 0;
  if (trunc_in_range<Int>(a)) return static_cast<Int>(a);
  return a < Float(0) ? std::numeric_limits<Int>::min() : std::numeric_limits<Int>::max();
}

inline TrapKind I32TruncF32S(F32 a, I32& o) {
  return trunc_checked<int32_t>(a, o);
}
inline TrapKind I32TruncF32U(F32 a, I32& o) {
  return trunc_checked<uint32_t>(a, o);
}
inline TrapKind I32TruncF64S(F64 a, I32& o) {
  return trunc_checked<int32_t>(a, o);
}
inline TrapKind I32TruncF64U(F64 a, I32& o) {
  return trunc_checked<uint32_t>(a, o);
}
inline TrapKind I64TruncF32S(F32 a, I64& o) {
  return trunc_checked<int64_t>(a, o);
}
inline TrapKind I64TruncF32U(F32 a, I64& o) {
  return trunc_checked<uint64_t>(a, o);
}
inline TrapKind I64TruncF64S(F64 a, I64& o) {
  return trunc_checked<int64_t>(a, o);
}
inline TrapKind I64TruncF64U(F64 a, I64& o) {
  return trunc_checked<uint64_t>(a, o);
}

inline I32 I32TruncSatF32S(F32 a) {
  return static_cast<I32>(trunc_saturating<int32_t>(a));
}
inline I32 I32TruncSatF32U(F32 a) {
  return trunc_saturating<uint32_t>(a);
}
inline I32 I32TruncSatF64S(F64 a) {
  return static_cast<I32>(trunc_saturating<int32_t>(a));
}
inline I32 I32TruncSatF64U(F64 a) {
  return trunc_saturating<uint32_t>(a);
}
inline I64 I64TruncSatF32S(F32 a) {
  return static_cast<I64>(trunc_saturating<int64_t>(a));
}
inline I64 I64TruncSatF32U(F32 a) {
  return trunc_saturating<uint64_t>(a);
}
inline I64 I64TruncSatF64S(F64 a) {
  return static_cast<I64>(trunc_saturating<int64_t>(a));
}
inline I64 I64TruncSatF64U(F64 a) {
  return trunc_saturating<uint64_t>(a);
}

}  // namespace hailmary::detail::num
