// Module API: import/export types, custom sections, function names, and load failures.
#include <gtest/gtest.h>

#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;
constexpr ValType F32 = ValType::F32;
constexpr ValType F64 = ValType::F64;

TEST(ModuleApi, ImportTypes) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "module_api");
  auto imports = module.imports();
  ASSERT_EQ(imports.size(), 4u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "log");
  EXPECT_EQ(imports[0].type.kind, ExternKind::Func);
  EXPECT_EQ(imports[0].type.func, (FuncType{{I32, I64}, {F32}}));
  EXPECT_EQ(imports[1].name, "tab");
  EXPECT_EQ(imports[1].type.kind, ExternKind::Table);
  EXPECT_EQ(imports[1].type.table, (TableType{ValType::FuncRef, Limits{1, 8}}));
  EXPECT_EQ(imports[2].name, "mem");
  EXPECT_EQ(imports[2].type.kind, ExternKind::Memory);
  EXPECT_EQ(imports[2].type.memory, (MemoryType{Limits{1, 4}}));
  EXPECT_EQ(imports[3].name, "g");
  EXPECT_EQ(imports[3].type.kind, ExternKind::Global);
  EXPECT_EQ(imports[3].type.global, (GlobalType{F64, false}));
}

TEST(ModuleApi, ExportTypes) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "module_api");
  auto exports = module.exports();
  ASSERT_EQ(exports.size(), 6u);
  std::vector<std::string> names;
  for (const auto& e : exports) names.push_back(e.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"first", "second", "mg", "t", "imported_mem", "log_again"}));
  EXPECT_EQ(exports[0].type.kind, ExternKind::Func);
  EXPECT_EQ(exports[0].type.func, (FuncType{{F64}, {I32, I64}}));
  EXPECT_EQ(exports[1].type.func, (FuncType{{}, {}}));
  EXPECT_EQ(exports[2].type.kind, ExternKind::Global);
  EXPECT_EQ(exports[2].type.global, (GlobalType{I64, true}));
  EXPECT_EQ(exports[3].type.kind, ExternKind::Table);
  EXPECT_EQ(exports[3].type.table, (TableType{ValType::ExternRef, Limits{3, std::nullopt}}));
  // Re-exported imports have the imported type.
  EXPECT_EQ(exports[4].type.kind, ExternKind::Memory);
  EXPECT_EQ(exports[4].type.memory, (MemoryType{Limits{1, 4}}));
  EXPECT_EQ(exports[5].type.func, (FuncType{{I32, I64}, {F32}}));

  auto first = module.export_type("first");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type.func, exports[0].type.func);
  EXPECT_FALSE(module.export_type("nope"));
}

TEST(ModuleApi, NameSectionAndFunctionNames) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "module_api");
  auto names = module.custom_sections("name");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_FALSE(names[0].empty());
  EXPECT_TRUE(module.custom_sections("no such section").empty());
  bool listed = false;
  for (const CustomSection& c : module.custom_sections())
    if (c.name == "name")
      listed = c.bytes.data() == names[0].data() && c.bytes.size() == names[0].size();
  EXPECT_TRUE(listed);

  // Imported functions come first in the index space.
  EXPECT_EQ(module.function_name(0), "log");
  EXPECT_EQ(module.function_name(1), "first");
  EXPECT_EQ(module.function_name(2), "second");
  EXPECT_EQ(module.function_name(3), "");
  EXPECT_EQ(module.function_name(0xffffffff), "");
}

TEST(ModuleApi, InstanceExportsMatchTheModule) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "provider");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto exports = instance->exports();
  auto types = module.exports();
  ASSERT_EQ(exports.size(), types.size());
  for (size_t i = 0; i < exports.size(); ++i) {
    EXPECT_EQ(exports[i].name, types[i].name);
    EXPECT_EQ(exports[i].value.kind(), types[i].type.kind) << types[i].name;
  }
  EXPECT_EQ(instance->module().exports().size(), types.size());
  EXPECT_FALSE(instance->get_export("nope"));
}

TEST(ModuleApi, FromFileMissingIsAnIoErrorNamingThePath) {
  Engine engine;
  const std::string path = "/nonexistent/dir/hailmary-no-such-module.wasm";
  auto r = Module::from_file(engine, path);
  ASSERT_TRUE(fails_with(r, ErrorKind::Io));
  EXPECT_NE(r.error().message().find(path), std::string::npos) << r.error();
}

