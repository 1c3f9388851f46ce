// Host functions (untyped and raw) called from wat/host.wat: value round trips, failures,
// re-entrancy, and what a Caller gives access to.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;
constexpr ValType F32 = ValType::F32;
constexpr ValType F64 = ValType::F64;

/// Calls the calling instance's export `name` with n - 1; tracks the nesting depth.
Result<void> reenter(Caller& caller, std::string_view name, int32_t n, int& depth, int& max_depth,
                     std::span<Value> results) {
  auto ext = caller.get_export(name);
  if (!ext || !ext->func()) return Error(ErrorKind::Usage, "no export " + std::string(name));
  ++depth;
  max_depth = std::max(max_depth, depth);
  std::vector<Value> args{Value::i32(n - 1)};
  auto r = ext->func()->call(args);
  --depth;
  if (!r) return std::move(r).error();
  results[0] = (*r)[0];
  return {};
}

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kWasmDir.empty()) GTEST_SKIP() << "wat2wasm was not found; test modules not built";
    auto module = Module::from_file(engine_, wasm_path("host"));
    ASSERT_TRUE(module.ok()) << module.error();

    linker_.func("host", "reverse", FuncType{{I32, I64, F32, F64}, {F64, F32, I64, I32}},
                 [this](Caller&, std::span<const Value> p, std::span<Value> r) -> Result<void> {
                   seen_.assign(p.begin(), p.end());
                   r[0] = p[3];
                   r[1] = p[2];
                   r[2] = p[1];
                   r[3] = p[0];
                   return {};
                 });
    raw_env_ = std::make_shared<int64_t>(100);
    linker_.define("host", "raw_add",
                   Func::host_raw(
                       store_, FuncType{{I64, I64}, {I64}},
                       [](Caller&, uint64_t* slots, void* env) {
                         slots[0] = slots[0] + slots[1] +
                                    static_cast<uint64_t>(*static_cast<int64_t*>(env));
                         return true;
                       },
                       raw_env_));
    linker_.func("host", "fail", FuncType{{I32}, {I32}},
                 [this](Caller&, std::span<const Value> p, std::span<Value>) -> Result<void> {
                   return fail_with_.value_or(
                       Error(ErrorKind::Ffi, "host says no to " + std::to_string(p[0].i32())));
                 });
    linker_.func("host", "reenter", FuncType{{I32}, {I32}},
                 [this](Caller& c, std::span<const Value> p, std::span<Value> r) {
                   return reenter(c, "count", p[0].i32(), depth_, max_depth_, r);
                 });
    linker_.func("host", "reenter_trap", FuncType{{I32}, {I32}},
                 [this](Caller& c, std::span<const Value> p, std::span<Value> r) {
                   return reenter(c, "count_trap", p[0].i32(), depth_, max_depth_, r);
                 });
    linker_.func("host", "swallow", FuncType{{}, {I32}},
                 [this](Caller& c, std::span<const Value>, std::span<Value> r) -> Result<void> {
                   auto inner =
                       c.get_export("count_trap")->func()->call(std::vector<Value>{Value::i32(0)});
                   if (inner) return Error(ErrorKind::Usage, "count_trap(0) did not trap");
                   swallowed_ = inner.error();
                   r[0] = Value::i32(-1);
                   return {};
                 });
    linker_.func("host", "peek", FuncType{{I32}, {I32}},
                 [](Caller& c, std::span<const Value> p, std::span<Value> r) -> Result<void> {
                   auto mem = c.memory();
                   if (!mem) return Error(ErrorKind::Usage, "no memory");
                   uint8_t byte = 0;
                   if (auto ok = mem->read(static_cast<uint32_t>(p[0].i32()), {&byte, 1}); !ok)
                     return ok;
                   r[0] = Value::i32(byte);
                   return {};
                 });
    linker_.func("host", "call_double", FuncType{{I32}, {I32}},
                 [this](Caller& c, std::span<const Value> p, std::span<Value> r) -> Result<void> {
                   missing_export_found_ = c.get_export("no_such_export").has_value();
                   auto f = c.get_export("double");
                   if (!f || !f->func()) return Error(ErrorKind::Usage, "no export double");
                   std::vector<Value> args{p[0]};
                   auto out = f->func()->call(args);
                   if (!out) return std::move(out).error();
                   r[0] = (*out)[0];
                   return {};
                 });
    auto instance = linker_.instantiate(*module);
    ASSERT_TRUE(instance.ok()) << instance.error();
    instance_ = *instance;
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{store_};
  Instance instance_;
  std::vector<Value> seen_;
  std::shared_ptr<int64_t> raw_env_;
  std::optional<Error> fail_with_;
  int depth_ = 0;
  int max_depth_ = 0;
  bool missing_export_found_ = true;
  std::optional<Error> swallowed_;
};

