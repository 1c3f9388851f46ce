// hailmary_bench: wasm (Hail Mary interpreter) vs native for the kernels in kernels/.
//
// Every kernel is registered twice, "<kernel>/wasm" and "<kernel>/native", with the same
// argument. The wasm run checks its result against the native one, so a fast but wrong engine
// does not produce a number. After the runs, the kernels' rows of the combined table are printed
// (and written to --hm_table_out; see report.hpp and scripts/bench.sh). bench/node/kernels.mjs
// runs the same .wasm files with the same arguments under V8.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "kernels.h"
#include "report.hpp"

namespace {

using hailmary::Value;

struct Kernel {
  const char* name;
  const char* description;
  const char* wasm_path;  // nullptr when the wasm guest could not be built
  const char* entry;      // export timed
  const char* prepare;    // export called once before timing, or nullptr
  int32_t arg;
  std::function<Value(int32_t)> native;
  std::function<void(int32_t)> native_prepare;
};

#ifndef HM_BENCH_WASM_FIB
#define HM_BENCH_WASM_FIB nullptr
#endif
#ifndef HM_BENCH_WASM_MEMLOOP
#define HM_BENCH_WASM_MEMLOOP nullptr
#endif
#ifndef HM_BENCH_WASM_CALLS
#define HM_BENCH_WASM_CALLS nullptr
#endif
#ifndef HM_BENCH_WASM_MATMUL
#define HM_BENCH_WASM_MATMUL nullptr
#endif
#ifndef HM_BENCH_WASM_SHA256
#define HM_BENCH_WASM_SHA256 nullptr
#endif

const std::vector<Kernel>& kernels() {
  static const std::vector<Kernel> list = {
      {"fib", "recursive fib(30)", HM_BENCH_WASM_FIB, "fib", nullptr, 30,
       [](int32_t n) { return Value::i32(fib(n)); }, nullptr},
      {"sieve", "sieve over 8 Mi byte flags", HM_BENCH_WASM_MEMLOOP, "sieve", nullptr, 8 << 20,
       [](int32_t n) { return Value::i32(sieve(n)); }, nullptr},
      {"calls", "10 M calls of a small function", HM_BENCH_WASM_CALLS, "calls", nullptr, 10'000'000,
       [](int32_t n) { return Value::i64(calls(n)); }, nullptr},
      {"matmul", "f64 matmul 256x256", HM_BENCH_WASM_MATMUL, "matmul", "matmul_init", 256,
       [](int32_t n) { return Value::f64(matmul(n)); }, [](int32_t n) { matmul_init(n); }},
      {"sha256", "SHA-256 over 1 MiB", HM_BENCH_WASM_SHA256, "sha256", "sha256_init", 1,
       [](int32_t n) { return Value::i32(static_cast<int32_t>(sha256(n))); },
       [](int32_t n) { sha256_init(n); }},
  };
  return list;
}

/// One instance per kernel module, loaded on first use and kept for every run of it: loading
/// is not what we measure, and Google Benchmark calls a benchmark function several times.
class LoadedModule {
 public:
  explicit LoadedModule(const char* path) : store_(engine_) {
    auto module = hailmary::Module::from_file(engine_, path);
    if (!module) {
      error_ = module.error().to_string();
      return;
    }
    module_.emplace(std::move(*module));
    hailmary::Linker linker(store_);
    auto instance = linker.instantiate(*module_);
    if (!instance) {
      error_ = instance.error().to_string();
      return;
    }
    instance_ = *instance;
  }

  const std::string& error() const { return error_; }

  std::optional<hailmary::Func> func(const char* name) {
    if (!error_.empty()) return std::nullopt;
    auto f = instance_.get_func(name);
    if (!f) error_ = std::string("no exported function ") + name;
    return f;
  }

 private:
  hailmary::Engine engine_;
  hailmary::Store store_;
  std::optional<hailmary::Module> module_;
  hailmary::Instance instance_;
  std::string error_;
};

LoadedModule& loaded(const Kernel& kernel) {
  static std::map<std::string, std::unique_ptr<LoadedModule>> cache;
  auto& slot = cache[kernel.name];
  if (!slot) slot = std::make_unique<LoadedModule>(kernel.wasm_path);
  return *slot;
}

bool same_result(const Value& wasm, const Value& native) {
  if (wasm.type() != native.type()) return false;
  if (wasm.type() == hailmary::ValType::F64) {
    // Same source and no fast-math, so bit-equal is expected; a tolerance keeps a different
    // but legal contraction choice from failing the run.
    double scale = std::max(1.0, std::fabs(native.f64()));
    return std::fabs(wasm.f64() - native.f64()) <= 1e-9 * scale;
  }
  return wasm.bits() == native.bits();
}

void run_native(benchmark::State& state, const Kernel& kernel) {
  if (kernel.native_prepare) kernel.native_prepare(kernel.arg);
  for (auto _ : state) {
    Value v = kernel.native(kernel.arg);
    benchmark::DoNotOptimize(v);
  }
}

void run_wasm(benchmark::State& state, const Kernel& kernel) {
  LoadedModule& module = loaded(kernel);
  auto entry = module.func(kernel.entry);
  std::optional<hailmary::Func> prepare;
  if (kernel.prepare) prepare = module.func(kernel.prepare);
  if (!module.error().empty()) {
    state.SkipWithError(module.error().c_str());
    return;
  }
  Value arg = Value::i32(kernel.arg);
  if (prepare) {
    if (auto r = prepare->call(std::span<const Value>(&arg, 1)); !r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
  }
  if (kernel.native_prepare) kernel.native_prepare(kernel.arg);
  const Value expected = kernel.native(kernel.arg);

  Value result;
  for (auto _ : state) {
    auto r = entry->call(std::span<const Value>(&arg, 1), std::span<Value>(&result, 1));
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  if (!state.error_occurred() && !same_result(result, expected)) {
    std::string msg = "wrong result: wasm " + hailmary::to_string(result) + ", native " +
                      hailmary::to_string(expected);
    state.SkipWithError(msg.c_str());
  }
}

/// The kernels' rows of the combined table; V8 keys are those of bench/node/kernels.mjs.
std::vector<hm_bench::Row> table_rows() {
  std::vector<hm_bench::Row> rows;
  for (const Kernel& k : kernels()) {
    rows.push_back({std::string(k.name) + ": " + k.description, std::string(k.name) + "/wasm",
                    std::string(k.name) + "/native", std::string("kernel.") + k.name});
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  hm_bench::Flags flags = hm_bench::parse_flags(argc, argv);
  int count = static_cast<int>(flags.rest.size());

  for (const Kernel& kernel : kernels()) {
    benchmark::RegisterBenchmark((std::string(kernel.name) + "/native").c_str(),
                                 [&kernel](benchmark::State& s) { run_native(s, kernel); })
        ->Unit(benchmark::kMillisecond);
    if (kernel.wasm_path) {
      benchmark::RegisterBenchmark((std::string(kernel.name) + "/wasm").c_str(),
                                   [&kernel](benchmark::State& s) { run_wasm(s, kernel); })
          ->Unit(benchmark::kMillisecond);
    }
  }

  benchmark::Initialize(&count, flags.rest.data());
  if (benchmark::ReportUnrecognizedArguments(count, flags.rest.data())) return 1;
  hm_bench::Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  hm_bench::emit_table(flags, {{"compute kernels (time per run)", table_rows()}}, collector);
  return 0;
}
