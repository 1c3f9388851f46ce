// The type mapping shared by the host API (hailmary/ffi.hpp) and the guest SDK
// (hailmary/guest.hpp): which C++ types may cross the boundary, how each one is lowered to core
// wasm values under the wasm32 C ABI, and the text that names it in the ABI contract. Both
// sides derive everything from these traits, so they agree by construction.
#pragma once

#include "hailmary/abi/error.hpp"
#include "hailmary/abi/meta.hpp"

namespace hailmary::abi {

/// Core value types; the enumerator values are the binary encoding (same as hailmary::ValType).
enum class WasmVal : uint8_t { I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C };

/// How a C++ type travels. The lowering of each kind is fixed (see lowering.hpp).
enum class Kind : uint8_t {
  Void,      ///< no value
  Scalar,    ///< one core value (i32/i64/f32/f64), possibly unsigned
  Bool,      ///< i32 0/1
  Status,    ///< HailMaryError as i32; a non-zero code is an error on the host
  Handle,    ///< Handle<T>: i32 (index + generation)
  String,    ///< UTF-8 (ptr, len) in; StringResult out
  Bytes,     ///< raw (ptr, len) in; StringResult out
  Struct,    ///< HM_STRUCT type: by pointer in, through a return area out
  Fallible,  ///< Fallible<T>: {value, error} through a return area
  Tuple,     ///< several scalars as wasm multi-value results
};

/// Specialised for every type that may cross the boundary. Each specialisation has
/// `static constexpr Kind kind` and `static constexpr meta::Text name()`, plus per kind:
/// Scalar: `WasmVal val`; Struct: `size`, `align`; Fallible: `using value_type`;
/// Tuple: `count`, `vals[]`.
template <class T>
struct AbiOf;

/// T (without cv/ref) has an ABI mapping.
template <class T>
concept Described = requires {
  AbiOf<meta::remove_cvref_t<T>>::kind;
};

template <class T>
inline constexpr Kind kind_of = AbiOf<meta::remove_cvref_t<T>>::kind;

// ---------------------------------------------------------------------------------------------
// Scalars

#define HM_ABI_SCALAR_(Type, Val, Name)                 \
  template <>                                           \
  struct AbiOf<Type> {                                  \
    static constexpr Kind kind = Kind::Scalar;          \
    static constexpr WasmVal val = WasmVal::Val;        \
    static constexpr meta::Text name() { return Name; } \
  }
HM_ABI_SCALAR_(int32_t, I32, "i32");
HM_ABI_SCALAR_(uint32_t, I32, "u32");
HM_ABI_SCALAR_(int64_t, I64, "i64");
HM_ABI_SCALAR_(uint64_t, I64, "u64");
HM_ABI_SCALAR_(float, F32, "f32");
HM_ABI_SCALAR_(double, F64, "f64");
#undef HM_ABI_SCALAR_

template <>
struct AbiOf<bool> {
  static constexpr Kind kind = Kind::Bool;
  static constexpr meta::Text name() { return "bool"; }
};
template <>
struct AbiOf<HailMaryError> {
  static constexpr Kind kind = Kind::Status;
  static constexpr meta::Text name() { return "status"; }
};
template <>
struct AbiOf<void> {
  static constexpr Kind kind = Kind::Void;
  static constexpr meta::Text name() { return "void"; }
};

/// A scalar that maps to exactly one core value.
template <class T>
concept WasmScalar = Described<T> &&
    (kind_of<T> == Kind::Scalar || kind_of<T> == Kind::Bool || kind_of<T> == Kind::Status);

/// The core type of a scalar-like type (bool and status are i32).
template <WasmScalar T>
constexpr WasmVal wasm_val_of() {
  if constexpr (kind_of<T> == Kind::Scalar) {
    return AbiOf<meta::remove_cvref_t<T>>::val;
  } else {
    return WasmVal::I32;
  }
}

// ---------------------------------------------------------------------------------------------
// Guest pointers

/// A pointer into guest linear memory, as stored in a struct: always 4 bytes, because `usize`
/// and pointers are 32-bit on wasm32. The host sees an offset; the guest converts to T*.
template <class T>
struct Ptr {
  uint32_t offset = 0;

