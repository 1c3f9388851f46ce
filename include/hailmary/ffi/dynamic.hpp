// Calls whose signature is known only at run time: the contract text of an export ("(string,
// i32)->result<i32>", as the guest SDK records it or a user types it) parsed into a DynSignature
// and called through the same lowering, allocator protocol and checks as TypedFunc. For tools
// (`hailmary call`) and bindings to dynamic languages; C++ hosts should use TypedFunc.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hailmary/abi/types.hpp"
#include "hailmary/ffi/context.hpp"
#include "hailmary/value.hpp"

namespace hailmary::ffi {

/// One field of a struct named in contract text ("x:i32@0").
struct DynField {
  std::string name;
  std::string type;  ///< i8 u8 i16 u16 i32 u32 i64 u64 f32 f64 bool char status ptr handle
  uint32_t offset = 0;
  uint32_t size = 0;
};

/// One ABI type named in contract text.
struct DynType {
  abi::Kind kind = abi::Kind::Void;
  std::string text;               ///< its contract text, canonical ("handle<Counter>")
  ValType val = ValType::I32;     ///< Scalar/Bool/Status/Handle: the core type it lowers to
  bool is_unsigned = false;       ///< u32/u64 (printing only)
  std::vector<DynField> fields;   ///< Struct; Fallible: {value, error}
  uint32_t size = 0, align = 1;   ///< Struct/Fallible: the return area
  std::vector<DynType> elements;  ///< Tuple elements; Fallible: its value type
};

/// A parsed signature: parameter and result types, the contract text and the core type.
struct DynSignature {
  std::vector<DynType> params;
  DynType result;

  /// Canonical contract text, e.g. "(string,i32)->result<i32>".
  std::string text() const;
  /// The core wasm type it lowers to (see abi/lowering.hpp).
  FuncType lowered() const;
  /// Whether the result comes back through a return area.
  bool sret() const;
};

/// Parses contract text; whitespace between tokens is ignored ("(string) -> string").
Result<DynSignature> parse_signature(std::string_view text);

/// A value crossing the boundary: a core value (scalars, bool, status, handle, a Fallible's
/// value), text (string), bytes, or several core values (struct fields in order, tuples).
using DynValue =
    std::variant<std::monostate, Value, std::string, std::vector<uint8_t>, std::vector<Value>>;

/// A guest export called by a run-time signature. Obtain from Guest::dynamic_func.
class DynamicFunc {
 public:
  DynamicFunc() = default;
  DynamicFunc(Func func, std::shared_ptr<detail::GuestContext> ctx, std::string name,
              DynSignature sig, Func release, ReleaseShape shape, std::string release_name)
      : func_(func),
        ctx_(std::move(ctx)),
        name_(std::move(name)),
        sig_(std::move(sig)),
        release_(release),
        shape_(shape),
        release_name_(std::move(release_name)) {}

  const DynSignature& signature() const noexcept { return sig_; }
  const std::string& name() const noexcept { return name_; }

  /// Calls the export. Each argument must hold what its parameter type expects: Value of the
  /// lowered core type for scalars/bool/status/handles, std::string for strings,
  /// std::vector<uint8_t> for bytes, std::vector<Value> (one per field) for structs. The
  /// result is monostate for void/status, and otherwise by the same rules (a tuple is a
  /// std::vector<Value>; a Fallible's value is a Value). Guest error codes become Errors.
  Result<DynValue> operator()(std::span<const DynValue> args) const;

 private:
  Func func_;
  std::shared_ptr<detail::GuestContext> ctx_;
  std::string name_;
  DynSignature sig_;
  Func release_;
  ReleaseShape shape_ = ReleaseShape::None;
  std::string release_name_;
};

}  // namespace hailmary::ffi
