// environ_sizes_get / environ_get: nothing unless granted, "KEY=VALUE" strings in order, EFAULT.
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiEnviron : public WasiTest {};

TEST_F(WasiEnviron, NoneByDefault) {
  ::setenv("HM_WASI_UNIT_SECRET", "host-only", 1);  // the host's environment never leaks
  ASSERT_TRUE(start("environ"));
  put_u32(0, 0xdeadbeef);
  put_u32(4, 0xdeadbeef);
  EXPECT_EQ(call("environ_sizes_get", {I(0), I(4)}), kSuccess);
  EXPECT_EQ(u32(0), 0u);
  EXPECT_EQ(u32(4), 0u);
}

TEST_F(WasiEnviron, SizesAndContents) {
  wasi::WasiConfig config;
  config.set_env("A", "1").set_env("PATH_LIKE", "x=y:z").set_env("EMPTY", "");
  ASSERT_TRUE(start("environ", std::move(config)));
  ASSERT_EQ(call("environ_sizes_get", {I(0), I(4)}), kSuccess);
  EXPECT_EQ(u32(0), 3u);
  const std::string expected("A=1\0PATH_LIKE=x=y:z\0EMPTY=\0", 4 + 16 + 7);
  EXPECT_EQ(u32(4), expected.size());
  ASSERT_EQ(call("environ_get", {I(0x100), I(0x200)}), kSuccess);
  EXPECT_EQ(u32(0x100), 0x200u);
  EXPECT_EQ(u32(0x104), 0x204u);
  EXPECT_EQ(u32(0x108), 0x214u);
  EXPECT_EQ(str(0x200, static_cast<uint32_t>(expected.size())), expected);
}

TEST_F(WasiEnviron, FaultOnBadPointers) {
  wasi::WasiConfig config;
  config.set_env("K", "V");
  ASSERT_TRUE(start("environ", std::move(config)));
  EXPECT_EQ(call("environ_sizes_get", {I(kPage - 3), I(0)}), kFault);
  EXPECT_EQ(call("environ_sizes_get", {I(0), I(0xFFFFFFFF)}), kFault);
  EXPECT_EQ(call("environ_get", {I(kPage - 2), I(0x200)}), kFault);
  EXPECT_EQ(call("environ_get", {I(0x100), I(kPage - 3)}), kFault);  // "K=V\0" is 4 bytes
  EXPECT_EQ(call("environ_get", {I(0x100), I(0xFFFFFFFF)}), kFault);
  EXPECT_EQ(call("environ_get", {I(0x100), I(kPage - 4)}), kSuccess);
  EXPECT_EQ(str(kPage - 4, 4), std::string("K=V\0", 4));
}

}  // namespace
}  // namespace hm_wasi_test
