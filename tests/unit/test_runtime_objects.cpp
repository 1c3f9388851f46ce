// The embedder's view of runtime objects: Memory, Table and Global handles, and the argument
// checks of Func::call.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;
constexpr ValType F32 = ValType::F32;
constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

// ---- Memory ----

TEST(MemoryApi, ReadWriteBounds) {
  Engine engine;
  Store store(engine);
  auto mem = Memory::create(store, MemoryType{Limits{1, 4}});
  ASSERT_TRUE(mem.ok()) << mem.error();
  EXPECT_EQ(mem->size(), kPageSize);
  EXPECT_EQ(mem->pages(), 1u);
  EXPECT_EQ(mem->type().limits.max, 4u);

  std::vector<uint8_t> four = {1, 2, 3, 4};
  std::vector<uint8_t> out(4);
  ASSERT_TRUE(mem->write(kPageSize - 4, four).ok());  // the last four bytes
  ASSERT_TRUE(mem->read(kPageSize - 4, out).ok());
  EXPECT_EQ(out, four);
  EXPECT_EQ(mem->data()[kPageSize - 1], 4);

  // Past the end by one byte, far past it, and offsets that would wrap around 2^64.
  EXPECT_FALSE(mem->write(kPageSize - 3, four).ok());
  EXPECT_FALSE(mem->read(kPageSize - 3, out).ok());
  EXPECT_FALSE(mem->read(kPageSize, out).ok());
  EXPECT_FALSE(mem->write(kMax64, four).ok());
  EXPECT_FALSE(mem->read(kMax64 - 2, out).ok());
  EXPECT_FALSE(mem->write(kMax64 - 3, four).ok());
  EXPECT_FALSE(mem->read(uint64_t{1} << 32, out).ok());
  // A failed write writes nothing.
  EXPECT_EQ(mem->data()[kPageSize - 3], 2);
  // Empty accesses at the very end are fine; one past it is not.
  EXPECT_TRUE(mem->read(kPageSize, std::span<uint8_t>{}).ok());
  EXPECT_FALSE(mem->read(kPageSize + 1, std::span<uint8_t>{}).ok());
  // A span larger than the whole memory.
  std::vector<uint8_t> huge(kPageSize + 1);
  EXPECT_FALSE(mem->read(0, huge).ok());
}

TEST(MemoryApi, GrowBumpsGenerationAndKeepsTheBase) {
  Engine engine;
  Store store(engine);
  auto mem = Memory::create(store, MemoryType{Limits{1, 3}});
  ASSERT_TRUE(mem.ok()) << mem.error();
  uint8_t* base = mem->data();
  const uint64_t gen0 = mem->generation();
  mem->data()[100] = 0xab;

  auto old = mem->grow(1);
  ASSERT_TRUE(old.ok()) << old.error();
  EXPECT_EQ(*old, 1u);
  EXPECT_EQ(mem->pages(), 2u);
  EXPECT_EQ(mem->size(), 2 * kPageSize);
  EXPECT_EQ(mem->generation(), gen0 + 1);
  EXPECT_EQ(mem->data(), base);
  EXPECT_EQ(mem->data()[100], 0xab);             // contents kept
  EXPECT_EQ(mem->data()[2 * kPageSize - 1], 0);  // new pages zeroed and accessible
  std::vector<uint8_t> tail = {9};
  EXPECT_TRUE(mem->write(2 * kPageSize - 1, tail).ok());

  // Beyond the declared maximum: fails, changes nothing.
  EXPECT_FALSE(mem->grow(2).ok());
  EXPECT_FALSE(mem->grow(kMax64).ok());
  EXPECT_EQ(mem->pages(), 2u);
  EXPECT_EQ(mem->generation(), gen0 + 1);

  ASSERT_TRUE(mem->grow(1).ok());
  EXPECT_EQ(mem->generation(), gen0 + 2);
  EXPECT_EQ(mem->data(), base);
  EXPECT_EQ(mem->pages(), 3u);
}

TEST(MemoryApi, GuestGrowthIsVisibleToTheHost) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "config");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto mem = instance->get_memory("mem");
  ASSERT_TRUE(mem);
  EXPECT_EQ(instance->default_memory(), mem);
  uint8_t* base = mem->data();
  const uint64_t gen = mem->generation();
  EXPECT_TRUE(returns(call(*instance, "grow", {i32(2)}), {i32(1)}));
  EXPECT_EQ(mem->pages(), 3u);
  EXPECT_EQ(mem->generation(), gen + 1);
  EXPECT_EQ(mem->data(), base);
  // And host growth is visible to the guest.
  ASSERT_TRUE(mem->grow(1).ok());
  EXPECT_TRUE(returns(call(*instance, "size"), {i32(4)}));
}

