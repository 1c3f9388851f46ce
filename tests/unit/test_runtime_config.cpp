// EngineConfig limits, Store::interrupt() from another thread, and stores running concurrently.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "hailmary/ffi.hpp"
#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// ---- EngineConfig ----

TEST(EngineConfig, MaxCallDepthLimitsRecursion) {
  EngineConfig config;
  config.max_call_depth = 100;
  Engine engine(config);
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "config");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "depth", {i32(50)}), {i32(50)}));
  auto deep = call(*instance, "depth", {i32(200)});
  ASSERT_TRUE(traps(deep, TrapKind::CallStackExhausted));
  EXPECT_LE(deep.error().backtrace().size(), 102u);  // about max_call_depth frames, not 200
  EXPECT_GE(deep.error().backtrace().size(), 99u);
  // Nothing leaked: the same depth still works afterwards, repeatedly.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(returns(call(*instance, "depth", {i32(50)}), {i32(50)}));
}

TEST(EngineConfig, DefaultCallDepthAllowsDeepRecursion) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "config");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "depth", {i32(10000)}), {i32(10000)}));
  EXPECT_TRUE(traps(call(*instance, "depth", {i32(1000000)}), TrapKind::CallStackExhausted));
}

TEST(EngineConfig, MaxMemoryPagesLimitsGrowth) {
  EngineConfig config;
  config.max_memory_pages = 4;
  Engine engine(config);
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "config");  // (memory 1), no declared maximum
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "grow", {i32(3)}), {i32(1)}));
  EXPECT_TRUE(returns(call(*instance, "grow", {i32(1)}), {i32(-1)}));
  EXPECT_TRUE(returns(call(*instance, "grow", {i32(0)}), {i32(4)}));
  EXPECT_TRUE(returns(call(*instance, "size"), {i32(4)}));
  auto mem = instance->get_memory("mem");
  ASSERT_TRUE(mem);
  EXPECT_EQ(mem->pages(), 4u);
  EXPECT_FALSE(mem->grow(1).ok());
  EXPECT_EQ(mem->pages(), 4u);
}

TEST(EngineConfig, MaxMemoryPagesRejectsALargerInitialMemory) {
  EngineConfig config;
  config.max_memory_pages = 5;
  Engine engine(config);
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "big_memory");  // (memory 10)
  EXPECT_TRUE(fails_with(Linker(store).instantiate(module), ErrorKind::Instantiate));
  EXPECT_TRUE(fails_with(Memory::create(store, MemoryType{Limits{6, std::nullopt}}),
                         ErrorKind::Instantiate));
  // Within the limit is fine.
  EngineConfig roomy;
  roomy.max_memory_pages = 10;
  Engine roomy_engine(roomy);
  Store roomy_store(roomy_engine);
  auto ok = Linker(roomy_store).instantiate(module);
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->get_memory("mem")->pages(), 10u);
}

TEST(EngineConfig, SmallValueStackTrapsInsteadOfCrashing) {
  EngineConfig config;
  config.value_stack_slots = 2048;
  Engine engine(config);
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "config");
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "wide_depth", {i32(5)}), {i32(5)}));
  // Far below max_call_depth (20000), but each frame holds 64+ slots.
  EXPECT_TRUE(traps(call(*instance, "wide_depth", {i32(5000)}), TrapKind::CallStackExhausted));
  EXPECT_TRUE(traps(call(*instance, "depth", {i32(15000)}), TrapKind::CallStackExhausted));
  EXPECT_TRUE(returns(call(*instance, "wide_depth", {i32(5)}), {i32(5)}));
  EXPECT_TRUE(returns(call(*instance, "depth", {i32(10)}), {i32(10)}));
}

