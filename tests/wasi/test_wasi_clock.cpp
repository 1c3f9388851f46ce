// clock_res_get / clock_time_get: every preview1 clock, resolution, monotonicity, realtime
// agreeing with the host, EINVAL for unknown clocks and EFAULT for bad pointers.
#include <chrono>

#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiClock : public WasiTest {};

constexpr uint32_t kRealtime = 0, kMonotonic = 1, kProcessCpu = 2, kThreadCpu = 3;

TEST_F(WasiClock, Resolution) {
  ASSERT_TRUE(start("clock"));
  for (uint32_t id : {kRealtime, kMonotonic, kProcessCpu, kThreadCpu}) {
    put_u64(8, 0);
    ASSERT_EQ(call("clock_res_get", {I(id), I(8)}), kSuccess) << "clock " << id;
    EXPECT_GT(u64(8), 0u) << "clock " << id;
    EXPECT_LE(u64(8), 1'000'000'000u) << "clock " << id;
  }
  EXPECT_EQ(call("clock_res_get", {I(4), I(8)}), kInval);
  EXPECT_EQ(call("clock_res_get", {I(0xFFFFFFFF), I(8)}), kInval);
}

TEST_F(WasiClock, MonotonicNeverGoesBack) {
  ASSERT_TRUE(start("clock"));
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(call("clock_time_get", {I(kMonotonic), L(1), I(16)}), kSuccess);
    EXPECT_GE(u64(16), last);
    last = u64(16);
  }
  EXPECT_GT(last, 0u);
}

TEST_F(WasiClock, RealtimeMatchesHost) {
  ASSERT_TRUE(start("clock"));
  auto host = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  ASSERT_EQ(call("clock_time_get", {I(kRealtime), L(0), I(16)}), kSuccess);
  auto guest = static_cast<int64_t>(u64(16));
  EXPECT_LT(std::llabs(guest - host), 5'000'000'000LL);
}

TEST_F(WasiClock, CpuClocksAdvance) {
  ASSERT_TRUE(start("clock"));
  for (uint32_t id : {kProcessCpu, kThreadCpu}) {
    ASSERT_EQ(call("clock_time_get", {I(id), L(0), I(16)}), kSuccess);
    uint64_t before = u64(16);
    volatile uint64_t spin = 0;
    for (int i = 0; i < 5'000'000; ++i) spin = spin + static_cast<uint64_t>(i);
    ASSERT_EQ(call("clock_time_get", {I(id), L(0), I(16)}), kSuccess);
    EXPECT_GT(u64(16), before) << "clock " << id;
  }
}

TEST_F(WasiClock, Errors) {
  ASSERT_TRUE(start("clock"));
  EXPECT_EQ(call("clock_time_get", {I(4), L(0), I(16)}), kInval);
  EXPECT_EQ(call("clock_time_get", {I(kMonotonic), L(0), I(kPage - 4)}), kFault);
  EXPECT_EQ(call("clock_time_get", {I(kMonotonic), L(0), I(0xFFFFFFF8)}), kFault);
  EXPECT_EQ(call("clock_res_get", {I(kMonotonic), I(kPage - 7)}), kFault);
  EXPECT_EQ(call("clock_time_get", {I(kMonotonic), L(0), I(kPage - 8)}), kSuccess);
}

}  // namespace
}  // namespace hm_wasi_test
