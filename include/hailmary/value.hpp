// A WebAssembly value with its type, for the untyped API.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "hailmary/types.hpp"

namespace hailmary {

namespace detail {
struct FuncInst;
}

/// A typed wasm value. Reference values hold a pointer: a function reference points at a
/// function of the store it came from; an external reference is an opaque host pointer.
/// A null reference of either type holds nullptr.
class Value {
 public:
  Value() : type_(ValType::I32), bits_(0) {}

  static Value i32(int32_t v) { return Value(ValType::I32, static_cast<uint32_t>(v)); }
  static Value i64(int64_t v) { return Value(ValType::I64, static_cast<uint64_t>(v)); }
  static Value f32(float v) { return Value(ValType::F32, std::bit_cast<uint32_t>(v)); }
  static Value f64(double v) { return Value(ValType::F64, std::bit_cast<uint64_t>(v)); }
  /// Exact bit patterns (for NaN payloads).
  static Value f32_bits(uint32_t bits) { return Value(ValType::F32, bits); }
  static Value f64_bits(uint64_t bits) { return Value(ValType::F64, bits); }
  static Value externref(void* ptr) {
    return Value(ValType::ExternRef, reinterpret_cast<uintptr_t>(ptr));
  }
  static Value funcref(detail::FuncInst* func) {
    return Value(ValType::FuncRef, reinterpret_cast<uintptr_t>(func));
  }
  static Value null(ValType ref_type) { return Value(ref_type, 0); }
  /// From the raw 64-bit slot representation used by the interpreter (where the upper half of
  /// a 32-bit value's slot is unspecified).
  static Value from_bits(ValType type, uint64_t bits) {
    const bool narrow = type == ValType::I32 || type == ValType::F32;
    return Value(type, narrow ? static_cast<uint32_t>(bits) : bits);
  }

  ValType type() const noexcept { return type_; }
  int32_t i32() const noexcept { return static_cast<int32_t>(static_cast<uint32_t>(bits_)); }
  int64_t i64() const noexcept { return static_cast<int64_t>(bits_); }
  float f32() const noexcept { return std::bit_cast<float>(static_cast<uint32_t>(bits_)); }
  double f64() const noexcept { return std::bit_cast<double>(bits_); }
  uint32_t f32_bits() const noexcept { return static_cast<uint32_t>(bits_); }
  uint64_t f64_bits() const noexcept { return bits_; }
  void* externref() const noexcept { return reinterpret_cast<void*>(bits_); }
  detail::FuncInst* funcref() const noexcept { return reinterpret_cast<detail::FuncInst*>(bits_); }
  bool is_null() const noexcept { return bits_ == 0; }
  /// The raw 64-bit representation (i32/f32 zero-extended).
  uint64_t bits() const noexcept { return bits_; }

  friend bool operator==(const Value& a, const Value& b) {
    return a.type_ == b.type_ && a.bits_ == b.bits_;
  }

 private:
  Value(ValType type, uint64_t bits) : type_(type), bits_(bits) {}
  ValType type_;
  uint64_t bits_;
};

/// "i32:42", "f64:1.5", "funcref:null", ...
std::string to_string(const Value& value);

}  // namespace hailmary
