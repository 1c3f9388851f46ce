// Paths: everything stays beneath its preopen. `..`, absolute paths and symlinks (planted by
// the host or by the guest) that lead out answer ENOTCAPABLE; absolute symlink targets EPERM;
// directory create/remove, unlink, rename, readlink and filestat inside work; EFAULT for path
// pointers out of bounds or wrapping past 2^32.
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kRead = 1ull << 1;
constexpr uint32_t kFollow = 1, kCreat = 1, kDirectory = 2, kExcl = 4;

class WasiPath : public WasiTest {
 protected:
  // <tmp>/sandbox is the preopen (fd 3); <tmp>/outside/secret.txt must stay unreachable.
  TempDir root_;
  fs::path sandbox_ = root_.path / "sandbox";
  fs::path outside_ = root_.path / "outside";

  void SetUp() override {
    WasiTest::SetUp();
    if (IsSkipped()) return;
    fs::create_directories(sandbox_ / "sub");
    fs::create_directories(outside_);
    write_file(sandbox_ / "sub" / "file.txt", "inside");
    write_file(outside_ / "secret.txt", "secret");
    fs::create_directory_symlink("../outside", sandbox_ / "up");
    fs::create_directory_symlink(outside_, sandbox_ / "abs");
    fs::create_symlink("sub/../../outside/secret.txt", sandbox_ / "sneaky");
    fs::create_symlink("sub/file.txt", sandbox_ / "inner");
    fs::create_symlink("loop", sandbox_ / "loop");
    wasi::WasiConfig config;
    config.preopen(sandbox_, "/sandbox");
    ASSERT_TRUE(start("path", std::move(config)));
  }

  /// Puts `path` at 0x400 and returns its (ptr, len) arguments.
  std::vector<Value> p(std::string_view path, uint32_t at = 0x400) {
    put(at, path);
    return {I(at), I(static_cast<uint32_t>(path.size()))};
  }
  int32_t open(std::string_view path, uint32_t lookup = kFollow, uint32_t oflags = 0) {
    auto a = p(path);
    int32_t e = call("path_open",
                     {I(3), I(lookup), a[0], a[1], I(oflags), L(kRead), L(kRead), I(0), I(0x10)});
    if (e == kSuccess) {
      EXPECT_EQ(call("fd_close", {I(u32(0x10))}), kSuccess);
    }
    return e;
  }
  int32_t stat(std::string_view path, uint32_t lookup = kFollow) {
    auto a = p(path);
    return call("path_filestat_get", {I(3), I(lookup), a[0], a[1], I(0x100)});
  }
};

TEST_F(WasiPath, InsideWorks) {
  EXPECT_EQ(open("sub/file.txt"), kSuccess);
  EXPECT_EQ(open("sub/../sub/file.txt"), kSuccess);
  EXPECT_EQ(open("./sub//file.txt"), kSuccess);
  EXPECT_EQ(open("inner"), kSuccess) << "a link that stays inside";
  EXPECT_EQ(open("sub/missing"), kNoent);
  EXPECT_EQ(open("sub/file.txt", kFollow, kDirectory), kNotdir);
  ASSERT_EQ(stat("sub/file.txt"), kSuccess);
  EXPECT_EQ(mem()[0x100 + 16], 4) << "regular file";
  EXPECT_EQ(u64(0x100 + 32), 6u) << "size";
}

TEST_F(WasiPath, DotDotAndAbsoluteEscapes) {
  EXPECT_EQ(open("../outside/secret.txt"), kNotcapable);
  EXPECT_EQ(open("sub/../../outside/secret.txt"), kNotcapable);
  EXPECT_EQ(open(".."), kNotcapable);
  EXPECT_EQ(open("/etc/passwd"), kNotcapable);
  EXPECT_EQ(open(outside_.string() + "/secret.txt"), kNotcapable);
  EXPECT_EQ(stat(".."), kNotcapable);
  auto a = p("../made");
  EXPECT_EQ(call("path_create_directory", {I(3), a[0], a[1]}), kNotcapable);
  EXPECT_FALSE(fs::exists(root_.path / "made"));
}

TEST_F(WasiPath, SymlinksOutAreRefused) {
  EXPECT_EQ(open("up/secret.txt"), kNotcapable);
  EXPECT_EQ(open("abs/secret.txt"), kNotcapable);
  EXPECT_EQ(open("sneaky"), kNotcapable);
  EXPECT_EQ(open("up", kFollow, kDirectory), kNotcapable);
  EXPECT_EQ(open("loop"), kLoop);
  EXPECT_EQ(stat("up"), kNotcapable) << "following the link";
  EXPECT_EQ(stat("up", 0), kSuccess) << "the link itself is visible";
  EXPECT_EQ(mem()[0x100 + 16], 7) << "symlink";
  // Creating or removing through a link that leads out.
  auto a = p("up/new.txt");
  EXPECT_EQ(call("path_open",
                 {I(3), I(kFollow), a[0], a[1], I(kCreat | kExcl), L(kRead), L(0), I(0), I(0x10)}),
            kNotcapable);
  a = p("up/secret.txt");
  EXPECT_EQ(call("path_unlink_file", {I(3), a[0], a[1]}), kNotcapable);
  EXPECT_FALSE(fs::exists(outside_ / "new.txt"));
  EXPECT_TRUE(fs::exists(outside_ / "secret.txt"));
}

