// Every TrapKind raised by a real module (wat/traps.wat), backtraces from the name section, the
// instance after a trap, and instantiation failures (start function, active segments).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "hailmary/ffi.hpp"
#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

class TrapTest : public ::testing::Test {
 protected:
  /// Instantiates wat/traps.wat (skips when the test modules were not built).
  void SetUp() override {
    if (kWasmDir.empty()) GTEST_SKIP() << "wat2wasm was not found; test modules not built";
    auto module = Module::from_file(engine_, wasm_path("traps"));
    ASSERT_TRUE(module.ok()) << module.error();
    auto instance = Linker(store_).instantiate(*module);
    ASSERT_TRUE(instance.ok()) << instance.error();
    instance_ = *instance;
  }

  /// The instance still works: a plain call returns the right value.
  void expect_usable() {
    EXPECT_TRUE(returns(call(instance_, "add", {i32(40), i32(2)}), {i32(42)}));
    EXPECT_TRUE(returns(call(instance_, "call_slot", {i32(0)}), {i32(7)}));
  }

  Engine engine_;
  Store store_{engine_};
  Instance instance_;
};

TEST_F(TrapTest, Unreachable) {
  auto r = call(instance_, "unreachable");
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"unreachable"}));
  expect_usable();
}

// Once its body is translated (by its first call), a function that calls nothing runs in the
// leaf interpreter when the host calls it: the same traps, with the same backtrace.
TEST_F(TrapTest, TrapsInLeafCodeThroughTheTypedFfi) {
  auto div = ffi::typed<int32_t(int32_t, int32_t)>(instance_, "div_s");
  auto load = ffi::typed<int32_t(int32_t)>(instance_, "load");
  auto unreachable = ffi::typed<void()>(instance_, "unreachable");
  ASSERT_TRUE(div.ok() && load.ok() && unreachable.ok());
  for (int i = 0; i < 3; ++i) {
    auto r = (*div)(1, 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().trap_kind(), TrapKind::IntegerDivideByZero) << r.error();
    EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"div_s"}));
    auto q = (*div)(-7, 2);
    ASSERT_TRUE(q.ok()) << q.error();
    EXPECT_EQ(*q, -3);

    auto oob = (*load)(70000);
    ASSERT_FALSE(oob.ok());
    EXPECT_EQ(oob.error().trap_kind(), TrapKind::MemoryOutOfBounds) << oob.error();
    EXPECT_EQ(frame_names(oob.error()), (std::vector<std::string>{"load"}));
    auto word = (*load)(65532);
    ASSERT_TRUE(word.ok()) << word.error();

    auto u = (*unreachable)();
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().trap_kind(), TrapKind::Unreachable) << u.error();
    EXPECT_EQ(frame_names(u.error()), (std::vector<std::string>{"unreachable"}));
  }
  expect_usable();
}

TEST_F(TrapTest, BacktraceNamesEveryFrameInnermostFirst) {
  auto r = call(instance_, "nested_unreachable");
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"innermost", "middle", "outer"}));
  ASSERT_EQ(r.error().backtrace().size(), 3u);
  // Function indices: seven=0, inc=1, add=2, unreachable=3, innermost=4, middle=5, outer=6.
  EXPECT_EQ(r.error().backtrace()[0].func_index, 4u);
  EXPECT_EQ(r.error().backtrace()[2].func_index, 6u);
  // The printed form carries the names too.
  EXPECT_NE(r.error().to_string().find("middle"), std::string::npos) << r.error();
  expect_usable();
}

