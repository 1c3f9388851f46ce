// The FFI benchmark guest (freestanding, built with the SDK): calls with 0, 2 and 8 arguments in
// both directions, and string and byte echoes. Hail Mary (bench/ffi_bench.cpp) and Node
// (bench/node/ffi.mjs) run this same module, so both measure the same guest code.
#include <hailmary/guest.hpp>

using namespace hailmary::guest;

HM_IMPORT("env", "host0", host0, int32_t());
HM_IMPORT("env", "host2", host2, int32_t(int32_t, int32_t));
HM_IMPORT("env", "host8", host8,
          int32_t(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t));

// Host -> guest: the call is what is timed, the bodies are as small as they can be.
HM_EXPORT(call0, []() -> int32_t { return 42; });
HM_EXPORT(add2, [](int32_t a, int32_t b) -> int32_t { return a + b; });
HM_EXPORT(add8,
          [](int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
             int32_t h) -> int32_t { return a + b + c + d + e + f + g + h; });

// Guest -> host: n calls of an import each; the benchmark divides by n.
HM_EXPORT(call_host0_n, [](int32_t n) -> int32_t {
  int32_t acc = 0;
  for (int32_t i = 0; i < n; ++i) acc += host0();
  return acc;
});
HM_EXPORT(call_host2_n, [](int32_t n) -> int32_t {
  int32_t acc = 0;
  for (int32_t i = 0; i < n; ++i) acc = host2(acc, i);
  return acc;
});
HM_EXPORT(call_host8_n, [](int32_t n) -> int32_t {
  int32_t acc = 0;
  for (int32_t i = 0; i < n; ++i) acc = host8(acc, i, 1, 2, 3, 4, 5, 6);
  return acc;
});

// Round trips: the argument is copied into a fresh guest allocation returned to the host.
HM_EXPORT(echo_string, [](Str s) -> String { return String(s); });
HM_EXPORT(echo_bytes, [](Bytes b) -> Bytes { return b; });
