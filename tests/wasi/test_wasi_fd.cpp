// Descriptors: fd_write/fd_read against embedder buffers, real files through a preopen
// (seek, tell, pread, filestat), preopen discovery, EBADF for bad and closed descriptors,
// EFAULT for iovecs and result pointers out of bounds (also wrapping past 2^32), and a
// read-only preopen refusing writes.
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiFd : public WasiTest {
 protected:
  std::shared_ptr<std::string> out_ = std::make_shared<std::string>();
  std::shared_ptr<std::string> err_ = std::make_shared<std::string>();

  wasi::WasiConfig captured(std::string input = {}) {
    wasi::WasiConfig c;
    c.stdin_stream = wasi::Stdio::input(std::move(input));
    c.stdout_stream = wasi::Stdio::capture(out_);
    c.stderr_stream = wasi::Stdio::capture(err_);
    return c;
  }
  /// path_open relative to `dirfd`; returns errno, the new fd at 0x10.
  int32_t open(uint32_t dirfd, std::string_view path, uint32_t oflags, uint64_t rights,
               uint32_t fdflags = 0) {
    put(0x400, path);
    return call("path_open", {I(dirfd), I(1), I(0x400), I(static_cast<uint32_t>(path.size())),
                              I(oflags), L(rights), L(rights), I(fdflags), I(0x10)});
  }
};

constexpr uint64_t kRead = 1ull << 1, kSeek = 1ull << 2, kTell = 1ull << 5, kWrite = 1ull << 6,
                   kFilestat = 1ull << 21;
constexpr uint64_t kRw = kRead | kSeek | kTell | kWrite | kFilestat;
constexpr uint32_t kCreat = 1, kTrunc = 8;

