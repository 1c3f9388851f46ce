// Lazy translation (wat/lazy.wat): a module load validates every body and translates none; a
// function is translated on its first call, from the host, from wasm or through call_indirect,
// and the translation is shared by every instance of the module, on every thread.
// EngineConfig::eager_translation translates everything at load instead.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "execution/code.hpp"
#include "hailmary/hailmary.hpp"
#include "runtime/store.hpp"
#include "validation/function_compiler.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

Value i32(int32_t v) {
  return Value::i32(v);
}

const detail::ModuleCode& code_of(const Module& m) {
  return *m.data().code;
}

/// Whether defined function `name` (an export) of `m` has been translated.
bool translated(const Module& m, std::string_view name) {
  for (const auto& e : m.data().exports) {
    if (e.name != name) continue;
    const uint32_t defined = e.index - m.data().imported_funcs;
    return !code_of(m).is_placeholder(code_of(m).current(defined));
  }
  ADD_FAILURE() << "no export " << name;
  return false;
}

/// The code a FuncInst of `instance` currently runs.
const detail::CompiledFunc* code_in(const Instance& instance, std::string_view name) {
  auto f = instance.get_func(name);
  return f ? f->inst()->code : nullptr;
}

int32_t fib(int32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int32_t mix(int32_t n) {
  int32_t sum = 0;
  for (int32_t i = 0; i < n; ++i) sum += fib(i) + (i + 1) + i * i;
  return sum;
}

TEST(LazyTranslation, LoadTranslatesNothing) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  const auto& code = code_of(module);
  ASSERT_EQ(code.count, module.data().bodies.size());
  for (size_t i = 0; i < code.count; ++i) {
    const detail::CompiledFunc* f = code.current(static_cast<uint32_t>(i));
    EXPECT_TRUE(code.is_placeholder(f)) << "function " << i;
    // The placeholder has the function's shape: its parameters, no locals, its results.
    const FuncType& type = module.data().types[module.data().func_types[i]];
    EXPECT_EQ(f->param_slots, type.params.size());
    EXPECT_EQ(f->local_slots, type.params.size());
    EXPECT_EQ(f->result_count, type.results.size());
  }
}

TEST(LazyTranslation, FirstCallFromTheHost) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  Store store(engine);
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(code_of(module).is_placeholder(code_in(*instance, "square")));
  EXPECT_TRUE(returns(call(*instance, "square", {i32(12)}), {i32(144)}));
  EXPECT_TRUE(translated(module, "square"));
  EXPECT_FALSE(code_of(module).is_placeholder(code_in(*instance, "square")));
  // The second call runs the translated code directly.
  EXPECT_TRUE(returns(call(*instance, "square", {i32(-3)}), {i32(9)}));
  EXPECT_TRUE(returns(call(*instance, "leaf", {i32(41)}), {i32(42)}));
  EXPECT_FALSE(translated(module, "never"));
  EXPECT_FALSE(translated(module, "boom"));
}

TEST(LazyTranslation, FirstCallFromWasm) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  Store store(engine);
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "via_call", {i32(1)}), {i32(2)}));
  EXPECT_TRUE(translated(module, "via_call"));
  EXPECT_TRUE(translated(module, "leaf"));  // the callee, entered by a wasm call
  EXPECT_FALSE(code_of(module).is_placeholder(code_in(*instance, "leaf")));
  EXPECT_TRUE(returns(call(*instance, "via_call", {i32(99)}), {i32(100)}));
  // Recursion into a function while it is being entered for the first time.
  EXPECT_TRUE(returns(call(*instance, "fib", {i32(15)}), {i32(fib(15))}));
}

TEST(LazyTranslation, FirstCallThroughCallIndirect) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  Store store(engine);
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_FALSE(translated(module, "square"));
  EXPECT_TRUE(returns(call(*instance, "via_indirect", {i32(7), i32(0)}), {i32(49)}));
  EXPECT_TRUE(translated(module, "square"));
  EXPECT_TRUE(returns(call(*instance, "via_indirect", {i32(7), i32(2)}), {i32(8)}));
  EXPECT_TRUE(translated(module, "leaf"));
  EXPECT_TRUE(traps(call(*instance, "via_indirect", {i32(7), i32(3)}), TrapKind::UndefinedElement));
}

