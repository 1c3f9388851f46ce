// random_get: fills exactly the requested bytes, with different bytes each time; EFAULT when
// the range does not fit (including ptr + len wrapping past 2^32).
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiRandom : public WasiTest {};

TEST_F(WasiRandom, FillsExactlyTheBuffer) {
  ASSERT_TRUE(start("random"));
  std::memset(mem() + 0x100, 0, 0x100);
  ASSERT_EQ(call("random_get", {I(0x140), I(64)}), kSuccess);
  std::string first = str(0x140, 64);
  EXPECT_NE(first, std::string(64, '\0'));
  for (uint32_t i = 0x100; i < 0x140; ++i) EXPECT_EQ(mem()[i], 0) << i;
  for (uint32_t i = 0x180; i < 0x200; ++i) EXPECT_EQ(mem()[i], 0) << i;
  ASSERT_EQ(call("random_get", {I(0x140), I(64)}), kSuccess);
  EXPECT_NE(str(0x140, 64), first);
}

TEST_F(WasiRandom, ZeroLengthAndWholeMemory) {
  ASSERT_TRUE(start("random"));
  mem()[kPage - 1] = 0x5A;
  EXPECT_EQ(call("random_get", {I(kPage), I(0)}), kSuccess);
  EXPECT_EQ(call("random_get", {I(0), I(kPage)}), kSuccess);
}

TEST_F(WasiRandom, Fault) {
  ASSERT_TRUE(start("random"));
  EXPECT_EQ(call("random_get", {I(kPage - 8), I(9)}), kFault);
  EXPECT_EQ(call("random_get", {I(kPage + 1), I(0)}), kFault);
  EXPECT_EQ(call("random_get", {I(0xFFFFFFF0), I(0x20)}), kFault);  // wraps in 32 bits
  EXPECT_EQ(call("random_get", {I(16), I(0xFFFFFFFF)}), kFault);
}

}  // namespace
}  // namespace hm_wasi_test
