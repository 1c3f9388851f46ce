// poll_oneoff: a relative clock subscription sleeps at least its timeout and reports its
// userdata; an absolute deadline in the past fires at once; the earliest of two clocks wins;
// readable input reports its byte count without waiting; bad fds and clocks report per-event
// errors; zero subscriptions EINVAL; EFAULT for the arrays.
#include <chrono>

#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

constexpr uint8_t kClock = 0, kFdRead = 1, kFdWrite = 2;
constexpr uint32_t kIn = 0x1000, kOut = 0x2000, kNevents = 0x10;

class WasiPoll : public WasiTest {
 protected:
  void clock_sub(uint32_t i, uint64_t userdata, uint32_t clock, uint64_t timeout_ns,
                 uint16_t flags = 0) {
    uint32_t at = kIn + 48 * i;
    std::memset(mem() + at, 0, 48);
    put_u64(at, userdata);
    mem()[at + 8] = kClock;
    put_u32(at + 16, clock);
    put_u64(at + 24, timeout_ns);
    std::memcpy(mem() + at + 40, &flags, 2);
  }
  void fd_sub(uint32_t i, uint64_t userdata, uint8_t type, uint32_t fd) {
    uint32_t at = kIn + 48 * i;
    std::memset(mem() + at, 0, 48);
    put_u64(at, userdata);
    mem()[at + 8] = type;
    put_u32(at + 16, fd);
  }
  int32_t poll(uint32_t n) { return call("poll_oneoff", {I(kIn), I(kOut), I(n), I(kNevents)}); }
  uint64_t ev_userdata(uint32_t i) { return u64(kOut + 32 * i); }
  uint16_t ev_errno(uint32_t i) { return u16(kOut + 32 * i + 8); }
  uint8_t ev_type(uint32_t i) { return mem()[kOut + 32 * i + 10]; }
  uint64_t ev_nbytes(uint32_t i) { return u64(kOut + 32 * i + 16); }
};

TEST_F(WasiPoll, RelativeClockSleeps) {
  ASSERT_TRUE(start("poll"));
  clock_sub(0, 0x1122334455667788, 1, 20'000'000);  // 20 ms, monotonic
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(poll(1), kSuccess);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(elapsed, std::chrono::milliseconds(19));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ASSERT_EQ(u32(kNevents), 1u);
  EXPECT_EQ(ev_userdata(0), 0x1122334455667788u);
  EXPECT_EQ(ev_errno(0), kSuccess);
  EXPECT_EQ(ev_type(0), kClock);
}

TEST_F(WasiPoll, AbsoluteDeadlineInThePastFiresAtOnce) {
  ASSERT_TRUE(start("poll"));
  clock_sub(0, 7, 1, 1, /*abstime=*/1);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(poll(1), kSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  ASSERT_EQ(u32(kNevents), 1u);
  EXPECT_EQ(ev_userdata(0), 7u);
}

TEST_F(WasiPoll, EarliestClockWins) {
  ASSERT_TRUE(start("poll"));
  clock_sub(0, 1, 1, 10'000'000'000);  // 10 s
  clock_sub(1, 2, 1, 5'000'000);       // 5 ms
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(poll(2), kSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  ASSERT_EQ(u32(kNevents), 1u);
  EXPECT_EQ(ev_userdata(0), 2u);
}

TEST_F(WasiPoll, ReadableInputDoesNotWait) {
  wasi::WasiConfig config;
  config.stdin_stream = wasi::Stdio::input("12345");
  ASSERT_TRUE(start("poll", std::move(config)));
  fd_sub(0, 10, kFdRead, 0);
  clock_sub(1, 11, 1, 10'000'000'000);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(poll(2), kSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  ASSERT_EQ(u32(kNevents), 1u);
  EXPECT_EQ(ev_userdata(0), 10u);
  EXPECT_EQ(ev_type(0), kFdRead);
  EXPECT_EQ(ev_errno(0), kSuccess);
  EXPECT_EQ(ev_nbytes(0), 5u);
}

TEST_F(WasiPoll, PerEventErrors) {
  ASSERT_TRUE(start("poll"));
  fd_sub(0, 20, kFdWrite, 42);
  clock_sub(1, 21, 99, 0);  // no such clock
  ASSERT_EQ(poll(2), kSuccess);
  ASSERT_EQ(u32(kNevents), 2u);
  EXPECT_EQ(ev_userdata(0), 20u);
  EXPECT_EQ(ev_errno(0), kBadf);
  EXPECT_EQ(ev_type(0), kFdWrite);
  EXPECT_EQ(ev_userdata(1), 21u);
  EXPECT_EQ(ev_errno(1), kInval);
}

TEST_F(WasiPoll, InvalidAndFault) {
  ASSERT_TRUE(start("poll"));
  clock_sub(0, 1, 1, 0);
  EXPECT_EQ(poll(0), kInval);
  mem()[kIn + 8] = 9;  // unknown event type
  EXPECT_EQ(poll(1), kInval);
  clock_sub(0, 1, 1, 0);
  EXPECT_EQ(call("poll_oneoff", {I(kPage - 40), I(kOut), I(1), I(kNevents)}), kFault);
  EXPECT_EQ(call("poll_oneoff", {I(kIn), I(kPage - 16), I(1), I(kNevents)}), kFault);
  EXPECT_EQ(call("poll_oneoff", {I(kIn), I(kOut), I(1), I(0xFFFFFFFE)}), kFault);
  // 48 * n wraps in 32 bits for n = 0x5555556: the check must be done in 64 bits.
  EXPECT_EQ(call("poll_oneoff", {I(kIn), I(kOut), I(0x5555556), I(kNevents)}), kFault);
}

}  // namespace
}  // namespace hm_wasi_test