  constexpr Ptr() = default;
  constexpr explicit Ptr(uint32_t off) : offset(off) {}
#if defined(__wasm32__)
  Ptr(T* p) : offset(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p))) {}  // NOLINT
  T* get() const {
    return reinterpret_cast<T*>(static_cast<uintptr_t>(offset));
  }
#endif
  constexpr bool is_null() const {
    return offset == 0;
  }
};

template <class T>
struct AbiOf<Ptr<T>> {
  static constexpr Kind kind = Kind::Scalar;
  static constexpr WasmVal val = WasmVal::I32;
  static constexpr meta::Text name() { return "ptr"; }
};

// ---------------------------------------------------------------------------------------------
// Typed opaque handles

/// Describes a handle type: specialise with HM_HANDLE(Type, "destroy_export").
template <class T>
struct HandleInfo;

/// An opaque reference to a guest object of type T: 32 bits (the guest SDK packs a slot index
/// and a generation counter). Zero is the null handle. Handle<A> and Handle<B> do not convert.
template <class T>
struct Handle {
  uint32_t bits = 0;
  constexpr Handle() = default;
  constexpr explicit Handle(uint32_t b) : bits(b) {}
  constexpr bool is_null() const { return bits == 0; }
  explicit constexpr operator bool() const { return bits != 0; }
  friend constexpr bool operator==(Handle a, Handle b) { return a.bits == b.bits; }
};

template <class T>
struct AbiOf<Handle<T>> {
  static_assert(
      requires { HandleInfo<T>::name; },
      "Handle<T>: declare the handle type with HM_HANDLE(T, \"destroy_export\") at "
      "global scope, in a header both the host and the guest include");
  static constexpr Kind kind = Kind::Handle;
  static constexpr meta::Text name() {
    return meta::Text("handle<").append(HandleInfo<T>::name).append(">");
  }
};

// ---------------------------------------------------------------------------------------------
// Struct fields and layouts

/// One field of an HM_STRUCT, as the contract and the layout check see it.
struct FieldDesc {
  const char* name;
  uint32_t offset;  ///< offsetof on the compiler at hand
  uint32_t size;
  uint32_t align;  ///< its alignment on wasm32
  const char* type_name;
};

/// Which types may be struct fields: fixed-width ones, whose size and alignment are the same on
/// wasm32 and on the host (so offsetof on the host equals the guest's).
template <class T>
struct FieldAbi {
  static_assert(sizeof(T) == 0,
                "HM_STRUCT fields must be fixed-width integers (int8_t..uint64_t), float, double, "
                "bool, HailMaryError, Ptr<T> or Handle<T>; not size_t, long or raw pointers, "
                "whose size differs between the host and wasm32");
};
#define HM_ABI_FIELD_TYPE_(Type, Size, Name)             \
  template <>                                            \
  struct FieldAbi<Type> {                                \
    static constexpr uint32_t size = Size, align = Size; \
    static constexpr const char* type_name = Name;       \
  }
HM_ABI_FIELD_TYPE_(int8_t, 1, "i8");
HM_ABI_FIELD_TYPE_(uint8_t, 1, "u8");
HM_ABI_FIELD_TYPE_(int16_t, 2, "i16");
HM_ABI_FIELD_TYPE_(uint16_t, 2, "u16");
HM_ABI_FIELD_TYPE_(int32_t, 4, "i32");
HM_ABI_FIELD_TYPE_(uint32_t, 4, "u32");
HM_ABI_FIELD_TYPE_(int64_t, 8, "i64");
HM_ABI_FIELD_TYPE_(uint64_t, 8, "u64");
HM_ABI_FIELD_TYPE_(float, 4, "f32");
HM_ABI_FIELD_TYPE_(double, 8, "f64");
HM_ABI_FIELD_TYPE_(bool, 1, "bool");
HM_ABI_FIELD_TYPE_(char, 1, "char");
HM_ABI_FIELD_TYPE_(HailMaryError, 4, "status");
#undef HM_ABI_FIELD_TYPE_
template <class T>
struct FieldAbi<Ptr<T>> {
  static constexpr uint32_t size = 4, align = 4;
  static constexpr const char* type_name = "ptr";
};
template <class T>
struct FieldAbi<Handle<T>> {
  static constexpr uint32_t size = 4, align = 4;
  static constexpr const char* type_name = "handle";
};

constexpr uint32_t align_up(uint32_t v, uint32_t a) {
  return (v + a - 1) / a * a;
}