TEST_F(TrapTest, MemoryOutOfBounds) {
  EXPECT_TRUE(returns(call(instance_, "load", {i32(65532)}), {i32(0)}));  // last whole word
  EXPECT_TRUE(traps(call(instance_, "load", {i32(65533)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(instance_, "load", {i32(-1)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(instance_, "store", {i32(65536), i32(1)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(instance_, "load_far", {i32(0)}), TrapKind::MemoryOutOfBounds));
  EXPECT_TRUE(traps(call(instance_, "load_far", {i32(1)}), TrapKind::MemoryOutOfBounds));
  auto r = call(instance_, "load", {i32(70000)});
  ASSERT_TRUE(traps(r, TrapKind::MemoryOutOfBounds));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"load"}));
  expect_usable();
}

TEST_F(TrapTest, TableOutOfBounds) {
  auto null_slot = call(instance_, "table_get", {i32(3)});
  ASSERT_TRUE(null_slot.ok()) << null_slot.error();
  ASSERT_EQ(null_slot->size(), 1u);
  EXPECT_EQ((*null_slot)[0].type(), ValType::FuncRef);
  EXPECT_TRUE((*null_slot)[0].is_null());
  auto set_slot = call(instance_, "table_get", {i32(0)});
  ASSERT_TRUE(set_slot.ok()) << set_slot.error();
  EXPECT_FALSE((*set_slot)[0].is_null());
  EXPECT_TRUE(traps(call(instance_, "table_get", {i32(4)}), TrapKind::TableOutOfBounds));
  expect_usable();
}

TEST_F(TrapTest, IntegerDivideByZero) {
  EXPECT_TRUE(returns(call(instance_, "div_s", {i32(-7), i32(2)}), {i32(-3)}));
  EXPECT_TRUE(traps(call(instance_, "div_s", {i32(1), i32(0)}), TrapKind::IntegerDivideByZero));
  EXPECT_TRUE(traps(call(instance_, "rem_u", {i64(5), i64(0)}), TrapKind::IntegerDivideByZero));
  expect_usable();
}

TEST_F(TrapTest, IntegerOverflow) {
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_TRUE(traps(call(instance_, "div_s", {i32(min), i32(-1)}), TrapKind::IntegerOverflow));
  EXPECT_TRUE(traps(call(instance_, "trunc_f32_s", {Value::f32(3e9f)}), TrapKind::IntegerOverflow));
  EXPECT_TRUE(traps(call(instance_, "trunc_f64_u", {Value::f64(-1.0)}), TrapKind::IntegerOverflow));
  EXPECT_TRUE(returns(call(instance_, "trunc_f32_s", {Value::f32(-2.75f)}), {i32(-2)}));
  expect_usable();
}

TEST_F(TrapTest, InvalidConversion) {
  const float nan_f = std::numeric_limits<float>::quiet_NaN();
  const double nan_d = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(
      traps(call(instance_, "trunc_f32_s", {Value::f32(nan_f)}), TrapKind::InvalidConversion));
  EXPECT_TRUE(
      traps(call(instance_, "trunc_f64_u", {Value::f64(nan_d)}), TrapKind::InvalidConversion));
  expect_usable();
}

TEST_F(TrapTest, IndirectCallFailures) {
  // Slot 4 is past the end of the 4-slot table, slot 2 is null, slot 1 has type (i32) -> i32.
  EXPECT_TRUE(traps(call(instance_, "call_slot", {i32(4)}), TrapKind::UndefinedElement));
  EXPECT_TRUE(traps(call(instance_, "call_slot", {i32(-1)}), TrapKind::UndefinedElement));
  EXPECT_TRUE(traps(call(instance_, "call_slot", {i32(2)}), TrapKind::UninitializedElement));
  auto r = call(instance_, "call_slot", {i32(1)});
  ASSERT_TRUE(traps(r, TrapKind::IndirectCallTypeMismatch));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"call_slot"}));
  expect_usable();
}

TEST_F(TrapTest, InfiniteRecursionExhaustsTheCallStack) {
  auto first = call(instance_, "recurse", {i32(0)});
  ASSERT_TRUE(traps(first, TrapKind::CallStackExhausted));
  const auto& frames = first.error().backtrace();
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.front().func_name, "recurse");
  EXPECT_EQ(frames.back().func_name, "recurse");
  expect_usable();
  // The depth bookkeeping was reset: a second run gets exactly as deep.
  auto second = call(instance_, "recurse", {i32(0)});
  ASSERT_TRUE(traps(second, TrapKind::CallStackExhausted));
  EXPECT_EQ(second.error().backtrace().size(), frames.size());
}

TEST_F(TrapTest, WritesBeforeATrapPersist) {
  auto r = call(instance_, "store_then_trap", {i32(100), i32(static_cast<int32_t>(0xdeadbeef))});
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_TRUE(
      returns(call(instance_, "load", {i32(100)}), {i32(static_cast<int32_t>(0xdeadbeef))}));
  auto mem = instance_.get_memory("mem");
  ASSERT_TRUE(mem);
  uint8_t bytes[4] = {};
  ASSERT_TRUE(mem->read(100, bytes).ok());
  EXPECT_EQ(bytes[0], 0xef);  // little-endian
  EXPECT_EQ(bytes[3], 0xde);
  expect_usable();
}

TEST_F(TrapTest, ManyTrapsInARowLeaveTheStoreUsable) {
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(traps(call(instance_, "nested_unreachable"), TrapKind::Unreachable)) << i;
  }
  expect_usable();
}

// ---- instantiation failures ----

TEST(InstantiateFailure, StartFunctionTrap) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "start_trap");
  auto r = Linker(store).instantiate(module);
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"start"}));
  // The store is fine afterwards.
  HM_LOAD_MODULE(ok_module, engine, "loop");
  auto ok = Linker(store).instantiate(ok_module);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_TRUE(returns(call(*ok, "add", {i32(1), i32(2)}), {i32(3)}));
}

TEST(InstantiateFailure, DataSegmentOutOfBounds) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "data_oob");
  EXPECT_TRUE(traps(Linker(store).instantiate(module), TrapKind::MemoryOutOfBounds));
}

TEST(InstantiateFailure, EarlierDataSegmentsStayWritten) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "data_partial");
  auto mem = Memory::create(store, MemoryType{Limits{1, std::nullopt}});
  ASSERT_TRUE(mem.ok()) << mem.error();
  Linker linker(store);
  linker.define("env", "mem", *mem);
  EXPECT_TRUE(traps(linker.instantiate(module), TrapKind::MemoryOutOfBounds));
  EXPECT_EQ(mem->data()[0], 'o');
  EXPECT_EQ(mem->data()[1], 'k');
  EXPECT_EQ(mem->data()[65535], 0);  // nothing of the segment that did not fit
}

TEST(InstantiateFailure, ElementSegmentOutOfBounds) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "elem_oob");
  EXPECT_TRUE(traps(Linker(store).instantiate(module), TrapKind::TableOutOfBounds));
}

}  // namespace
}  // namespace hailmary::test