TEST_F(HostTest, UntypedParamsAndResultsKeepExactBits) {
  // Signalling NaNs with payloads: a conversion through float/double arithmetic would lose them.
  const uint32_t f32_nan = 0x7fa00001;
  const uint64_t f64_nan = 0xfff4000000000123;
  const int32_t i32_min = std::numeric_limits<int32_t>::min();
  const int64_t i64_min = std::numeric_limits<int64_t>::min();
  std::vector<Value> args{Value::i32(i32_min), Value::i64(i64_min), Value::f32_bits(f32_nan),
                          Value::f64_bits(f64_nan)};
  auto r = call(instance_, "reverse", args);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(seen_, args);  // what the host received
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].type(), F64);
  EXPECT_EQ((*r)[0].f64_bits(), f64_nan);
  EXPECT_EQ((*r)[1].type(), F32);
  EXPECT_EQ((*r)[1].f32_bits(), f32_nan);
  EXPECT_EQ((*r)[2], Value::i64(i64_min));
  EXPECT_EQ((*r)[3], Value::i32(i32_min));

  const int64_t i64_max = std::numeric_limits<int64_t>::max();
  EXPECT_TRUE(
      returns(call(instance_, "reverse",
                   {Value::i32(-1), Value::i64(i64_max), Value::f32(-0.0f), Value::f64(1.5)}),
              {Value::f64(1.5), Value::f32(-0.0f), Value::i64(i64_max), Value::i32(-1)}));
  EXPECT_EQ(seen_[2].f32_bits(), 0x80000000u);  // -0.0 stays negative
}

TEST_F(HostTest, HostFunctionCalledDirectlyFromTheHost) {
  auto f = linker_.get("host", "reverse");
  ASSERT_TRUE(f && f->func());
  EXPECT_EQ(f->func()->type(), (FuncType{{I32, I64, F32, F64}, {F64, F32, I64, I32}}));
  EXPECT_TRUE(returns(f->func()->call(std::vector<Value>{Value::i32(1), Value::i64(2),
                                                         Value::f32(3.0f), Value::f64(4.0)}),
                      {Value::f64(4.0), Value::f32(3.0f), Value::i64(2), Value::i32(1)}));
}

TEST_F(HostTest, RawHostFunction) {
  EXPECT_TRUE(returns(call(instance_, "raw_add", {i64(2), i64(3)}), {i64(105)}));
  *raw_env_ = -5;  // the function sees its env, owned by the store
  EXPECT_TRUE(returns(call(instance_, "raw_add", {i64(2), i64(3)}), {i64(0)}));
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_TRUE(returns(call(instance_, "raw_add", {i64(max), i64(6)}),
                      {i64(std::numeric_limits<int64_t>::min())}));  // wraps
  // Through the raw call ABI as well.
  auto f = linker_.get("host", "raw_add");
  ASSERT_TRUE(f && f->func());
  uint64_t slots[2] = {40, 7};
  ASSERT_TRUE(f->func()->call_raw(slots).ok());
  EXPECT_EQ(slots[0], 42u);
}

TEST_F(HostTest, RawHostFunctionFailure) {
  Func failing = Func::host_raw(
      store_, FuncType{{}, {I32}},
      [](Caller& c, uint64_t*, void*) {
        c.fail(Error(ErrorKind::Ffi, "raw failure"));
        return false;
      },
      nullptr);
  auto r = failing.call(std::vector<Value>{});
  ASSERT_TRUE(fails_with(r, ErrorKind::Ffi));
  EXPECT_NE(r.error().message().find("raw failure"), std::string::npos) << r.error();
}