TEST(MemoryCopy, SplitCopiesMatchMemmoveAtEveryDistanceAndLength) {
  // Copies over 2 KiB whose destination sits just past the source modulo 4 KiB are done in
  // pieces from the end (copy_within_memory); each must still copy like one memmove,
  // overlapping or not, in both directions.
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "copy");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto mem = instance->get_memory("mem");
  ASSERT_TRUE(mem);
  uint8_t* base = mem->data();
  const size_t size = static_cast<size_t>(mem->size());
  std::vector<uint8_t> expected(size);
  int cases = 0;
  for (uint32_t n : {1u, 2047u, 2048u, 2049u, 4096u, 6000u, 20000u}) {
    for (int64_t apart : {int64_t{4096}, int64_t{24576}, int64_t{-8192}, int64_t{0}}) {
      for (int64_t delta : {-31, -1, 0, 1, 7, 16, 31, 32, 100}) {
        const int64_t from = 60000 + (cases % 7) * 3;
        const int64_t to = from + apart + delta;
        for (size_t i = 0; i < size; ++i) base[i] = static_cast<uint8_t>(i * 7 + i / 251);
        std::memcpy(expected.data(), base, size);
        std::memmove(expected.data() + to, expected.data() + from, n);
        ASSERT_TRUE(returns(call(*instance, "copy",
                                 {i32(static_cast<int32_t>(to)), i32(static_cast<int32_t>(from)),
                                  i32(static_cast<int32_t>(n))}),
                            {}));
        ASSERT_EQ(std::memcmp(base, expected.data(), size), 0)
            << "n " << n << " from " << from << " to " << to;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 7 * 4 * 9);
}

// ---- Table ----

TEST(TableApi, GetSetGrow) {
  Engine engine;
  Store store(engine);
  auto table = Table::create(store, TableType{ValType::FuncRef, Limits{2, 5}},
                             Value::null(ValType::FuncRef));
  ASSERT_TRUE(table.ok()) << table.error();
  EXPECT_EQ(table->size(), 2u);
  auto e0 = table->get(0);
  ASSERT_TRUE(e0.ok());
  EXPECT_EQ(e0->type(), ValType::FuncRef);
  EXPECT_TRUE(e0->is_null());

  Func f = Func::host(
      store, FuncType{{}, {}},
      [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> { return {}; });
  ASSERT_TRUE(table->set(1, Value::funcref(f.inst())).ok());
  auto e1 = table->get(1);
  ASSERT_TRUE(e1.ok());
  EXPECT_EQ(e1->funcref(), f.inst());

  // Out of bounds and wrongly typed accesses fail.
  EXPECT_FALSE(table->get(2).ok());
  EXPECT_FALSE(table->get(kMax64).ok());
  EXPECT_FALSE(table->set(2, Value::null(ValType::FuncRef)).ok());
  EXPECT_FALSE(table->set(0, Value::i32(1)).ok());
  EXPECT_FALSE(table->set(0, Value::null(ValType::ExternRef)).ok());

  auto old = table->grow(2, Value::funcref(f.inst()));
  ASSERT_TRUE(old.ok()) << old.error();
  EXPECT_EQ(*old, 2u);
  EXPECT_EQ(table->size(), 4u);
  EXPECT_EQ(table->get(3)->funcref(), f.inst());  // new slots take the init value
  EXPECT_FALSE(table->grow(2, Value::null(ValType::FuncRef)).ok());  // past max 5
  EXPECT_FALSE(table->grow(kMax64, Value::null(ValType::FuncRef)).ok());
  EXPECT_FALSE(table->grow(1, Value::i64(0)).ok());  // wrong init type
  EXPECT_EQ(table->size(), 4u);
  ASSERT_TRUE(table->grow(1, Value::null(ValType::FuncRef)).ok());
  EXPECT_EQ(table->size(), 5u);
}

TEST(TableApi, ExternRefs) {
  Engine engine;
  Store store(engine);
  int payload = 0;
  auto table = Table::create(store, TableType{ValType::ExternRef, Limits{1, std::nullopt}},
                             Value::externref(&payload));
  ASSERT_TRUE(table.ok()) << table.error();
  EXPECT_EQ(table->get(0)->externref(), &payload);
  ASSERT_TRUE(table->set(0, Value::null(ValType::ExternRef)).ok());
  EXPECT_TRUE(table->get(0)->is_null());
  // The initial value must match the element type.
  EXPECT_FALSE(Table::create(store, TableType{ValType::ExternRef, Limits{1, std::nullopt}},
                             Value::null(ValType::FuncRef))
                   .ok());
}

TEST(TableApi, EngineLimitOnElements) {
  EngineConfig config;
  config.max_table_elements = 10;
  Engine engine(config);
  Store store(engine);
  EXPECT_FALSE(Table::create(store, TableType{ValType::FuncRef, Limits{11, std::nullopt}},
                             Value::null(ValType::FuncRef))
                   .ok());
  auto table = Table::create(store, TableType{ValType::FuncRef, Limits{8, std::nullopt}},
                             Value::null(ValType::FuncRef));
  ASSERT_TRUE(table.ok());
  EXPECT_FALSE(table->grow(3, Value::null(ValType::FuncRef)).ok());
  EXPECT_TRUE(table->grow(2, Value::null(ValType::FuncRef)).ok());
}

// ---- Global ----

TEST(GlobalApi, GetSetAndTypeChecks) {
  Engine engine;
  Store store(engine);
  auto immutable = Global::create(store, GlobalType{I64, false}, Value::i64(-1));
  ASSERT_TRUE(immutable.ok()) << immutable.error();
  EXPECT_EQ(immutable->get(), Value::i64(-1));
  EXPECT_TRUE(fails_with(immutable->set(Value::i64(2)), ErrorKind::Usage));
  EXPECT_EQ(immutable->get(), Value::i64(-1));

  auto mutable_ = Global::create(store, GlobalType{F32, true}, Value::f32_bits(0x7fc00001));
  ASSERT_TRUE(mutable_.ok()) << mutable_.error();
  EXPECT_EQ(mutable_->get().f32_bits(), 0x7fc00001u);
  EXPECT_EQ(mutable_->type(), (GlobalType{F32, true}));
  ASSERT_TRUE(mutable_->set(Value::f32(2.5f)).ok());
  EXPECT_EQ(mutable_->get(), Value::f32(2.5f));
  EXPECT_TRUE(fails_with(mutable_->set(Value::f64(2.5)), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(mutable_->set(Value::i32(1)), ErrorKind::Usage));
  EXPECT_EQ(mutable_->get(), Value::f32(2.5f));

  // The initial value must have the global's type.
  EXPECT_TRUE(
      fails_with(Global::create(store, GlobalType{I32, true}, Value::i64(1)), ErrorKind::Usage));
}

TEST(GlobalApi, ExportedGlobalsOfAModule) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "provider");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto counter = instance->get_global("counter");
  ASSERT_TRUE(counter);
  EXPECT_EQ(counter->get(), Value::i32(100));
  ASSERT_TRUE(counter->set(Value::i32(-100)).ok());
  EXPECT_TRUE(returns(call(*instance, "get_counter"), {i32(-100)}));
  // Looking an export up as the wrong kind gives nothing.
  EXPECT_FALSE(instance->get_global("mem"));
  EXPECT_FALSE(instance->get_func("counter"));
  EXPECT_FALSE(instance->get_memory("nope"));
}

// ---- Store ----

TEST(StoreApi, HandlesSurviveMovingTheStore) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "provider");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  Store moved(std::move(store));
  EXPECT_TRUE(returns(call(*instance, "get_counter"), {i32(100)}));
  auto again = Linker(moved).instantiate(module);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_TRUE(returns(call(*again, "f", {i32(1)}), {i32(1001)}));
  EXPECT_EQ(&moved.engine().data(), &engine.data());
}