TEST(LazyTranslation, TrapAndBacktraceInALazilyTranslatedFunction) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  Store store(engine);
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  auto r = call(*instance, "trap_outer");
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"boom", "trap_deep", "trap_outer"}));
  EXPECT_TRUE(translated(module, "boom"));
  // The instance still works, and the same trap comes from the translated code.
  EXPECT_TRUE(returns(call(*instance, "square", {i32(5)}), {i32(25)}));
  auto again = call(*instance, "boom", {i32(0)});
  ASSERT_TRUE(traps(again, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(again.error()), (std::vector<std::string>{"boom"}));
}

TEST(LazyTranslation, InstancesShareOneTranslation) {
  Engine engine;
  HM_LOAD_MODULE(module, engine, "lazy");
  Store first(engine), second(engine);
  auto a = Linker(first).instantiate(module);
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_TRUE(returns(call(*a, "square", {i32(3)}), {i32(9)}));
  // Translated before this instance existed: it starts with the code, no placeholder.
  auto b = Linker(second).instantiate(module);
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(code_in(*a, "square"), code_in(*b, "square"));
  // Translated after: b's FuncInst still holds the placeholder until its own first call.
  auto c = Linker(second).instantiate(module);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_TRUE(returns(call(*a, "leaf", {i32(1)}), {i32(2)}));
  EXPECT_TRUE(code_of(module).is_placeholder(code_in(*c, "leaf")));
  EXPECT_TRUE(returns(call(*c, "leaf", {i32(1)}), {i32(2)}));
  EXPECT_EQ(code_in(*a, "leaf"), code_in(*c, "leaf"));
}

TEST(LazyTranslation, TwoStoresOnTwoThreadsTranslateAtOnce) {
  Engine engine;
  HM_LOAD_MODULE(probe, engine, "lazy");
  constexpr int kThreads = 2;
  constexpr int kRounds = 20;  // a fresh module each round: every translation is raced again
  for (int round = 0; round < kRounds; ++round) {
    auto loaded = Module::from_file(engine, wasm_path("lazy"));
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    const Module module = *loaded;
    std::atomic<int> ready{0};
    std::vector<std::string> failures(kThreads);
    std::vector<const detail::CompiledFunc*> fib_code(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Store store(engine);
        auto instance = Linker(store).instantiate(module);
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        if (!instance) {
          failures[static_cast<size_t>(t)] = instance.error().to_string();
          return;
        }
        auto r = call(*instance, "mix", {i32(12)});
        if (!r || (*r)[0].i32() != mix(12))
          failures[static_cast<size_t>(t)] = r ? to_string((*r)[0]) : r.error().to_string();
        fib_code[static_cast<size_t>(t)] = code_in(*instance, "fib");
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(failures[static_cast<size_t>(t)], "") << "thread " << t << " round " << round;
    // One translation won; both stores run it.
    EXPECT_EQ(fib_code[0], fib_code[1]);
    EXPECT_TRUE(translated(module, "fib"));
    EXPECT_FALSE(translated(module, "never"));
  }
}

TEST(LazyTranslation, EagerTranslationTranslatesEverythingAtLoad) {
  EngineConfig config;
  config.eager_translation = true;
  Engine engine(config);
  HM_LOAD_MODULE(module, engine, "lazy");
  const auto& code = code_of(module);
  for (size_t i = 0; i < code.count; ++i)
    EXPECT_FALSE(code.is_placeholder(code.current(static_cast<uint32_t>(i)))) << i;
  Store store(engine);
  auto instance = Linker(store).instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "mix", {i32(10)}), {i32(mix(10))}));
  EXPECT_TRUE(returns(call(*instance, "via_call", {i32(1)}), {i32(2)}));
  auto r = call(*instance, "trap_outer");
  ASSERT_TRUE(traps(r, TrapKind::Unreachable));
  EXPECT_EQ(frame_names(r.error()), (std::vector<std::string>{"boom", "trap_deep", "trap_outer"}));
}

