// The benchmark guest: add(i32, i32), a call into the host, and a string echo, built with the
// SDK (freestanding) so the numbers include exactly what a real guest does.
#include <hailmary/guest.hpp>

using namespace hailmary::guest;

HM_IMPORT("env", "host_inc", host_inc, int32_t(int32_t));

HM_EXPORT(add, [](int32_t a, int32_t b) -> int32_t { return a + b; });
/// Calls the host n times; the benchmark divides by n.
HM_EXPORT(call_host_n, [](int32_t n) -> int32_t {
  int32_t acc = 0;
  for (int32_t i = 0; i < n; ++i) acc = host_inc(acc);
  return acc;
});
HM_EXPORT(echo, [](Str s) -> String { return String(s); });