// A typed call made by a host function that wasm called with the value stack almost full:
// its arguments go at the stack's top (into the red zone past `end` when that is where the
// top is), and the call either runs or traps; the stack below is untouched.
TEST(EngineConfig, TypedCallsFromANearlyFullStack) {
  int ran = 0, exhausted = 0, leaf_ran = 0;
  // Stacks of every size over one frame's width: some leave the host call no room at all.
  for (size_t extra = 0; extra < 72; ++extra) {
    EngineConfig config;
    config.value_stack_slots = 2048 + extra;
    Engine engine(config);
    Store store(engine);
    Linker linker(store);
    Instance instance;
    hailmary::ffi::define(linker, "env", "bottom", [&] {
      // A function that calls nothing runs in the leaf interpreter, in a frame that always
      // fits (in the stack's red zone); one that calls may find no room.
      auto leaf = hailmary::ffi::typed<int32_t(int32_t, int32_t)>(instance, "add");
      ASSERT_TRUE(leaf.ok()) << leaf.error();
      for (int i = 0; i < 2; ++i) {  // the first call translates the body, the second is leaf
        auto r = (*leaf)(40, 2);
        ASSERT_TRUE(r.ok()) << r.error();
        EXPECT_EQ(*r, 42);
      }
      ++leaf_ran;
      auto add = hailmary::ffi::typed<int32_t(int32_t, int32_t)>(instance, "add_by_call");
      ASSERT_TRUE(add.ok()) << add.error();
      auto r = (*add)(40, 2);
      if (r) {
        EXPECT_EQ(*r, 42);
        ++ran;
      } else {
        EXPECT_EQ(r.error().trap_kind(), TrapKind::CallStackExhausted) << r.error();
        ++exhausted;
      }
    });
    HM_LOAD_MODULE(module, engine, "reentry");
    auto made = linker.instantiate(module);
    ASSERT_TRUE(made.ok()) << made.error();
    instance = *made;
    for (int32_t n = 0;; ++n) {
      auto r = call(instance, "wide_then_host", {i32(n)});
      if (!r) {
        EXPECT_TRUE(traps(r, TrapKind::CallStackExhausted)) << n;
        break;
      }
      EXPECT_TRUE(returns(r, {i32(n)})) << n;
    }
    EXPECT_TRUE(returns(call(instance, "wide_then_host", {i32(3)}), {i32(3)}));
  }
  EXPECT_GT(ran, 0);
  EXPECT_GT(exhausted, 0);
  EXPECT_EQ(leaf_ran, ran + exhausted);
}

// ---- Store::interrupt() ----

/// Interrupts `store` after `delay` from another thread. If the guest is still running 20 s
/// later the interrupt is broken and nothing else can stop it: the test binary exits.
class Watchdog {
 public:
  Watchdog(Store& store, std::chrono::milliseconds delay)
      : thread_([this, &store, delay] {
          std::this_thread::sleep_for(delay);
          store.interrupt();
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, 20s, [this] { return done_; })) {
            std::fprintf(stderr, "Store::interrupt() did not stop the guest within 20 s\n");
            std::_Exit(1);
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kWasmDir.empty()) GTEST_SKIP() << "wat2wasm was not found; test modules not built";
    auto module = Module::from_file(engine_, wasm_path("loop"));
    ASSERT_TRUE(module.ok()) << module.error();
    auto instance = Linker(store_).instantiate(*module);
    ASSERT_TRUE(instance.ok()) << instance.error();
    instance_ = *instance;
  }

  /// Runs export `name` until a watchdog interrupts it 50 ms in; returns how long it ran.
  Clock::duration run_until_interrupted(std::string_view name) {
    auto start = Clock::now();
    Result<std::vector<Value>> r = std::vector<Value>{};
    {
      Watchdog dog(store_, 50ms);
      r = call(instance_, name);
    }
    auto elapsed = Clock::now() - start;
    EXPECT_TRUE(traps(r, TrapKind::Interrupted));
    if (!r) {
      EXPECT_FALSE(r.error().backtrace().empty());
    }
    return elapsed;
  }

  Engine engine_;
  Store store_{engine_};
  Instance instance_;
};

TEST_F(InterruptTest, StopsAnInfiniteLoop) {
  EXPECT_GE(run_until_interrupted("spin"), 40ms);
  EXPECT_TRUE(returns(call(instance_, "add", {i32(2), i32(3)}), {i32(5)}));
  // And again: the flag was cleared, so the second run also lasts until its watchdog fires.
  EXPECT_GE(run_until_interrupted("spin"), 40ms);
  EXPECT_TRUE(returns(call(instance_, "add", {i32(4), i32(5)}), {i32(9)}));
}

TEST_F(InterruptTest, StopsALoopOfCalls) {
  EXPECT_GE(run_until_interrupted("spin_calls"), 40ms);
  auto calls = call(instance_, "calls");
  ASSERT_TRUE(calls.ok()) << calls.error();
  EXPECT_GT((*calls)[0].i64(), 0);  // it really ran, and its writes stay
  EXPECT_TRUE(returns(call(instance_, "add", {i32(2), i32(3)}), {i32(5)}));
}

TEST_F(InterruptTest, StopsAnInterpretersDispatchLoop) {
  EXPECT_GE(run_until_interrupted("spin_dispatch"), 40ms);
  EXPECT_TRUE(returns(call(instance_, "add", {i32(2), i32(3)}), {i32(5)}));
}