/// The wasm32 C layout of the listed fields: every listed offset must equal the offset the
/// C rules give, and the size must equal the padded end of the last field (so no field is
/// missing from the list).
struct LayoutCheck {
  bool offsets_ok;
  bool size_ok;
  uint32_t size;
  uint32_t align;
};
constexpr LayoutCheck check_layout(const FieldDesc* fields, size_t n, size_t actual_size) {
  uint32_t off = 0;
  uint32_t max_align = 1;
  bool offsets_ok = true;
  for (size_t i = 0; i < n; ++i) {
    off = align_up(off, fields[i].align);
    if (fields[i].offset != off) offsets_ok = false;
    off += fields[i].size;
    if (fields[i].align > max_align) max_align = fields[i].align;
  }
  uint32_t size = align_up(off, max_align);
  return {offsets_ok, size == actual_size, size, max_align};
}

/// "Name{a:i32@0,b:f64@8}/16:8": the contract text of a struct, layout included.
constexpr meta::Text struct_text(const char* name, const FieldDesc* fields, size_t n, uint32_t size,
                                 uint32_t align) {
  meta::Text t;
  t.append(name).append("{");
  for (size_t i = 0; i < n; ++i) {
    if (i != 0) t.append(",");
    t.append(fields[i].name).append(":").append(fields[i].type_name).append("@");
    t.append_uint(fields[i].offset);
  }
  t.append("}/").append_uint(size).append(":").append_uint(align);
  return t;
}

// clang-format off
#define HM_ABI_EXPAND_(x) x
#define HM_ABI_FE_1(m, T, a) m(T, a)
#define HM_ABI_FE_2(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_1(m, T, __VA_ARGS__))
#define HM_ABI_FE_3(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_2(m, T, __VA_ARGS__))
#define HM_ABI_FE_4(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_3(m, T, __VA_ARGS__))
#define HM_ABI_FE_5(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_4(m, T, __VA_ARGS__))
#define HM_ABI_FE_6(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_5(m, T, __VA_ARGS__))
#define HM_ABI_FE_7(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_6(m, T, __VA_ARGS__))
#define HM_ABI_FE_8(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_7(m, T, __VA_ARGS__))
#define HM_ABI_FE_9(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_8(m, T, __VA_ARGS__))
#define HM_ABI_FE_10(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_9(m, T, __VA_ARGS__))
#define HM_ABI_FE_11(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_10(m, T, __VA_ARGS__))
#define HM_ABI_FE_12(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_11(m, T, __VA_ARGS__))
#define HM_ABI_FE_13(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_12(m, T, __VA_ARGS__))
#define HM_ABI_FE_14(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_13(m, T, __VA_ARGS__))
#define HM_ABI_FE_15(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_14(m, T, __VA_ARGS__))
#define HM_ABI_FE_16(m, T, a, ...) m(T, a), HM_ABI_EXPAND_(HM_ABI_FE_15(m, T, __VA_ARGS__))
#define HM_ABI_FE_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, N, ...) N
#define HM_ABI_FOR_EACH_(m, T, ...)                                                          \
  HM_ABI_EXPAND_(HM_ABI_FE_PICK_(__VA_ARGS__, HM_ABI_FE_16, HM_ABI_FE_15, HM_ABI_FE_14,      \
                                 HM_ABI_FE_13, HM_ABI_FE_12, HM_ABI_FE_11, HM_ABI_FE_10,     \
                                 HM_ABI_FE_9, HM_ABI_FE_8, HM_ABI_FE_7, HM_ABI_FE_6,         \
                                 HM_ABI_FE_5, HM_ABI_FE_4, HM_ABI_FE_3, HM_ABI_FE_2,         \
                                 HM_ABI_FE_1)(m, T, __VA_ARGS__))
// clang-format on
#define HM_ABI_FIELD_(T, f)                                     \
  ::hailmary::abi::FieldDesc {                                  \
#f, static_cast < uint32_t>(__builtin_offsetof(T, f)),      \
        ::hailmary::abi::FieldAbi < decltype(T::f)> ::size,     \
        ::hailmary::abi::FieldAbi < decltype(T::f)> ::align,    \
        ::hailmary::abi::FieldAbi < decltype(T::f)> ::type_name \
  }

