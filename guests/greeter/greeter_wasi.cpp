// The greeter's string functions as a wasm32-wasi reactor with libc++: the SDK maps
// std::string_view / std::string exactly like its own freestanding types.
#include <hailmary/guest.hpp>

#include <string>
#include <string_view>

using hailmary::guest::Error;
using hailmary::guest::Result;

HM_EXPORT(greet, [](std::string_view name) -> Result<std::string> {
  if (name.empty()) return Error::InvalidInput;
  return "hello, " + std::string(name);
});
HM_EXPORT(add, [](int32_t a, int32_t b) -> int32_t { return a + b; });