TEST_F(InterruptTest, StopsLoopsWhoseBackEdgesHaveNoLoopForm) {
  EXPECT_GE(run_until_interrupted("spin_table"), 40ms);
  EXPECT_GE(run_until_interrupted("spin_flag"), 40ms);
  EXPECT_TRUE(returns(call(instance_, "add", {i32(2), i32(3)}), {i32(5)}));
}

TEST_F(InterruptTest, RequestedBeforeTheCallStopsTheNextGuestOnce) {
  store_.interrupt();
  auto start = Clock::now();
  EXPECT_TRUE(traps(call(instance_, "spin"), TrapKind::Interrupted));
  EXPECT_LT(Clock::now() - start, 5s);
  // Cleared by that trap: the next run is not stopped early.
  EXPECT_GE(run_until_interrupted("spin"), 40ms);
}

TEST(InterruptStores, OnlyTheInterruptedStoreStops) {
  Engine engine;
  HM_LOAD_MODULE(loop, engine, "loop");
  HM_LOAD_MODULE(compute, engine, "compute");
  Store spinning(engine);
  Store working(engine);
  auto spinner = Linker(spinning).instantiate(loop);
  auto worker = Linker(working).instantiate(compute);
  ASSERT_TRUE(spinner.ok() && worker.ok());
  Result<std::vector<Value>> spun = std::vector<Value>{};
  Result<std::vector<Value>> worked = std::vector<Value>{};
  {
    Watchdog dog(spinning, 20ms);
    std::thread t([&] { spun = call(*spinner, "spin"); });
    // Meanwhile, and after the interrupt, the other store's guest runs undisturbed.
    worked = call(*worker, "fib", {i32(27)});
    t.join();
  }
  EXPECT_TRUE(traps(spun, TrapKind::Interrupted));
  EXPECT_TRUE(returns(worked, {i64(196418)}));
  EXPECT_TRUE(returns(call(*worker, "fib", {i32(20)}), {i64(6765)}));
}

// ---- threads ----

int64_t fib(int n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int32_t fill_sum(uint32_t n, uint32_t seed) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += i * seed;
  return static_cast<int32_t>(sum);
}

TEST(Threads, StoresPerThreadShareOneModule) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "compute");
  constexpr int kThreads = 4;
  constexpr int kRounds = 5;
  struct Outcome {
    bool ok = true;
    std::string failure;
  };
  std::vector<Outcome> outcomes(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Outcome& out = outcomes[static_cast<size_t>(t)];
      Store store(engine);
      auto instance = Linker(store).instantiate(module);
      // Start together so the runs overlap.
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      if (!instance) {
        out = {false, instance.error().to_string()};
        return;
      }
      // Host functions made concurrently in several stores share the engine's type table.
      const FuncType type{std::vector<ValType>(static_cast<size_t>(t + 1), ValType::I32),
                          {ValType::I32}};
      Func sum = Func::host(
          store, type, [](Caller&, std::span<const Value> p, std::span<Value> r) -> Result<void> {
            int32_t total = 0;
            for (const Value& v : p) total += v.i32();
            r[0] = Value::i32(total);
            return {};
          });
      for (int round = 0; round < kRounds; ++round) {
        std::vector<Value> ones(static_cast<size_t>(t + 1), Value::i32(round));
        auto h = sum.call(ones);
        if (!h || (*h)[0].i32() != round * (t + 1)) {
          out = {false, "host sum " + (h ? to_string((*h)[0]) : h.error().to_string())};
          return;
        }
        const int n = 20 + t;
        auto f = call(*instance, "fib", {i32(n)});
        if (!f || (*f)[0].i64() != fib(n)) {
          out = {false, "fib(" + std::to_string(n) + ") " +
                            (f ? to_string((*f)[0]) : f.error().to_string())};
          return;
        }
        const uint32_t words = 1000u * static_cast<uint32_t>(t + 1);
        const uint32_t seed = 7u + static_cast<uint32_t>(t * 1000 + round);
        auto s = call(*instance, "fill_sum",
                      {i32(static_cast<int32_t>(words)), i32(static_cast<int32_t>(seed))});
        if (!s || (*s)[0].i32() != fill_sum(words, seed)) {
          out = {false, "fill_sum " + (s ? to_string((*s)[0]) : s.error().to_string())};
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_TRUE(outcomes[static_cast<size_t>(t)].ok)
        << "thread " << t << ": " << outcomes[static_cast<size_t>(t)].failure;
}

}  // namespace
}  // namespace hailmary::test