TEST(ModuleApi, FromBytesGarbageIsMalformedWithAnOffset) {
  Engine engine;
  const std::vector<uint8_t> garbage = {'n', 'o', 't', ' ', 'w', 'a', 's', 'm', '!'};
  auto r = Module::from_bytes(engine, garbage);
  ASSERT_TRUE(fails_with(r, ErrorKind::Malformed));
  ASSERT_TRUE(r.error().offset().has_value()) << r.error();
  EXPECT_EQ(*r.error().offset(), 0u);

  EXPECT_TRUE(fails_with(Module::from_bytes(engine, std::vector<uint8_t>{}), ErrorKind::Malformed));

  // A good header, then an unknown section id at byte 8.
  const std::vector<uint8_t> bad_section = {0x00, 0x61, 0x73, 0x6d, 0x01,
                                            0x00, 0x00, 0x00, 0x2a, 0x00};
  auto s = Module::from_bytes(engine, bad_section);
  ASSERT_TRUE(fails_with(s, ErrorKind::Malformed));
  ASSERT_TRUE(s.error().offset().has_value()) << s.error();
  EXPECT_EQ(*s.error().offset(), 8u);

  // The header alone is a valid, empty module.
  auto empty = Module::from_bytes(
      engine, std::vector<uint8_t>(bad_section.begin(), bad_section.begin() + 8));
  ASSERT_TRUE(empty.ok()) << empty.error();
  EXPECT_TRUE(empty->imports().empty());
  EXPECT_TRUE(empty->exports().empty());
}

TEST(ModuleApi, FromFileOfGarbageIsMalformedAndNamesThePath) {
  Engine engine;
  const auto path = std::filesystem::temp_directory_path() /
                    ("hailmary-unit-garbage-" + std::to_string(::getpid()) + ".wasm");
  {
    std::ofstream out(path, std::ios::binary);
    out << "(module)";  // text, not a binary module
  }
  auto r = Module::from_file(engine, path);
  std::filesystem::remove(path);
  ASSERT_TRUE(fails_with(r, ErrorKind::Malformed));
  EXPECT_TRUE(r.error().offset().has_value()) << r.error();
  EXPECT_NE(r.error().message().find(path.string()), std::string::npos) << r.error();
}

