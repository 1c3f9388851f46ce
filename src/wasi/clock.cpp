// clock_res_get, clock_time_get.
#include <time.h>

#include "wasi/clock.hpp"
#include "wasi/context.hpp"

namespace hailmary::detail::wasi {

bool host_clock(uint32_t id, int& out) noexcept {
  switch (id) {
    case 0:
      out = CLOCK_REALTIME;
      return true;
    case 1:
      out = CLOCK_MONOTONIC;
      return true;
    case 2:
      out = CLOCK_PROCESS_CPUTIME_ID;
      return true;
    case 3:
      out = CLOCK_THREAD_CPUTIME_ID;
      return true;
    default:
      return false;
  }
}

bool clock_now(uint32_t id, uint64_t& ns) noexcept {
  int clk = 0;
  timespec ts{};
  if (!host_clock(id, clk) || ::clock_gettime(clk, &ts) != 0) return false;
  ns = static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  return true;
}

namespace {

Errno clock_res_get(Call& c, uint32_t id, uint32_t res_ptr) {
  int clk = 0;
  timespec ts{};
  if (!host_clock(id, clk)) return Errno::Inval;
  if (::clock_getres(clk, &ts) != 0) return last_errno();
  uint64_t ns = static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  return c.mem.store(res_ptr, ns) ? Errno::Success : Errno::Fault;
}

Errno clock_time_get(Call& c, uint32_t id, uint64_t /*precision: a hint*/, uint32_t time_ptr) {
  uint64_t ns = 0;
  if (!clock_now(id, ns)) return Errno::Inval;
  return c.mem.store(time_ptr, ns) ? Errno::Success : Errno::Fault;
}

}  // namespace

void clock_defs(std::vector<HostDef>& out) {
  out.push_back(def<&clock_res_get>("clock_res_get"));
  out.push_back(def<&clock_time_get>("clock_time_get"));
}

}  // namespace hailmary::detail::wasi