TEST_F(WasiFd, WriteGathersIntoCaptureBuffers) {
  ASSERT_TRUE(start("fd", captured()));
  put(0x100, "hello, ");
  put(0x200, "world\n");
  iovec(0x20, 0x100, 7);
  iovec(0x28, 0x200, 6);
  iovec(0x30, 0x300, 0);  // empty iovecs are fine
  ASSERT_EQ(call("fd_write", {I(1), I(0x20), I(3), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 13u);
  EXPECT_EQ(*out_, "hello, world\n");
  ASSERT_EQ(call("fd_write", {I(2), I(0x28), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 6u);
  EXPECT_EQ(*err_, "world\n");
  EXPECT_EQ(*out_, "hello, world\n");
  // Writing stdin, reading stdout: EBADF, like a descriptor opened the other way.
  EXPECT_EQ(call("fd_write", {I(0), I(0x20), I(1), I(0x18)}), kBadf);
  EXPECT_EQ(call("fd_read", {I(1), I(0x20), I(1), I(0x18)}), kBadf);
}

TEST_F(WasiFd, ReadScattersFromInputThenEof) {
  ASSERT_TRUE(start("fd", captured("abcdefghij")));
  std::memset(mem() + 0x100, '.', 0x200);
  iovec(0x20, 0x100, 3);
  iovec(0x28, 0x200, 4);
  ASSERT_EQ(call("fd_read", {I(0), I(0x20), I(2), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 7u);
  EXPECT_EQ(str(0x100, 4), "abc.");
  EXPECT_EQ(str(0x200, 5), "defg.");
  ASSERT_EQ(call("fd_read", {I(0), I(0x20), I(2), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 3u);
  EXPECT_EQ(str(0x100, 3), "hij");
  ASSERT_EQ(call("fd_read", {I(0), I(0x20), I(2), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 0u) << "EOF";
}

TEST_F(WasiFd, NullStreamsByDefault) {
  ASSERT_TRUE(start("fd"));
  put(0x100, "discarded");
  iovec(0x20, 0x100, 9);
  ASSERT_EQ(call("fd_write", {I(1), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 9u);
  ASSERT_EQ(call("fd_read", {I(0), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 0u);
}

TEST_F(WasiFd, BadDescriptors) {
  ASSERT_TRUE(start("fd", captured()));
  iovec(0x20, 0x100, 1);
  for (uint32_t fd : {3u, 99u, 0xFFFFFFFFu}) {
    EXPECT_EQ(call("fd_write", {I(fd), I(0x20), I(1), I(0x18)}), kBadf) << fd;
    EXPECT_EQ(call("fd_read", {I(fd), I(0x20), I(1), I(0x18)}), kBadf) << fd;
    EXPECT_EQ(call("fd_close", {I(fd)}), kBadf) << fd;
    EXPECT_EQ(call("fd_fdstat_get", {I(fd), I(0x40)}), kBadf) << fd;
    EXPECT_EQ(call("fd_prestat_get", {I(fd), I(0x40)}), kBadf) << fd;
  }
  EXPECT_EQ(call("fd_prestat_get", {I(1), I(0x40)}), kBadf) << "stdout is not a preopen";
  ASSERT_EQ(call("fd_close", {I(1)}), kSuccess);
  EXPECT_EQ(call("fd_write", {I(1), I(0x20), I(1), I(0x18)}), kBadf) << "closed";
  EXPECT_EQ(call("fd_close", {I(1)}), kBadf) << "closed twice";
  EXPECT_EQ(call("fd_renumber", {I(2), I(1)}), kBadf) << "renumber onto a closed fd";
}

TEST_F(WasiFd, FaultOnBadPointers) {
  ASSERT_TRUE(start("fd", captured()));
  put(0x100, "x");
  iovec(0x20, 0x100, 1);
  // The iovec array itself out of bounds, or its byte size wrapping in 32 bits.
  EXPECT_EQ(call("fd_write", {I(1), I(kPage - 4), I(1), I(0x18)}), kFault);
  EXPECT_EQ(call("fd_write", {I(1), I(0x20), I(0x20000000), I(0x18)}), kFault);
  EXPECT_EQ(call("fd_write", {I(1), I(0xFFFFFFF8), I(1), I(0x18)}), kFault);
  // A buffer past the end, or ptr + len wrapping past 2^32.
  iovec(0x40, kPage - 1, 2);
  EXPECT_EQ(call("fd_write", {I(1), I(0x40), I(1), I(0x18)}), kFault);
  iovec(0x40, 0xFFFFFFF0, 0x20);
  EXPECT_EQ(call("fd_write", {I(1), I(0x40), I(1), I(0x18)}), kFault);
  iovec(0x40, 0x10, 0xFFFFFFFF);
  EXPECT_EQ(call("fd_write", {I(1), I(0x40), I(1), I(0x18)}), kFault);
  EXPECT_EQ(call("fd_read", {I(0), I(0x40), I(1), I(0x18)}), kFault);
  // The result pointer.
  EXPECT_EQ(call("fd_write", {I(1), I(0x20), I(1), I(kPage - 3)}), kFault);
  EXPECT_EQ(call("fd_write", {I(1), I(0x20), I(1), I(0xFFFFFFFE)}), kFault);
  EXPECT_EQ(call("fd_fdstat_get", {I(1), I(kPage - 8)}), kFault);
  EXPECT_EQ(*out_, "") << "nothing written by a faulting call";
  // A buffer ending exactly at the end of memory is fine.
  mem()[kPage - 1] = '!';
  iovec(0x40, kPage - 1, 1);
  ASSERT_EQ(call("fd_write", {I(1), I(0x40), I(1), I(kPage - 4)}), kSuccess);
  EXPECT_EQ(u32(kPage - 4), 1u);
  EXPECT_EQ(*out_, "!");
}

TEST_F(WasiFd, PreopenDiscovery) {
  TempDir dir;
  auto config = captured();
  config.preopen(dir.path, "/sandbox");
  ASSERT_TRUE(start("fd", std::move(config)));
  ASSERT_EQ(call("fd_prestat_get", {I(3), I(0x40)}), kSuccess);
  EXPECT_EQ(mem()[0x40], 0) << "preopentype dir";
  EXPECT_EQ(u32(0x44), 8u);
  EXPECT_EQ(call("fd_prestat_dir_name", {I(3), I(0x100), I(7)}), 37) << "ENAMETOOLONG";
  ASSERT_EQ(call("fd_prestat_dir_name", {I(3), I(0x100), I(8)}), kSuccess);
  EXPECT_EQ(str(0x100, 8), "/sandbox");
  EXPECT_EQ(call("fd_prestat_dir_name", {I(3), I(kPage - 4), I(8)}), kFault);
  EXPECT_EQ(call("fd_prestat_get", {I(4), I(0x40)}), kBadf);
  // Writing to a directory descriptor.
  iovec(0x20, 0x100, 1);
  EXPECT_EQ(call("fd_write", {I(3), I(0x20), I(1), I(0x18)}), kBadf);
}

TEST_F(WasiFd, FileReadWriteSeekTell) {
  TempDir dir;
  auto config = captured();
  config.preopen(dir.path, "/sandbox");
  ASSERT_TRUE(start("fd", std::move(config)));
  ASSERT_EQ(open(3, "f.txt", kCreat | kTrunc, kRw), kSuccess);
  uint32_t fd = u32(0x10);
  EXPECT_EQ(fd, 4u);
  put(0x100, "0123456789");
  iovec(0x20, 0x100, 10);
  ASSERT_EQ(call("fd_write", {I(fd), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 10u);
  EXPECT_EQ(read_file(dir.path / "f.txt"), "0123456789");
  ASSERT_EQ(call("fd_tell", {I(fd), I(0x30)}), kSuccess);
  EXPECT_EQ(u64(0x30), 10u);
  ASSERT_EQ(call("fd_seek", {I(fd), L(static_cast<uint64_t>(-4)), I(2), I(0x30)}), kSuccess);
  EXPECT_EQ(u64(0x30), 6u);
  iovec(0x20, 0x200, 16);
  ASSERT_EQ(call("fd_read", {I(fd), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 4u);
  EXPECT_EQ(str(0x200, 4), "6789");
  EXPECT_EQ(call("fd_seek", {I(fd), L(0), I(3), I(0x30)}), kInval) << "bad whence";
  EXPECT_EQ(call("fd_seek", {I(fd), L(0), I(0), I(kPage - 4)}), kFault);
  ASSERT_EQ(call("fd_pread", {I(fd), I(0x20), I(1), L(2), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 8u);
  EXPECT_EQ(str(0x200, 8), "23456789");
  ASSERT_EQ(call("fd_filestat_get", {I(fd), I(0x300)}), kSuccess);
  EXPECT_EQ(mem()[0x300 + 16], 4) << "regular file";
  EXPECT_EQ(u64(0x300 + 32), 10u) << "size";
  ASSERT_EQ(call("fd_renumber", {I(fd), I(1)}), kSuccess);
  EXPECT_EQ(call("fd_close", {I(fd)}), kBadf) << "renumber closes the source";
  iovec(0x20, 0x100, 3);
  ASSERT_EQ(call("fd_write", {I(1), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(read_file(dir.path / "f.txt"), "0123456789012");
  EXPECT_EQ(*out_, "") << "fd 1 is the file now";
  EXPECT_EQ(call("fd_close", {I(1)}), kSuccess);
}

TEST_F(WasiFd, ReadOnlyPreopenRefusesWrites) {
  TempDir dir;
  write_file(dir.path / "readme.txt", "read me");
  auto config = captured();
  config.preopen(dir.path, "/ro", /*read_only=*/true);
  ASSERT_TRUE(start("fd", std::move(config)));
  EXPECT_EQ(open(3, "new.txt", kCreat, kRw), kNotcapable);
  EXPECT_EQ(open(3, "readme.txt", kTrunc, kRw), kNotcapable);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "new.txt"));
  // Opening with write rights yields a descriptor without them.
  ASSERT_EQ(open(3, "readme.txt", 0, kRw), kSuccess);
  uint32_t fd = u32(0x10);
  put(0x100, "XX");
  iovec(0x20, 0x100, 2);
  EXPECT_EQ(call("fd_write", {I(fd), I(0x20), I(1), I(0x18)}), kBadf);
  iovec(0x20, 0x200, 16);
  ASSERT_EQ(call("fd_read", {I(fd), I(0x20), I(1), I(0x18)}), kSuccess);
  EXPECT_EQ(str(0x200, u32(0x18)), "read me");
  EXPECT_EQ(read_file(dir.path / "readme.txt"), "read me");
}

}  // namespace
}  // namespace hm_wasi_test