/// Declares a `repr(C)` struct that crosses the boundary, with its contract name. List every
/// field, in declaration order. Use at global scope, in a header shared by host and guest.
/// The wasm32 layout (offsets, size, alignment) is checked at compile time on both sides.
#define HM_STRUCT_AS(Type, Name, ...)                                                        \
  template <>                                                                                \
  struct hailmary::abi::AbiOf<Type> {                                                        \
    static constexpr ::hailmary::abi::Kind kind = ::hailmary::abi::Kind::Struct;             \
    static constexpr ::hailmary::abi::FieldDesc fields[] = {                                 \
        HM_ABI_FOR_EACH_(HM_ABI_FIELD_, Type, __VA_ARGS__)};                                 \
    static constexpr size_t field_count = sizeof(fields) / sizeof(fields[0]);                \
    static constexpr uint32_t size = sizeof(Type);                                           \
    static constexpr uint32_t align = alignof(Type);                                         \
    static constexpr ::hailmary::abi::meta::Text name() {                                    \
      return ::hailmary::abi::struct_text(Name, fields, field_count, size, align);           \
    }                                                                                        \
  };                                                                                         \
  static_assert(__is_trivially_copyable(Type),                                               \
                "HM_STRUCT(" #Type                                                           \
                "): the type must be trivially copyable: it crosses the "                    \
                "boundary as bytes");                                                        \
  static_assert(                                                                             \
      ::hailmary::abi::check_layout(::hailmary::abi::AbiOf<Type>::fields,                    \
                                    ::hailmary::abi::AbiOf<Type>::field_count, sizeof(Type)) \
          .offsets_ok,                                                                       \
      "HM_STRUCT(" #Type                                                                     \
      "): field offsets differ from the wasm32 C layout: list "                              \
      "every field in declaration order");                                                   \
  static_assert(                                                                             \
      ::hailmary::abi::check_layout(::hailmary::abi::AbiOf<Type>::fields,                    \
                                    ::hailmary::abi::AbiOf<Type>::field_count, sizeof(Type)) \
          .size_ok,                                                                          \
      "HM_STRUCT(" #Type                                                                     \
      "): sizeof differs from the wasm32 C layout: a field is "                              \
      "missing from the list")

/// HM_STRUCT(Type, fields...): HM_STRUCT_AS with the type's spelling as its contract name.
#define HM_STRUCT(Type, ...) HM_STRUCT_AS(Type, #Type, __VA_ARGS__)

/// Declares a handle type (usually an incomplete tag type on the host) and the guest export
/// that destroys it, `void destroy(Handle<T>)` or `HailMaryError destroy(Handle<T>)`.
#define HM_HANDLE(Type, DestroyExport)                    \
  template <>                                             \
  struct hailmary::abi::HandleInfo<Type> {                \
    static constexpr const char* name = #Type;            \
    static constexpr const char* destroy = DestroyExport; \
  }

// ---------------------------------------------------------------------------------------------
// Results with an error code

/// A scalar result or an error code, as a `repr(C)` struct returned through a return area:
/// {T value; HailMaryError error;}. The host's call returns Result<T>.
template <class T>
struct Fallible {
  static_assert(Described<T> && (WasmScalar<T> || kind_of<T> == Kind::Handle),
                "Fallible<T>: T must be a scalar, bool or Handle<U>");
  T value{};
  HailMaryError error = HailMaryError::Success;
};

template <class T>
struct AbiOf<Fallible<T>> {
  static constexpr Kind kind = Kind::Fallible;
  using value_type = T;
  static constexpr uint32_t size = sizeof(Fallible<T>);
  static constexpr uint32_t align = alignof(Fallible<T>);
  static constexpr meta::Text name() {
    return meta::Text("result<").append(AbiOf<T>::name()).append(">");
  }
};

/// The seed's result struct: 12 bytes on wasm32 (ptr at +0, len at +4, error at +8). Every
/// string or byte result travels in one, so every such export can report an error.
struct StringResult {
  Ptr<char> ptr;
  uint32_t len = 0;
  HailMaryError error = HailMaryError::Success;
};

}  // namespace hailmary::abi

HM_STRUCT_AS(hailmary::abi::StringResult, "StringResult", ptr, len, error);
static_assert(sizeof(hailmary::abi::StringResult) == 12, "StringResult is 12 bytes on wasm32");
