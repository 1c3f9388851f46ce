// A C++ guest built with the Hail Mary SDK (freestanding wasm32): strings in and out, structs,
// handles with generation counters, error codes, and calls back into the host.
#include <hailmary/guest.hpp>

#include "greeter_api.hpp"

using namespace hailmary::guest;
using greeter::Point;
using greeter::Stats;

namespace greeter {
struct Counter {
  int32_t value;
};
}  // namespace greeter
using greeter::Counter;

namespace {
HandleTable<Counter, 64> counters;
}

HM_IMPORT("env", "log", host_log, void(Str));
HM_IMPORT("env", "twice", host_twice, int32_t(int32_t));
HM_IMPORT("env", "decorate", host_decorate, String(Str));

HM_EXPORT(hello, []() -> String { return String("hello, world"); });

HM_EXPORT(greet, [](Str name) -> Result<String> {
  if (name.empty()) return Error::InvalidInput;
  String s("hello, ");
  if (!s.append(name)) return Error::AllocationFailed;
  return s;
});

HM_EXPORT(echo, [](Str s) -> String { return String(s); });
HM_EXPORT(echo_bytes, [](Bytes b) -> Bytes { return b; });  // the SDK copies the result
HM_EXPORT(byte_sum, [](Bytes b) -> uint64_t {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < b.len; ++i) sum += b.ptr[i];
  return sum;
});

HM_EXPORT(add, [](int32_t a, int32_t b) -> int32_t { return a + b; });
HM_EXPORT(mix, [](int64_t a, float b, double c, bool d) -> double {
  return static_cast<double>(a) + b + c + (d ? 1 : 0);
});

HM_EXPORT(point_add, [](Point a, Point b) -> Point { return {a.x + b.x, a.y + b.y}; });
HM_EXPORT(stats_of, [](int32_t a, int32_t b) -> Stats {
  return {2, (static_cast<double>(a) + b) / 2, 7};
});

HM_EXPORT(counter_new, [](int32_t start) { return counters.create(Counter{start}); });
HM_EXPORT(counter_increment, [](Handle<Counter> h) -> Result<int32_t> {
  Counter* c = counters.get(h);
  if (c == nullptr) return Error::InvalidHandle;
  return ++c->value;
});
HM_EXPORT(counter_free, [](Handle<Counter> h) { return counters.destroy(h); });
HM_EXPORT(counter_count, []() -> uint32_t { return counters.size(); });

HM_EXPORT(check, [](int32_t v) -> Result<void> {
  if (v < 0) return Error::InvalidInput;
  return {};
});
HM_EXPORT(user_error, []() -> HailMaryError { return static_cast<HailMaryError>(1004); });

HM_EXPORT(log_twice, [](Str msg) -> int32_t {
  host_log(msg);
  return host_twice(21);
});
HM_EXPORT(call_twice, [](int32_t x) -> int32_t { return host_twice(x); });
HM_EXPORT(decorate, [](Str s) -> Result<String> {
  Result<String> r = host_decorate(s);
  if (!r.ok()) return r.error();
  return static_cast<String&&>(r.value());
});