TEST_F(HostTest, HostErrorReachesTheOuterCaller) {
  auto r = call(instance_, "fail", {i32(7)});
  ASSERT_TRUE(fails_with(r, ErrorKind::Ffi));
  EXPECT_NE(r.error().message().find("host says no to 7"), std::string::npos) << r.error();
  // The guest stopped at the failing call: the code after it never ran.
  EXPECT_TRUE(returns(call(instance_, "after_fail"), {i32(0)}));

  fail_with_ = Error::trap(TrapKind::HostError, "custom");
  auto t = call(instance_, "fail", {i32(8)});
  ASSERT_TRUE(traps(t, TrapKind::HostError));
  EXPECT_NE(t.error().message().find("custom"), std::string::npos) << t.error();
  EXPECT_EQ(frame_names(t.error()), (std::vector<std::string>{"fail_through"}));
  EXPECT_TRUE(returns(call(instance_, "after_fail"), {i32(0)}));
  EXPECT_TRUE(returns(call(instance_, "double", {i32(4)}), {i32(8)}));
}

TEST_F(HostTest, ReentrantCallsNest) {
  EXPECT_TRUE(returns(call(instance_, "count", {i32(5)}), {i32(5)}));
  EXPECT_EQ(max_depth_, 5);
  EXPECT_EQ(depth_, 0);
  // A trap at the innermost level travels out through every host frame.
  auto r = call(instance_, "count_trap", {i32(4)});
  EXPECT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(depth_, 0);
  // The store's stacks were unwound properly.
  max_depth_ = 0;
  EXPECT_TRUE(returns(call(instance_, "count", {i32(20)}), {i32(20)}));
  EXPECT_EQ(max_depth_, 20);
}

TEST_F(HostTest, TrapInANestedCallCanBeHandledByTheHost) {
  EXPECT_TRUE(returns(call(instance_, "swallow"), {i32(99)}));
  ASSERT_TRUE(swallowed_);
  EXPECT_EQ(swallowed_->kind(), ErrorKind::Trap);
  EXPECT_EQ(swallowed_->trap_kind(), TrapKind::Unreachable);
  ASSERT_FALSE(swallowed_->backtrace().empty());
  EXPECT_EQ(swallowed_->backtrace().front().func_name, "count_trap");
  // Everything is consistent afterwards.
  EXPECT_TRUE(returns(call(instance_, "count", {i32(6)}), {i32(6)}));
  EXPECT_TRUE(returns(call(instance_, "swallow"), {i32(99)}));
}

TEST_F(HostTest, UnboundedReentrancyTrapsInsteadOfOverflowingTheNativeStack) {
  auto r = call(instance_, "count", {i32(100000)});
  EXPECT_TRUE(traps(r, TrapKind::CallStackExhausted));
  EXPECT_EQ(depth_, 0);
  EXPECT_TRUE(returns(call(instance_, "count", {i32(3)}), {i32(3)}));
}

TEST_F(HostTest, CallerMemoryReadsGuestMemory) {
  EXPECT_TRUE(returns(call(instance_, "peek", {i32(16)}), {i32('h')}));
  EXPECT_TRUE(returns(call(instance_, "peek", {i32(20)}), {i32('o')}));
  EXPECT_TRUE(returns(call(instance_, "peek", {i32(65535)}), {i32(0)}));
  // Writes from the embedder are what the host function reads.
  auto mem = instance_.get_memory("mem");
  ASSERT_TRUE(mem);
  const uint8_t x = 'x';
  ASSERT_TRUE(mem->write(1000, {&x, 1}).ok());
  EXPECT_TRUE(returns(call(instance_, "peek", {i32(1000)}), {i32('x')}));
  // Out of bounds for the host is an error, not a crash.
  EXPECT_FALSE(call(instance_, "peek", {i32(65536)}).ok());
}

TEST_F(HostTest, CallerGetExport) {
  EXPECT_TRUE(returns(call(instance_, "call_double", {i32(21)}), {i32(43)}));
  EXPECT_FALSE(missing_export_found_);
}

TEST_F(HostTest, CallerOutsideWasmHasNoInstance) {
  bool had_memory = true, had_export = true;
  Func f = Func::host(store_, FuncType{{}, {}},
                      [&](Caller& c, std::span<const Value>, std::span<Value>) -> Result<void> {
                        had_memory = c.memory().has_value();
                        had_export = c.get_export("double").has_value();
                        return {};
                      });
  ASSERT_TRUE(f.call(std::vector<Value>{}).ok());
  EXPECT_FALSE(had_memory);
  EXPECT_FALSE(had_export);
}

