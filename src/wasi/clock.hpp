// Clock helpers shared by clock.cpp and poll.cpp.
#pragma once

#include <cstdint>

namespace hailmary::detail::wasi {

/// The host clock for a preview1 clockid; false for an unknown id.
bool host_clock(uint32_t id, int& out) noexcept;
/// Current time of a preview1 clock in nanoseconds; false for an unknown id.
bool clock_now(uint32_t id, uint64_t& ns) noexcept;

}  // namespace hailmary::detail::wasi