TEST_F(WasiPath, GuestPlantedLinks) {
  auto target = p("/etc", 0x400);
  auto link = p("evil", 0x500);
  EXPECT_EQ(call("path_symlink", {target[0], target[1], I(3), link[0], link[1]}), kPerm)
      << "absolute targets are refused";
  target = p("../outside", 0x400);
  ASSERT_EQ(call("path_symlink", {target[0], target[1], I(3), link[0], link[1]}), kSuccess)
      << "a dangling-looking relative link may be created";
  EXPECT_TRUE(fs::is_symlink(sandbox_ / "evil"));
  EXPECT_EQ(open("evil/secret.txt"), kNotcapable) << "but never followed out";
  // readlink shows the text; the buffer is not NUL-terminated.
  auto l = p("evil");
  std::memset(mem() + 0x200, '#', 16);
  ASSERT_EQ(call("path_readlink", {I(3), l[0], l[1], I(0x200), I(16), I(0x18)}), kSuccess);
  EXPECT_EQ(u32(0x18), 10u);
  EXPECT_EQ(str(0x200, 11), "../outside#");
  ASSERT_EQ(call("path_unlink_file", {I(3), l[0], l[1]}), kSuccess);
  EXPECT_FALSE(fs::exists(fs::symlink_status(sandbox_ / "evil")));
}

TEST_F(WasiPath, DirectoriesUnlinkRename) {
  auto d = p("d", 0x600);
  ASSERT_EQ(call("path_create_directory", {I(3), d[0], d[1]}), kSuccess);
  EXPECT_TRUE(fs::is_directory(sandbox_ / "d"));
  EXPECT_EQ(call("path_create_directory", {I(3), d[0], d[1]}), kExist);
  write_file(sandbox_ / "d" / "x", "x");
  EXPECT_EQ(call("path_remove_directory", {I(3), d[0], d[1]}), kNotempty);
  auto from = p("d/x", 0x400);
  auto to = p("y", 0x500);
  ASSERT_EQ(call("path_rename", {I(3), from[0], from[1], I(3), to[0], to[1]}), kSuccess);
  EXPECT_EQ(read_file(sandbox_ / "y"), "x");
  to = p("../stolen", 0x500);
  from = p("y", 0x400);
  EXPECT_EQ(call("path_rename", {I(3), from[0], from[1], I(3), to[0], to[1]}), kNotcapable);
  EXPECT_FALSE(fs::exists(root_.path / "stolen"));
  ASSERT_EQ(call("path_remove_directory", {I(3), d[0], d[1]}), kSuccess);
  EXPECT_FALSE(fs::exists(sandbox_ / "d"));
  auto y = p("y");
  EXPECT_EQ(call("path_remove_directory", {I(3), y[0], y[1]}), kNotdir);
  ASSERT_EQ(call("path_unlink_file", {I(3), y[0], y[1]}), kSuccess);
  EXPECT_EQ(call("path_unlink_file", {I(3), y[0], y[1]}), kNoent);
}

TEST_F(WasiPath, BadDescriptorsAndPointers) {
  auto a = p("sub/file.txt");
  EXPECT_EQ(call("path_open", {I(9), I(0), a[0], a[1], I(0), L(kRead), L(0), I(0), I(0x10)}),
            kBadf);
  EXPECT_EQ(call("path_create_directory", {I(1), a[0], a[1]}), kNotdir);
  // The path past the end of memory, or ptr + len wrapping past 2^32.
  EXPECT_EQ(
      call("path_open", {I(3), I(0), I(kPage - 4), I(12), I(0), L(kRead), L(0), I(0), I(0x10)}),
      kFault);
  EXPECT_EQ(
      call("path_open", {I(3), I(0), I(0xFFFFFFF0), I(0x20), I(0), L(kRead), L(0), I(0), I(0x10)}),
      kFault);
  EXPECT_EQ(call("path_filestat_get", {I(3), I(0), a[0], a[1], I(kPage - 32)}), kFault);
  EXPECT_EQ(call("path_open", {I(3), I(0), a[0], a[1], I(0), L(kRead), L(0), I(0), I(kPage)}),
            kFault);
  EXPECT_EQ(call("path_unlink_file", {I(3), I(0x10), I(0xFFFFFFFF)}), kFault);
}

}  // namespace
}  // namespace hm_wasi_test
