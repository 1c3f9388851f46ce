// args_sizes_get / args_get: nothing by default, exact sizes and NUL-terminated contents, and
// EFAULT for every pointer that does not fit in memory.
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiArgs : public WasiTest {};

TEST_F(WasiArgs, NoneByDefault) {
  ASSERT_TRUE(start("args"));
  put_u32(0, 0xdeadbeef);
  put_u32(4, 0xdeadbeef);
  EXPECT_EQ(call("args_sizes_get", {I(0), I(4)}), kSuccess);
  EXPECT_EQ(u32(0), 0u);
  EXPECT_EQ(u32(4), 0u);
}

TEST_F(WasiArgs, SizesAndContents) {
  wasi::WasiConfig config;
  config.arg("prog").arg("a b").arg("").arg("\xc3\xbc");
  ASSERT_TRUE(start("args", std::move(config)));
  ASSERT_EQ(call("args_sizes_get", {I(0), I(4)}), kSuccess);
  EXPECT_EQ(u32(0), 4u);
  EXPECT_EQ(u32(4), 5u + 4u + 1u + 3u);  // each with its NUL
  std::memset(mem() + 0x200, 0xAA, 32);
  ASSERT_EQ(call("args_get", {I(0x100), I(0x200)}), kSuccess);
  EXPECT_EQ(u32(0x100), 0x200u);
  EXPECT_EQ(u32(0x104), 0x205u);
  EXPECT_EQ(u32(0x108), 0x209u);
  EXPECT_EQ(u32(0x10c), 0x20au);
  EXPECT_EQ(str(0x200, 13), std::string("prog\0a b\0\0\xc3\xbc\0", 13));
  EXPECT_EQ(mem()[0x200 + 13], 0xAA) << "wrote past the buffer";
}

TEST_F(WasiArgs, FaultOnBadPointers) {
  wasi::WasiConfig config;
  config.arg("prog").arg("x");
  ASSERT_TRUE(start("args", std::move(config)));
  EXPECT_EQ(call("args_sizes_get", {I(kPage - 2), I(0)}), kFault);
  EXPECT_EQ(call("args_sizes_get", {I(0), I(kPage)}), kFault);
  EXPECT_EQ(call("args_sizes_get", {I(0xFFFFFFFF), I(0)}), kFault);
  EXPECT_EQ(call("args_sizes_get", {I(kPage - 4), I(kPage - 8)}), kSuccess);
  // argv array (2 pointers = 8 bytes) or the strings (7 bytes) past the end.
  EXPECT_EQ(call("args_get", {I(kPage - 4), I(0x200)}), kFault);
  EXPECT_EQ(call("args_get", {I(0x100), I(kPage - 6)}), kFault);
  EXPECT_EQ(call("args_get", {I(0xFFFFFFFC), I(0x200)}), kFault);
  EXPECT_EQ(call("args_get", {I(0x100), I(0xFFFFFFFE)}), kFault);
  EXPECT_EQ(call("args_get", {I(0x100), I(kPage - 7)}), kSuccess);
  EXPECT_EQ(u32(0x104), kPage - 2);
  EXPECT_EQ(str(kPage - 7, 7), std::string("prog\0x\0", 7));
}

}  // namespace
}  // namespace hm_wasi_test
