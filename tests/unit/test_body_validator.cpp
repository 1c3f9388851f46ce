// The pure validator (BodyMode::Validate) and the compiler (BodyMode::Compile) run the same
// validation code; this checks they agree, body by body, on every module we have: the runtime
// tests' modules and every binary module of the converted spec suite.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "binary/decoder.hpp"
#include "execution/code.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary::detail {
namespace {

namespace fs = std::filesystem;

/// Returns how many bodies were compared.
size_t compare_bodies(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  ModuleData m;
  m.bytes.assign(std::istreambuf_iterator<char>(in), {});
  if (!decode_module(m) || !validate_module_level(m)) return 0;
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    auto validated = validate_function(m, i);
    auto compiled = compile_function(m, i);
    EXPECT_EQ(validated.ok(), compiled.ok()) << file << " body " << i;
    if (!validated.ok() && !compiled.ok()) {
      EXPECT_EQ(validated.error().kind(), compiled.error().kind()) << file << " body " << i;
      EXPECT_EQ(validated.error().offset(), compiled.error().offset()) << file << " body " << i;
    }
  }
  return m.bodies.size();
}

size_t compare_folder(const fs::path& dir) {
  size_t bodies = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".wasm") bodies += compare_bodies(e.path());
  }
  return bodies;
}

TEST(BodyValidator, AgreesWithCompilerOnSpecModules) {
  fs::path dir = HM_SPEC_JSON_DIR;
  if (!fs::is_directory(dir)) GTEST_SKIP() << "skipped: no converted spec suite at " << dir;
  EXPECT_GT(compare_folder(dir), 1000u);
}

TEST(BodyValidator, AgreesWithCompilerOnRuntimeTestModules) {
#ifdef HM_TEST_WASM_DIR
  EXPECT_GT(compare_folder(HM_TEST_WASM_DIR), 10u);
#else
  GTEST_SKIP() << "skipped: wat2wasm was not found";
#endif
}

}  // namespace
}  // namespace hailmary::detail