TEST(LazyTranslation, InvalidBodiesAreStillRejectedAtLoad) {
  // (func (result i32) i64.const 0): valid syntax, a type error; never called.
  const std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
                                      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,  // type () -> i32
                                      0x03, 0x02, 0x01, 0x00,                    // one function
                                      0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b};  // code
  for (bool eager : {false, true}) {
    EngineConfig config;
    config.eager_translation = eager;
    Engine engine(config);
    auto m = Module::from_bytes(engine, bytes);
    EXPECT_TRUE(fails_with(m, ErrorKind::Invalid)) << (eager ? "eager" : "lazy");
  }
}

// A module with `count` functions () -> () of about 600 bytes each (over the 256 KiB above
// which loading uses several threads); body i is `bodies[i]` if given.
std::vector<uint8_t> big_module(uint32_t count, const std::vector<std::vector<uint8_t>>& special) {
  auto leb = [](std::vector<uint8_t>& out, uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      out.push_back(v ? (b | 0x80) : b);
    } while (v);
  };
  std::vector<uint8_t> normal = {0x00};                                           // no locals
  for (int k = 0; k < 200; ++k) normal.insert(normal.end(), {0x41, 0x01, 0x1a});  // const, drop
  normal.push_back(0x0b);
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00,
                            0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00};  // type () -> ()
  std::vector<uint8_t> funcs;
  leb(funcs, count);
  funcs.insert(funcs.end(), count, 0x00);
  m.push_back(0x03);
  leb(m, funcs.size());
  m.insert(m.end(), funcs.begin(), funcs.end());
  m.insert(m.end(), {0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00});  // export "f" = func 0
  std::vector<uint8_t> code;
  leb(code, count);
  for (uint32_t i = 0; i < count; ++i) {
    const std::vector<uint8_t>& body =
        i < special.size() && !special[i].empty() ? special[i] : normal;
    leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  m.push_back(0x0a);
  leb(m, code.size());
  m.insert(m.end(), code.begin(), code.end());
  return m;
}

Engine engine_with_threads(uint32_t threads) {
  EngineConfig config;
  config.compile_threads = threads;
  return Engine(config);
}

TEST(ParallelLoad, LargeModulesLoadTheSameOnAnyNumberOfThreads) {
  const std::vector<uint8_t> valid = big_module(600, {});
  ASSERT_GT(valid.size(), 300'000u);
  for (uint32_t threads : {0u, 1u, 2u, 4u}) {
    Engine engine = engine_with_threads(threads);
    auto m = Module::from_bytes(engine, valid);
    ASSERT_TRUE(m.ok()) << threads << ": " << m.error();
    Store store(engine);
    auto instance = Linker(store).instantiate(*m);
    ASSERT_TRUE(instance.ok()) << instance.error();
    EXPECT_TRUE(returns(call(*instance, "f"), {}));
  }
}

TEST(ParallelLoad, TheFirstBadBodyIsReportedWhateverTheSplit) {
  const std::vector<uint8_t> underflow = {0x00, 0x1a, 0x0b};  // drop on an empty stack: invalid
  const std::vector<uint8_t> illegal = {0x00, 0xff, 0x0b};    // no such opcode: malformed
  std::vector<std::vector<uint8_t>> two_invalid(600), invalid_then_malformed(600);
  two_invalid[410] = underflow;
  two_invalid[520] = underflow;
  invalid_then_malformed[90] = underflow;
  invalid_then_malformed[550] = illegal;
  struct Case {
    std::vector<std::vector<uint8_t>> bodies;
    ErrorKind kind;
  };
  for (const Case& c : {Case{two_invalid, ErrorKind::Invalid},
                        Case{invalid_then_malformed, ErrorKind::Malformed}}) {
    const std::vector<uint8_t> bytes = big_module(600, c.bodies);
    auto one = Module::from_bytes(engine_with_threads(1), bytes);
    ASSERT_TRUE(fails_with(one, c.kind)) << (one ? "loaded" : one.error().to_string());
    for (uint32_t threads : {0u, 2u, 4u, 8u}) {
      for (bool eager : {false, true}) {
        EngineConfig config;
        config.compile_threads = threads;
        config.eager_translation = eager;
        auto m = Module::from_bytes(Engine(config), bytes);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error().to_string(), one.error().to_string()) << threads << " threads";
      }
    }
  }
}

}  // namespace
}  // namespace hailmary::test