// The translator zeroes only the declared locals that may be read before a write; every other
// local's frame slot keeps whatever an earlier call left there. wat/locals.wat dirties the
// slots first, then reads locals on paths that skip their writes.
TEST(ModuleApi, DeclaredLocalsReadBeforeWriteAreZero) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "locals");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto i32 = [](int32_t v) { return Value::i32(v); };
  auto i64 = [](int64_t v) { return Value::i64(v); };
  EXPECT_TRUE(returns(call(*instance, "if_then_only", {i32(0)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "if_then_only", {i32(1)}), {i64(7)}));
  EXPECT_TRUE(returns(call(*instance, "both_arms", {i32(0)}), {i64(9)}));
  EXPECT_TRUE(returns(call(*instance, "both_arms", {i32(1)}), {i64(7)}));
  EXPECT_TRUE(returns(call(*instance, "br_if_skips", {i32(1)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "br_if_skips", {i32(0)}), {i64(5)}));
  EXPECT_TRUE(returns(call(*instance, "br_table_skips", {i32(1)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "br_table_skips", {i32(0)}), {i64(3)}));
  EXPECT_TRUE(returns(call(*instance, "loop_sum", {i32(10)}), {i64(55)}));
  EXPECT_TRUE(returns(call(*instance, "loop_late_write", {i32(1)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "loop_late_write", {i32(3)}), {i64(20)}));
  EXPECT_TRUE(returns(call(*instance, "far_local", {i32(0)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "far_local", {i32(1)}), {i64(1)}));
  EXPECT_TRUE(returns(call(*instance, "straight", {i32(42)}), {i64(42)}));
}

// wat/fused.wat is written in the shapes the translator turns into single instructions
// (switch on a loaded byte or a looked-up index, byte-flag branches, 64-bit counted loops,
// runs of copies, wraps and reinterprets that emit nothing): every path and the fused loads' traps.
TEST(ModuleApi, FusedInstructionsComputeWhatTheirPartsWould) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "fused");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto i32 = [](int32_t v) { return Value::i32(v); };
  auto i64 = [](int64_t v) { return Value::i64(v); };
  const std::pair<int32_t, int32_t> bytes[] = {{0, 20}, {1, 99}, {2, 10}, {3, 99}, {4, 30}};
  for (auto [p, want] : bytes)
    EXPECT_TRUE(returns(call(*instance, "switch_byte", {i32(p)}), {i32(want)})) << p;
  EXPECT_TRUE(traps(call(*instance, "switch_byte", {i32(70000)}), TrapKind::MemoryOutOfBounds));
  const std::pair<int32_t, int32_t> masked[] = {{0, 999}, {3, 999}, {4, 100}, {5, 200}};
  for (auto [p, want] : masked)
    EXPECT_TRUE(returns(call(*instance, "switch_masked_byte", {i32(p)}), {i32(want)})) << p;
  EXPECT_TRUE(
      traps(call(*instance, "switch_masked_byte", {i32(65536)}), TrapKind::MemoryOutOfBounds));
  const std::pair<int32_t, int32_t> looked_up[] = {
      {0, 2000}, {1, 1000}, {2, 3000}, {3, 3000}, {5, 1000}};
  for (auto [x, want] : looked_up)
    EXPECT_TRUE(returns(call(*instance, "switch_lookup", {i32(x)}), {i32(want)})) << x;
  EXPECT_TRUE(returns(call(*instance, "count_flags", {i32(0), i32(5)}), {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "count_flags", {i32(1), i32(3)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "count_flags", {i32(0), i32(0)}), {i32(0)}));
  EXPECT_TRUE(
      traps(call(*instance, "count_flags", {i32(65530), i32(65540)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "flag_or", {i32(65), i32(7), i32(8)}), {i32(7)}));
  EXPECT_TRUE(returns(call(*instance, "flag_or", {i32(64), i32(7), i32(8)}), {i32(8)}));
  EXPECT_TRUE(
      traps(call(*instance, "flag_or", {i32(70000), i32(7), i32(8)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "byte_is_3", {i32(4)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "byte_is_3", {i32(0)}), {i32(0)}));
  EXPECT_TRUE(traps(call(*instance, "byte_is_3", {i32(65536)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "byte_not_3", {i32(4)}), {i32(0)}));
  EXPECT_TRUE(returns(call(*instance, "byte_not_3", {i32(5)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "first_byte_not_2", {i32(0)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "first_byte_not_2", {i32(2)}), {i32(2)}));
  EXPECT_TRUE(returns(call(*instance, "skip_nonzero", {i32(32768)}), {i32(32773)}));
  EXPECT_TRUE(returns(call(*instance, "skip_twos", {i32(32768)}), {i32(32772)}));
  EXPECT_TRUE(traps(call(*instance, "skip_twos", {i32(65535)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "trailing_ones", {i32(7)}), {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "trailing_ones", {i32(11)}), {i32(2)}));
  EXPECT_TRUE(returns(call(*instance, "trailing_zeros", {i32(8)}), {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "steps_to_low_byte", {i32(0x105), i32(2)}), {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "equal_bytes", {i32(0x05050505), i32(5)}), {i32(4)}));
  EXPECT_TRUE(returns(call(*instance, "sum64", {i64(0), i64(10)}), {i64(45)}));
  EXPECT_TRUE(returns(call(*instance, "sum64", {i64(5), i64(5)}), {i64(0)}));
  EXPECT_TRUE(returns(call(*instance, "sum64", {i64(-3), i64(3)}), {i64(-3)}));
  EXPECT_TRUE(returns(call(*instance, "sum64", {i64(0x100000000), i64(0x100000003)}),
                      {i64(3 * 0x100000000LL + 3)}));
  EXPECT_TRUE(returns(call(*instance, "sum64_to_10", {i64(0)}), {i64(45)}));
  EXPECT_TRUE(returns(call(*instance, "sum64_to_10", {i64(7)}), {i64(24)}));
  EXPECT_TRUE(returns(call(*instance, "stride64", {i64(4), i64(3), i64(10)}),
                      {i64((int64_t{3} << 32) + 13)}));
  EXPECT_TRUE(returns(call(*instance, "stride64", {i64(4), i64(30), i64(10)}),
                      {i64((int64_t{1} << 32) + 34)}));
  // j wraps past 2^64 to a small value <= n: the loop goes on.
  EXPECT_TRUE(returns(call(*instance, "stride64", {i64(-2), i64(3), i64(10)}),
                      {i64((int64_t{5} << 32) + 13)}));
  EXPECT_TRUE(returns(call(*instance, "stride32", {i32(0), i32(5), i32(12)}), {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "stride32", {i32(0), i32(5), i32(-12)}), {i32(1)}));
  // The sum wraps negative: still below n = -0x7fffffe0 for two steps.
  EXPECT_TRUE(returns(call(*instance, "stride32",
                           {i32(0x7ffffff8), i32(16), i32(static_cast<int32_t>(0x80000020))}),
                      {i32(3)}));
  EXPECT_TRUE(returns(call(*instance, "sum_is", {i32(2), i32(3), i32(5)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "sum_is", {i32(2), i32(3), i32(6)}), {i32(0)}));
  EXPECT_TRUE(returns(call(*instance, "sum_is", {i32(-1), i32(1), i32(0)}), {i32(1)}));
  // Table at 16: 2, 1, 0, 5 -> cases 1 (c1), 0 (c0), default, default.
  const std::pair<int32_t, int32_t> kept[] = {{0, 2000}, {1, 1040}, {2, 3080}, {3, 3120}};
  for (auto [x, want] : kept)
    EXPECT_TRUE(returns(call(*instance, "switch_lookup_kept", {i32(x)}), {i32(want)})) << x;
  EXPECT_TRUE(returns(call(*instance, "switch_byte_kept", {i32(0)}), {i32(202)}));
  EXPECT_TRUE(returns(call(*instance, "fib", {i32(1)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "fib", {i32(20)}), {i32(6765)}));
  EXPECT_TRUE(returns(call(*instance, "call_then_set", {i32(4)}), {i32(15)}));
  for (uint32_t x : {0x00000001u, 0x6a09e667u, 0xdeadbeefu, 0x80000000u}) {
    auto u = [](uint32_t v) { return Value::i32(static_cast<int32_t>(v)); };
    EXPECT_TRUE(returns(call(*instance, "rot2", {u(x)}), {u(std::rotl(x, 5) ^ std::rotl(x, 9))}));
    EXPECT_TRUE(returns(call(*instance, "big_sigma", {u(x)}),
                        {u(std::rotl(x, 30) ^ std::rotl(x, 19) ^ std::rotl(x, 10))}));
    EXPECT_TRUE(returns(call(*instance, "small_sigma", {u(x)}),
                        {u(std::rotl(x, 25) ^ std::rotl(x, 14) ^ (x >> 3))}));
  }
  EXPECT_TRUE(returns(call(*instance, "switch_byte_kept", {i32(2)}), {i32(101)}));
  EXPECT_TRUE(returns(call(*instance, "switch_byte_kept", {i32(3)}), {i32(6903)}));
  EXPECT_TRUE(
      traps(call(*instance, "switch_byte_kept", {i32(65536)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "field_add", {i32(0x12345), i32(7)}), {i32(0x230 + 7)}));
  EXPECT_TRUE(returns(call(*instance, "const_args", {i32(6)}), {i32(12345 + 67896)}));
  EXPECT_TRUE(returns(call(*instance, "field_add_kept", {i32(0x12345), i32(7)}),
                      {i32(0x230 + 7), i32(0x1234)}));
  // *(20) = 1 (the table's second entry), *(1 + 4) = bytes 5..8 = 0x44, 0, 0, 0.
  EXPECT_TRUE(returns(call(*instance, "deref2", {i32(20)}), {i32(0x44)}));
  EXPECT_TRUE(returns(call(*instance, "deref2_kept", {i32(20)}), {i32(0x44), i32(1)}));
  EXPECT_TRUE(traps(call(*instance, "deref2", {i32(65534)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "reset_then_branch", {i32(1)}), {i32(1000)}));
  EXPECT_TRUE(returns(call(*instance, "reset_then_branch", {i32(0)}), {i32(105)}));
  // Bytes 0..5: 02 00 01 45 03 44.
  EXPECT_TRUE(returns(call(*instance, "load_sum", {i32(1), i32(1)}), {i32(0x45)}));
  EXPECT_TRUE(returns(call(*instance, "load_sum_kept", {i32(1), i32(1)}), {i32(0x45), i32(2)}));
  EXPECT_TRUE(
      traps(call(*instance, "load_sum", {i32(65535), i32(0)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "load_scaled", {i32(0), i32(1)}), {i32(0x4501)}));
  EXPECT_TRUE(
      returns(call(*instance, "load_scaled_kept", {i32(0), i32(2)}), {i32(0x4403), i32(4)}));
  EXPECT_TRUE(
      traps(call(*instance, "load_scaled", {i32(65534), i32(1)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "mini_vm", {i32(0), i32(3)}), {i32(32)}));
  EXPECT_TRUE(returns(call(*instance, "mini_vm", {i32(1), i32(1)}), {i32(11)}));
  EXPECT_TRUE(returns(call(*instance, "mini_vm", {i32(2), i32(5)}), {i32(0)}));
  {
    // The program at 8192 (words 0x1001, 0, 0xff05, 4, 2), run by a model of fetch_vm.
    const uint32_t program[] = {0x1001, 0, 0xff05, 4, 2};
    const uint32_t base = 7;
    uint32_t acc = 0;
    for (uint32_t i : program) {
      if ((i & 3) == 1) {
        acc += ((i >> 3) & 0xff0) + base;
      } else if ((i & 3) == 0) {
        acc = acc * 3 + 1;
      } else {
        break;
      }
    }
    EXPECT_TRUE(returns(call(*instance, "fetch_vm", {i32(8192), i32(base)}),
                        {i32(static_cast<int32_t>(acc))}));
    // Halts at once on the 2; after the zero word at the end of memory, the fetch (in the
    // fused instruction) is past it.
    EXPECT_TRUE(returns(call(*instance, "fetch_vm", {i32(8192 + 16), i32(base)}), {i32(0)}));
    EXPECT_TRUE(
        traps(call(*instance, "fetch_vm", {i32(65532), i32(0)}), TrapKind::MemoryOutOfBounds));
    EXPECT_TRUE(returns(call(*instance, "fetch_vm_stepped", {i32(8192), i32(base)}),
                        {i32(static_cast<int32_t>(acc))}));
    EXPECT_TRUE(
        returns(call(*instance, "fetch_vm_stepped", {i32(8192 + 16), i32(base)}), {i32(0)}));
    EXPECT_TRUE(traps(call(*instance, "fetch_vm_stepped", {i32(65532), i32(0)}),
                      TrapKind::MemoryOutOfBounds));
    // The same fetch and switch once, outside a loop (FetchDispatchLean).
    EXPECT_TRUE(returns(call(*instance, "fetch_switch", {i32(8192), i32(base)}),
                        {i32(static_cast<int32_t>(((0x1001u >> 3) & 0xff0) + base))}));
    EXPECT_TRUE(returns(call(*instance, "fetch_switch", {i32(8196), i32(base)}), {i32(1000)}));
    EXPECT_TRUE(returns(call(*instance, "fetch_switch", {i32(8208), i32(base)}), {i32(-1)}));
    EXPECT_TRUE(
        traps(call(*instance, "fetch_switch", {i32(65534), i32(0)}), TrapKind::MemoryOutOfBounds));
  }
  // Bytes 0..3: 02 00 01 45 -> i = 0x45010002; (i >> 3) & 0xff0 = 0x000.
  EXPECT_TRUE(returns(call(*instance, "fetch", {i32(0), i32(9)}), {i32(9), i32(0x45010002)}));
  // Bytes 2..5: 01 45 03 44 -> i = 0x44034501; (i >> 3) & 0xff0 = 0x8a0.
  EXPECT_TRUE(
      returns(call(*instance, "fetch", {i32(2), i32(9)}), {i32(0x8a0 + 9), i32(0x44034501)}));
  EXPECT_TRUE(traps(call(*instance, "fetch", {i32(65533), i32(0)}), TrapKind::MemoryOutOfBounds));
  {
    const uint32_t x = 0x80000123u, y = 0x5a5a5a5au;
    const uint32_t r = (x << 7) | (x >> 25), s = x >> 3, t = x << 2;
    const int32_t want = static_cast<int32_t>(t + (s ^ (r ^ y)));
    auto u = [](uint32_t v) { return Value::i32(static_cast<int32_t>(v)); };
    EXPECT_TRUE(returns(call(*instance, "mix", {u(x), u(y)}), {i32(want)}));
    EXPECT_TRUE(returns(call(*instance, "mix_kept", {u(x), u(y)}), {i32(want), u(r), u(s), u(t)}));
  }
  for (int32_t c = 0; c < 2; ++c) {
    const int32_t v = c ? 5 : 6;
    const int32_t want[] = {v + 300, v + 100, v + 200, v + 300};
    for (int32_t x = 0; x < 4; ++x)
      EXPECT_TRUE(returns(call(*instance, "tail_switch", {i32(x + 8), i32(c)}), {i32(want[x])}))
          << x << " " << c;
  }
  for (int32_t c = 0; c < 2; ++c) {
    const int32_t v = c ? 5 : 6;
    for (int32_t x = 3; x < 5; ++x) {
      const int32_t want = x % 2 ? (v + x) * 2 : v + x + 1000;
      EXPECT_TRUE(returns(call(*instance, "tail_with_branch", {i32(x), i32(c)}), {i32(want)}))
          << x << " " << c;
    }
  }
  // prev (u16s at 32768): 0x0201, 0x0202, 0x0005. i = 7, mask 1: prev[1] = 0x0202, & 1 = 0:
  // prev[0] = 0x0201, & 1 = 1: 0x0202 ... never <= 4: 10 steps, ending at 0x0201.
  EXPECT_TRUE(returns(call(*instance, "chain", {i32(7), i32(1), i32(4), i32(32768)}),
                      {i32(10 * 1000 + 0x0201)}));
  // mask 2: prev[2] = 5 (<= 5: done after one step).
  EXPECT_TRUE(
      returns(call(*instance, "chain", {i32(2), i32(2), i32(5), i32(32768)}), {i32(1000 + 5)}));
  EXPECT_TRUE(traps(call(*instance, "chain", {i32(1), i32(1), i32(0), i32(65534)}),
                    TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "field_differs", {i32(0x1234), i32(0x30)}), {i32(0)}));
  EXPECT_TRUE(returns(call(*instance, "field_differs", {i32(0x1234), i32(0x20)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "field_differs_kept", {i32(0x1234), i32(0x30)}), {i32(480)}));
  EXPECT_TRUE(returns(call(*instance, "field_differs_kept", {i32(0x1234), i32(0x20)}), {i32(481)}));
  EXPECT_TRUE(
      returns(call(*instance, "byte_at_sum", {i32(1), i32(2), i32(1)}), {i32(0x03), i32(3)}));
  EXPECT_TRUE(traps(call(*instance, "byte_at_sum", {i32(65535), i32(0), i32(1)}),
                    TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(returns(call(*instance, "reverse4", {i32(1), i32(2), i32(3), i32(4)}),
                      {i32(4), i32(3), i32(2), i32(1)}));
  EXPECT_TRUE(
      returns(call(*instance, "rotate3", {i32(1), i32(2), i32(3)}), {i32(2), i32(3), i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "wrap_add", {i64(0x100000005)}), {i32(6)}));
  EXPECT_TRUE(returns(call(*instance, "wrap_add", {i64(-1)}), {i32(0)}));
  EXPECT_TRUE(returns(call(*instance, "wrap_result", {i64(0x123456789abcdef0)}),
                      {i32(static_cast<int32_t>(0x9abcdef0u))}));
  EXPECT_TRUE(returns(call(*instance, "wrap_eqz", {i64(0x100000000)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "wrap_eqz", {i64(0x100000001)}), {i32(0)}));
  EXPECT_TRUE(returns(
      call(*instance, "wrap_extend", {i64(static_cast<int64_t>(0xffffffff00000007))}), {i64(7)}));
  EXPECT_TRUE(
      returns(call(*instance, "reinterpret_roundtrip", {Value::f64(1.5)}), {Value::f64(1.5)}));
  EXPECT_TRUE(returns(call(*instance, "wrap_global", {i64(0x700000009)}), {i32(9)}));
}

// wat/fused.wat, instantiated: for the tests of one fused form each.
class FusedModule : public ::testing::Test {
 protected:
  void SetUp() override {
    HM_LOAD_MODULE(module, engine_, "fused");
    auto instance = Linker(store_).instantiate(module);
    ASSERT_TRUE(instance.ok()) << instance.error();
    instance_.emplace(std::move(*instance));
  }
  Engine engine_;
  Store store_{engine_};
  std::optional<Instance> instance_;
};

// Each pair of i32 operators that becomes one instruction (HM_I32_PAIRS), with the first
// result as the second operator's left operand and, where it commutes, as its right one.
TEST_F(FusedModule, FusedOperatorPairsComputeWhatTheirPartsWould) {
  const Instance* instance = &*instance_;
  using Op = uint32_t (*)(uint32_t, uint32_t);
  const std::pair<const char*, Op> firsts[] = {
      {"add", [](uint32_t a, uint32_t b) { return a + b; }},
      {"sub", [](uint32_t a, uint32_t b) { return a - b; }},
      {"mul", [](uint32_t a, uint32_t b) { return a * b; }},
      {"and", [](uint32_t a, uint32_t b) { return a & b; }},
      {"or", [](uint32_t a, uint32_t b) { return a | b; }},
      {"xor", [](uint32_t a, uint32_t b) { return a ^ b; }},
      {"shl", [](uint32_t a, uint32_t b) { return a << (b & 31); }},
      {"shr_u", [](uint32_t a, uint32_t b) { return a >> (b & 31); }}};
  const std::pair<const char*, Op> seconds[] = {
      {"add", [](uint32_t a, uint32_t b) { return a + b; }},
      {"sub", [](uint32_t a, uint32_t b) { return a - b; }},
      {"and", [](uint32_t a, uint32_t b) { return a & b; }},
      {"or", [](uint32_t a, uint32_t b) { return a | b; }},
      {"xor", [](uint32_t a, uint32_t b) { return a ^ b; }}};
  const uint32_t triples[][3] = {{0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u},
                                 {0xffffffffu, 37, 0x80000000u},
                                 {5, 3, 1},
                                 {0x12345678u, 0, 0xdeadbeefu}};
  auto u = [](uint32_t v) { return Value::i32(static_cast<int32_t>(v)); };
  for (auto [second, g] : seconds) {
    for (auto [first, f] : firsts) {
      const std::string name = std::string(first) + "_then_" + second;
      const bool commutes = std::string(second) != "sub";
      for (auto [a, b, c] : triples) {
        EXPECT_TRUE(returns(call(*instance, name, {u(a), u(b), u(c)}), {u(g(f(a, b), c))}))
            << name << " " << a << " " << b << " " << c;
        if (commutes) {
          EXPECT_TRUE(
              returns(call(*instance, name + "_rhs", {u(a), u(b), u(c)}), {u(g(c, f(a, b)))}))
              << name << "_rhs";
        }
      }
    }
  }
}

// A store fused with the i32.add after it, and two loop steps in a row.
TEST_F(FusedModule, FusedStoreAndStepInstructionsComputeWhatTheirPartsWould) {
  const Instance* instance = &*instance_;
  auto i32 = [](int32_t v) { return Value::i32(v); };
  auto i64 = [](int64_t v) { return Value::i64(v); };
  struct Case {
    const char* name;
    bool wide;        // the value is an i64
    uint64_t stored;  // what a store of 0x1122334455667788 (or -2) leaves at 1024, 8 bytes
    uint64_t stored_imm;
  };
  const Case cases[] = {{"i32_store", false, 0x55667788u, 0xfffffffeu},
                        {"i64_store", true, 0x1122334455667788u, 0xfffffffffffffffeu},
                        {"i32_store8", false, 0x88u, 0xfeu},
                        {"i32_store16", false, 0x7788u, 0xfffeu},
                        {"i64_store32", true, 0x55667788u, 0xfffffffeu}};
  for (const Case& c : cases) {
    const Value v = c.wide ? i64(0x1122334455667788) : i32(0x55667788);
    const std::string name = c.name;
    EXPECT_TRUE(returns(call(*instance, name + "_then_add", {i32(1024), v, i32(40), i32(2)}),
                        {i32(42), i64(static_cast<int64_t>(c.stored))}))
        << name;
    EXPECT_TRUE(returns(call(*instance, name + "_imm_then_add", {i32(1024), i32(-1), i32(1)}),
                        {i32(0), i64(static_cast<int64_t>(c.stored_imm))}))
        << name;
    EXPECT_TRUE(traps(call(*instance, name + "_then_add", {i32(65536), v, i32(1), i32(2)}),
                      TrapKind::MemoryOutOfBounds))
        << name;
    EXPECT_TRUE(traps(call(*instance, name + "_imm_then_add", {i32(65536), i32(1), i32(2)}),
                      TrapKind::MemoryOutOfBounds))
        << name;
  }
  EXPECT_TRUE(returns(call(*instance, "step_step", {i32(10), i32(0)}), {i32(13), i32(12)}));
  EXPECT_TRUE(returns(call(*instance, "step_step", {i32(-3), i32(7)}), {i32(0), i32(-1)}));
  EXPECT_TRUE(returns(call(*instance, "step_add", {i32(1), i32(2)}), {i32(6), i32(8)}));
  EXPECT_TRUE(returns(call(*instance, "step_add", {i32(-5), i32(-1)}), {i32(0), i32(-1)}));
}

// Loads and stores at constant addresses (static variables): every form, its value, its
// bounds at the end of memory, and an offset that carries the address past 2^32.
TEST_F(FusedModule, ConstantAddressAccessesComputeWhatTheirPartsWould) {
  const Instance* instance = &*instance_;
  auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
  auto i64 = [](int64_t v) { return Value::i64(v); };
  // Bytes at 2048: f0 e1 d2 c3 b4 a5 96 87.
  const std::pair<const char*, Value> loads[] = {
      {"i32_load", i32(0xc3d2e1f0)},
      {"i64_load", i64(static_cast<int64_t>(0x8796a5b4c3d2e1f0))},
      {"i32_load8_s", i32(-16)},
      {"i32_load8_u", i32(0xf0)},
      {"i32_load16_s", i32(-7696)},
      {"i32_load16_u", i32(0xe1f0)},
      {"i64_load8_s", i64(-16)},
      {"i64_load8_u", i64(0xf0)},
      {"i64_load16_s", i64(-7696)},
      {"i64_load16_u", i64(0xe1f0)},
      {"i64_load32_s", i64(static_cast<int32_t>(0xc3d2e1f0u))},
      {"i64_load32_u", i64(0xc3d2e1f0)}};
  for (const auto& [name, want] : loads) {
    const std::string n = std::string("abs_") + name;
    EXPECT_TRUE(returns(call(*instance, n, {}), {want})) << n;
    EXPECT_TRUE(traps(call(*instance, n + "_wrap", {}), TrapKind::MemoryOutOfBounds)) << n;
  }
  struct StoreCase {
    const char* name;
    bool wide;
    uint64_t stored;      // the 8 bytes at 3072 after storing 0x1122334455667788
    uint64_t stored_imm;  // ... after storing -3
    bool fits_at_end;     // a one-byte store at 65535 is in bounds
  };
  const StoreCase stores[] = {{"i32_store", false, 0x55667788u, 0xfffffffdu, false},
                              {"i64_store", true, 0x1122334455667788u, 0xfffffffffffffffdu, false},
                              {"i32_store8", false, 0x88u, 0xfdu, true},
                              {"i32_store16", false, 0x7788u, 0xfffdu, false},
                              {"i64_store32", true, 0x55667788u, 0xfffffffdu, false}};
  for (const StoreCase& c : stores) {
    const std::string n = std::string("abs_") + c.name;
    const Value v = c.wide ? i64(0x1122334455667788) : i32(0x55667788);
    EXPECT_TRUE(returns(call(*instance, n, {v}), {i64(static_cast<int64_t>(c.stored))})) << n;
    EXPECT_TRUE(returns(call(*instance, n + "_imm", {}), {i64(static_cast<int64_t>(c.stored_imm))}))
        << n;
    if (c.fits_at_end) {
      EXPECT_TRUE(returns(call(*instance, n + "_end", {v}), {})) << n;
      EXPECT_TRUE(returns(call(*instance, n + "_imm_end", {}), {})) << n;
    } else {
      EXPECT_TRUE(traps(call(*instance, n + "_end", {v}), TrapKind::MemoryOutOfBounds)) << n;
      EXPECT_TRUE(traps(call(*instance, n + "_imm_end", {}), TrapKind::MemoryOutOfBounds)) << n;
    }
  }
}

// A fused instruction's result added in the same instruction (SHA-2's sigmas, loads), and
// argument copies fused with the call.
TEST_F(FusedModule, FusedAddsAndCallsComputeWhatTheirPartsWould) {
  const Instance* instance = &*instance_;
  auto u = [](uint32_t v) { return Value::i32(static_cast<int32_t>(v)); };
  for (uint32_t x : {0x00000001u, 0x6a09e667u, 0xdeadbeefu}) {
    const uint32_t b = 0x9b05688cu;
    EXPECT_TRUE(returns(call(*instance, "big_sigma_add", {u(x), u(b)}),
                        {u(b + (std::rotl(x, 30) ^ std::rotl(x, 19) ^ std::rotl(x, 10)))}));
    EXPECT_TRUE(returns(call(*instance, "small_sigma_add", {u(x), u(b)}),
                        {u((std::rotl(x, 25) ^ std::rotl(x, 14) ^ (x >> 3)) + b)}));
  }
  // Words at 4096: 100, 20, 3.
  EXPECT_TRUE(returns(call(*instance, "load_then_add", {u(4092), u(5)}), {u(105)}));
  EXPECT_TRUE(returns(call(*instance, "load_then_add_rhs", {u(4096), u(0xffffffffu)}), {u(19)}));
  EXPECT_TRUE(returns(call(*instance, "load_sum_then_add", {u(4092), u(8), u(1)}), {u(4)}));
  EXPECT_TRUE(returns(call(*instance, "load_step_then_add", {u(4088), u(7)}), {u(107)}));
  EXPECT_TRUE(returns(call(*instance, "sum_words", {u(4096), u(3)}), {u(123)}));
  EXPECT_TRUE(returns(call(*instance, "sum_words", {u(4096), u(0)}), {u(0)}));
  EXPECT_TRUE(
      traps(call(*instance, "load_then_add", {u(65530), u(1)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(*instance, "load_sum_then_add", {u(65528), u(4), u(1)}),
                    TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(
      traps(call(*instance, "load_step_then_add", {u(65526), u(1)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(*instance, "sum_words", {u(65532), u(2)}), TrapKind::MemoryOutOfBounds));
  // (b - a) + a, and -b * a, through calls whose arguments are copies of locals.
  EXPECT_TRUE(returns(call(*instance, "pass_two", {u(3), u(10)}), {u(10)}));
  EXPECT_TRUE(returns(call(*instance, "pass_two", {u(7), u(2)}), {u(2)}));
  EXPECT_TRUE(returns(call(*instance, "pass_one", {u(3), u(10)}), {u(static_cast<uint32_t>(-30))}));
}

// Memory to memory through a temporary (a struct field copied), and a struct array's element.
TEST_F(FusedModule, FusedLoadStoreAndScaledIndexComputeWhatTheirPartsWould) {
  const Instance* instance = &*instance_;
  auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
  auto i64 = [](uint64_t v) { return Value::i64(static_cast<int64_t>(v)); };
  // From 2046 + 2 = 2048 (f0 e1 d2 c3 b4 a5 96 87) to 5119 + 1 = 5120.
  const std::pair<const char*, uint64_t> moves[] = {
      {"move_i32", 0xc3d2e1f0u}, {"move_i64", 0x8796a5b4c3d2e1f0u},
      {"move_u8", 0xf0u},        {"move_s8", 0xf0u},
      {"move_u16", 0xe1f0u},     {"move_s16", 0xe1f0u}};
  for (const auto& [name, want] : moves) {
    EXPECT_TRUE(returns(call(*instance, name, {i32(2046), i32(5119)}), {i64(want)})) << name;
    EXPECT_TRUE(traps(call(*instance, name, {i32(65535), i32(5119)}), TrapKind::MemoryOutOfBounds))
        << name;
    EXPECT_TRUE(traps(call(*instance, name, {i32(2046), i32(65535)}), TrapKind::MemoryOutOfBounds))
        << name;
  }
  EXPECT_TRUE(returns(call(*instance, "element", {i32(1000), i32(3)}), {i32(1036)}));
  EXPECT_TRUE(returns(call(*instance, "element_rhs", {i32(1000), i32(-2)}), {i32(976)}));
  EXPECT_TRUE(returns(call(*instance, "element", {i32(0), i32(0x40000000)}), {i32(0)}));
}

}  // namespace
}  // namespace hailmary::test
