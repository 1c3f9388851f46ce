// The greeter interface, shared by the guest (greeter.cpp) and its hosts (examples/hello,
// tests/ffi): struct layouts and handle types are declared once and checked on both sides.
#pragma once

#include <hailmary/abi/abi.hpp>

namespace greeter {

struct Point {
  int32_t x;
  int32_t y;
};

struct Stats {
  int64_t count;
  double mean;
  uint32_t flags;
};

struct Counter;  // opaque on the host; defined by the guest

}  // namespace greeter

HM_STRUCT_AS(greeter::Point, "Point", x, y);
HM_STRUCT_AS(greeter::Stats, "Stats", count, mean, flags);
HM_HANDLE(greeter::Counter, "counter_free");
