// A misbehaving guest built with the SDK: it frees memory it does not own, leaks, and
// returns error codes outside the ABI.
#include <hailmary/guest.hpp>

using namespace hailmary::guest;

// Frees the host's argument buffer; the host frees it again after the call (double free),
// which the SDK allocator turns into a trap.
HM_EXPORT(steal, [](Str s) -> int32_t {
  hail_mary_free(const_cast<char*>(s.ptr), s.len);
  return 0;
});
// Allocates and never frees.
HM_EXPORT(leak, [](Str s) -> int32_t {
  String copy(s);
  (void)copy.release();
  return static_cast<int32_t>(s.len);
});
HM_EXPORT(bad_code, []() -> Result<String> { return static_cast<HailMaryError>(77); });
HM_EXPORT(trap_now, [](int32_t x) -> int32_t {
  if (x > 0) __builtin_trap();
  return x;
});