TEST(CallerInstance, FollowsCallsAndReturnsBetweenInstances) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "caller_instances");
  // The tag of the calling instance: byte 0 of its memory.
  Func tag = Func::host(store, FuncType{{}, {I32}},
                        [](Caller& c, std::span<const Value>, std::span<Value> r) -> Result<void> {
                          auto mem = c.memory();
                          if (!mem) return Error(ErrorKind::Usage, "no memory");
                          uint8_t byte = 0;
                          if (auto ok = mem->read(0, {&byte, 1}); !ok) return ok;
                          r[0] = Value::i32(byte);
                          return {};
                        });
  Func grow = Func::host(store, FuncType{{}, {I32}},
                         [](Caller& c, std::span<const Value>, std::span<Value> r) -> Result<void> {
                           auto old = c.memory()->grow(1);
                           if (!old) return std::move(old).error();
                           r[0] = Value::i32(static_cast<int32_t>(*old));
                           return {};
                         });
  Linker inner_linker(store);
  inner_linker.define("host", "grow", grow);
  inner_linker.define("host", "tag", tag);
  inner_linker.define("other", "tag", tag);
  auto inner = inner_linker.instantiate(module);
  ASSERT_TRUE(inner.ok()) << inner.error();
  Linker outer_linker(store);
  outer_linker.define("host", "grow", grow);
  outer_linker.define("host", "tag", tag);
  outer_linker.define("other", "tag", *inner->get_func("tag"));
  auto outer = outer_linker.instantiate(module);
  ASSERT_TRUE(outer.ok()) << outer.error();
  const uint8_t one = 1, two = 2;
  ASSERT_TRUE(outer->get_memory("mem")->write(0, {&one, 1}).ok());
  ASSERT_TRUE(inner->get_memory("mem")->write(0, {&two, 1}).ok());

  EXPECT_TRUE(returns(call(*outer, "tag"), {i32(1)}));
  EXPECT_TRUE(returns(call(*inner, "tag"), {i32(2)}));
  // The outer instance, the inner one through its export, then the outer one again.
  EXPECT_TRUE(returns(call(*outer, "mixed"), {i32(121)}));
  EXPECT_TRUE(returns(call(*inner, "mixed"), {i32(222)}));
  // Memory grown by a host call is usable right after it, twice over.
  EXPECT_TRUE(returns(call(*outer, "grow_and_use"), {i32(0x5a5a)}));
  EXPECT_TRUE(returns(call(*outer, "grow_and_use"), {i32(0x5a5a)}));
  EXPECT_EQ(outer->get_memory("mem")->pages(), 3u);
}

TEST_F(HostTest, HostFunctionResultOfTheWrongTypeIsAnError) {
  Func f = Func::host(store_, FuncType{{}, {I32}},
                      [](Caller&, std::span<const Value>, std::span<Value> r) -> Result<void> {
                        r[0] = Value::i64(1);
                        return {};
                      });
  EXPECT_TRUE(fails_with(f.call(std::vector<Value>{}), ErrorKind::Usage));
}

TEST(ManyValues, TwentyParamsAndResultsThroughGuestAndHost) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "many");
  const FuncType many{std::vector<ValType>(20, I64), std::vector<ValType>(20, I64)};
  Linker linker(store);
  linker.func("host", "rotate", many,
              [](Caller&, std::span<const Value> p, std::span<Value> r) -> Result<void> {
                if (p.size() != 20 || r.size() != 20) return Error(ErrorKind::Usage, "arity");
                for (size_t i = 0; i < 20; ++i) r[i] = p[(i + 1) % 20];
                return {};
              });
  auto instance = linker.instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  std::vector<Value> args, same, rotated;
  for (int64_t i = 0; i < 20; ++i) args.push_back(Value::i64((i + 1) * 0x0101010101010101LL));
  for (size_t i = 0; i < 20; ++i) rotated.push_back(args[(i + 1) % 20]);
  EXPECT_TRUE(returns(call(*instance, "identity", args), args));
  EXPECT_TRUE(returns(call(*instance, "rotate", args), rotated));
  // The raw ABI with max(params, results) slots.
  std::vector<uint64_t> slots;
  for (const Value& v : args) slots.push_back(v.bits());
  ASSERT_TRUE(instance->get_func("rotate")->call_raw(slots.data()).ok());
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(slots[i], rotated[i].bits()) << i;
}

}  // namespace
}  // namespace hailmary::test
