// Harness for the WASI unit tests: instantiates one tiny module per concern (tests/wasi/wat/,
// built by wat2wasm) whose exports are the WASI imports themselves, so each test calls a host
// function with raw guest pointers and checks the errno and the bytes it left in memory.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "hailmary/wasi.hpp"

namespace hm_wasi_test {

using namespace hailmary;

/// preview1 errno values the tests expect
/// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#errno).
enum : int32_t {
  kSuccess = 0,
  kBadf = 8,
  kExist = 20,
  kFault = 21,
  kInval = 28,
  kIsdir = 31,
  kLoop = 32,
  kNoent = 44,
  kNosys = 52,
  kNotdir = 54,
  kNotempty = 55,
  kNotsup = 58,
  kPerm = 63,
  kNotcapable = 76,
};

inline constexpr uint32_t kPage = 65536;

inline Value I(uint32_t v) {
  return Value::i32(static_cast<int32_t>(v));
}
inline Value L(uint64_t v) {
  return Value::i64(static_cast<int64_t>(v));
}

/// A fresh temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hm-wasi-unit-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline void write_file(const std::filesystem::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class WasiTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef HM_WASI_WAT_DIR
    GTEST_SKIP() << "wat2wasm not found at configure time";
#endif
  }

  /// Instantiates wat/<name>.wat against WASI made from `config`. Use as
  /// ASSERT_TRUE(start("fd", config)).
  ::testing::AssertionResult start(const std::string& name, wasi::WasiConfig config = {}) {
#ifdef HM_WASI_WAT_DIR
    auto module = Module::from_file(engine_, std::string(HM_WASI_WAT_DIR) + "/" + name + ".wasm");
    if (!module) return ::testing::AssertionFailure() << module.error().to_string();
    auto ctx = wasi::make_context(std::move(config));
    if (!ctx) return ::testing::AssertionFailure() << ctx.error().to_string();
    ctx_ = *ctx;
    if (auto r = wasi::add_to_linker(linker_, ctx_); !r) {
      return ::testing::AssertionFailure() << r.error().to_string();
    }
    auto inst = linker_.instantiate(*module);
    if (!inst) return ::testing::AssertionFailure() << inst.error().to_string();
    instance_ = std::move(*inst);
    memory_ = *instance_->get_memory("memory");
    return ::testing::AssertionSuccess();
#else
    (void)name;
    (void)config;
    return ::testing::AssertionFailure() << "no wasm modules";
#endif
  }

  /// Calls export `fn`; the full result (an Error for traps and proc_exit).
  Result<std::vector<Value>> invoke(const std::string& fn, const std::vector<Value>& args) {
    auto f = instance_->get_func(fn);
    if (!f) return Error(ErrorKind::Link, "no export " + fn);
    return f->call(args);
  }
  /// Calls a WASI function and returns its errno (-1 if the call itself failed).
  int32_t call(const std::string& fn, const std::vector<Value>& args) {
    auto r = invoke(fn, args);
    if (!r) {
      ADD_FAILURE() << fn << ": " << r.error().to_string();
      return -1;
    }
    if (r->size() != 1) {
      ADD_FAILURE() << fn << " returned " << r->size() << " values";
      return -1;
    }
    return (*r)[0].i32();
  }

  uint8_t* mem() {
    return memory_.data();
  }
  uint32_t u32(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, mem() + at, 4);
    return v;
  }
  uint64_t u64(uint32_t at) {
    uint64_t v;
    std::memcpy(&v, mem() + at, 8);
    return v;
  }
  uint16_t u16(uint32_t at) {
    uint16_t v;
    std::memcpy(&v, mem() + at, 2);
    return v;
  }
  void put_u32(uint32_t at, uint32_t v) {
    std::memcpy(mem() + at, &v, 4);
  }
  void put_u64(uint32_t at, uint64_t v) {
    std::memcpy(mem() + at, &v, 8);
  }
  void put(uint32_t at, std::string_view s) {
    std::memcpy(mem() + at, s.data(), s.size());
  }
  std::string str(uint32_t at, uint32_t len) {
    return std::string(reinterpret_cast<const char*>(mem() + at), len);
  }
  /// One iovec {buf, len} at `at`.
  void iovec(uint32_t at, uint32_t buf, uint32_t len) {
    put_u32(at, buf);
    put_u32(at + 4, len);
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{store_};
  std::shared_ptr<wasi::WasiContext> ctx_;
  std::optional<Instance> instance_;
  Memory memory_;
};

}  // namespace hm_wasi_test
