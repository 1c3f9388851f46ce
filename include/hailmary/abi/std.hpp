// ABI mapping of standard-library types, for the host and for hosted (wasm32-wasi) guests.
// Freestanding guests use the SDK's own view types, which map to the same kinds.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "hailmary/abi/types.hpp"

namespace hailmary::abi {

#define HM_ABI_TEXTUAL_(Type, K, Name)                  \
  template <>                                           \
  struct AbiOf<Type> {                                  \
    static constexpr Kind kind = Kind::K;               \
    static constexpr meta::Text name() { return Name; } \
  }
HM_ABI_TEXTUAL_(std::string_view, String, "string");
HM_ABI_TEXTUAL_(std::string, String, "string");
HM_ABI_TEXTUAL_(std::span<const uint8_t>, Bytes, "bytes");
HM_ABI_TEXTUAL_(std::vector<uint8_t>, Bytes, "bytes");
#undef HM_ABI_TEXTUAL_

/// Multi-value results: a tuple of scalars.
template <class... T>
struct AbiOf<std::tuple<T...>> {
  static_assert((WasmScalar<T> && ...), "std::tuple results may hold scalars only");
  static constexpr Kind kind = Kind::Tuple;
  static constexpr size_t count = sizeof...(T);
  static constexpr WasmVal vals[sizeof...(T) > 0 ? sizeof...(T) : 1] = {wasm_val_of<T>()...};
  static constexpr meta::Text name() {
    meta::Text t("(");
    bool first = true;
    ((t.append(first ? "" : ",").append(AbiOf<T>::name()), first = false), ...);
    (void)first;
    return t.append(")");
  }
};

}  // namespace hailmary::abi