// ---- Func::call argument checks ----

TEST(FuncCall, WrongArgumentsAreUsageErrors) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "traps");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  Func add = *instance->get_func("add");  // (i32, i32) -> i32
  EXPECT_EQ(add.type(), (FuncType{{I32, I32}, {I32}}));

  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{}), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{i32(1)}), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{i32(1), i32(2), i32(3)}), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{i32(1), i64(2)}), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{Value::f32(1), i32(2)}), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(std::vector<Value>{i32(1), Value::null(ValType::FuncRef)}),
                         ErrorKind::Usage));
  // The results span must have the right size too.
  std::vector<Value> args{i32(1), i32(2)};
  std::vector<Value> none;
  std::vector<Value> two(2);
  EXPECT_TRUE(fails_with(add.call(args, none), ErrorKind::Usage));
  EXPECT_TRUE(fails_with(add.call(args, two), ErrorKind::Usage));
  std::vector<Value> one(1);
  ASSERT_TRUE(add.call(args, one).ok());
  EXPECT_EQ(one[0], i32(3));

  // A null handle is an error, not a crash.
  EXPECT_TRUE(fails_with(Func().call(args), ErrorKind::Usage));
  // After all that, calls still work.
  EXPECT_TRUE(returns(add.call(args), {i32(3)}));
}

}  // namespace
}  // namespace hailmary::test
