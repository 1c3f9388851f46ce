// Shared by tests/unit/test_runtime*.cpp: loading the modules in this directory (compiled to
// .wasm at build time, see tests/CMakeLists.txt) and checking call outcomes.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "hailmary/hailmary.hpp"

namespace hailmary::test {

/// Where the build put the .wasm files; empty when wat2wasm was not found.
#ifdef HM_TEST_WASM_DIR
inline constexpr std::string_view kWasmDir = HM_TEST_WASM_DIR;
#else
inline constexpr std::string_view kWasmDir = {};
#endif

inline std::filesystem::path wasm_path(std::string_view name) {
  return std::filesystem::path(kWasmDir) / (std::string(name) + ".wasm");
}

/// Defines `Module var` from wat/<name>.wat, or skips the test when the modules were not built.
/// Only for use in a TEST body (it may return).
#define HM_LOAD_MODULE(var, engine, name)                                                       \
  if (::hailmary::test::kWasmDir.empty())                                                       \
    GTEST_SKIP() << "wat2wasm was not found when configuring; test modules not built";          \
  auto var##_loaded = ::hailmary::Module::from_file(engine, ::hailmary::test::wasm_path(name)); \
  ASSERT_TRUE(var##_loaded.ok()) << var##_loaded.error();                                       \
  ::hailmary::Module var = *var##_loaded

/// Calls export `name` of `instance`; a missing export is a Usage error.
inline Result<std::vector<Value>> call(const Instance& instance, std::string_view name,
                                       std::vector<Value> args = {}) {
  auto f = instance.get_func(name);
  if (!f) return Error(ErrorKind::Usage, "no exported function " + std::string(name));
  return f->call(args);
}

/// Success with exactly `expected` (types and bits).
inline ::testing::AssertionResult returns(const Result<std::vector<Value>>& r,
                                          const std::vector<Value>& expected) {
  if (!r) return ::testing::AssertionFailure() << "failed: " << r.error();
  if (*r == expected) return ::testing::AssertionSuccess();
  auto fail = ::testing::AssertionFailure() << "returned (";
  for (const Value& v : *r) fail << to_string(v) << " ";
  fail << "), expected (";
  for (const Value& v : expected) fail << to_string(v) << " ";
  return fail << ")";
}

/// Failure with ErrorKind::Trap of kind `kind`.
template <class T>
::testing::AssertionResult traps(const Result<T>& r, TrapKind kind) {
  if (r) return ::testing::AssertionFailure() << "succeeded, expected trap " << trap_message(kind);
  const Error& e = r.error();
  if (e.kind() != ErrorKind::Trap || e.trap_kind() != kind)
    return ::testing::AssertionFailure()
           << "failed with " << e << ", expected trap " << trap_message(kind);
  return ::testing::AssertionSuccess();
}

/// Failure with `kind` (any trap kind).
template <class T>
::testing::AssertionResult fails_with(const Result<T>& r, ErrorKind kind) {
  if (r) return ::testing::AssertionFailure() << "succeeded, expected " << error_kind_name(kind);
  if (r.error().kind() != kind)
    return ::testing::AssertionFailure()
           << "failed with " << r.error() << ", expected " << error_kind_name(kind);
  return ::testing::AssertionSuccess();
}

/// A function name list of a backtrace, innermost first.
inline std::vector<std::string> frame_names(const Error& e) {
  std::vector<std::string> out;
  for (const Frame& f : e.backtrace()) out.push_back(f.func_name);
  return out;
}

inline Value i32(int32_t v) {
  return Value::i32(v);
}
inline Value i64(int64_t v) {
  return Value::i64(v);
}

}  // namespace hailmary::test
