// FFI benchmarks: host->guest add(i32, i32), guest->host (i32)->i32, string round trips of
// 1 KiB and 1 MiB (host -> guest -> host), each beside its native C++ equivalent, and the
// untyped call_raw beside the typed call to show the typed layer costs nothing.
#include <benchmark/benchmark.h>
#include <hailmary/ffi.hpp>
#include <hailmary/hailmary.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace ffi = hailmary::ffi;

#if defined(HM_WASM_BENCH)

namespace {

constexpr int32_t kHostCallsPerIteration = 1000;

struct Fixture {
  hailmary::Engine engine;
  hailmary::Store store{engine};
  hailmary::Linker linker{store};
  ffi::Guest guest;

  Fixture() {
    ffi::define(linker, "env", "host_inc", [](int32_t x) { return x + 1; });
    auto mod = hailmary::Module::from_file(engine, HM_WASM_BENCH);
    auto inst = mod ? linker.instantiate(*mod) : hailmary::Result<hailmary::Instance>(mod.error());
    auto g = inst ? ffi::Guest::attach(*inst) : hailmary::Result<ffi::Guest>(inst.error());
    if (!g) {
      std::cerr << g.error() << '\n';
      std::abort();
    }
    guest = std::move(*g);
  }
  static Fixture& get() {
    static Fixture f;
    return f;
  }
};

void BM_HostToGuest_Add_Typed(benchmark::State& state) {
  auto add = *Fixture::get().guest.func<int32_t(int32_t, int32_t)>("add");
  int32_t x = 0;
  for (auto _ : state) {
    auto r = add(x, 1);
    x = *r;
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_HostToGuest_Add_Typed);

void BM_HostToGuest_Add_Raw(benchmark::State& state) {
  auto f = *Fixture::get().guest.instance().get_func("add");
  uint64_t x = 0;
  for (auto _ : state) {
    uint64_t slots[2] = {x, 1};
    auto r = f.call_raw(slots);
    benchmark::DoNotOptimize(r);
    x = slots[0];
  }
}
BENCHMARK(BM_HostToGuest_Add_Raw);

[[gnu::noinline]] int32_t native_add(int32_t a, int32_t b) {
  return a + b;
}
void BM_HostToGuest_Add_Native(benchmark::State& state) {
  int32_t x = 0;
  for (auto _ : state) {
    x = native_add(x, 1);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_HostToGuest_Add_Native);

void BM_GuestToHost_Call(benchmark::State& state) {
  auto f = *Fixture::get().guest.func<int32_t(int32_t)>("call_host_n");
  for (auto _ : state) benchmark::DoNotOptimize(f(kHostCallsPerIteration));
  state.counters["per_call"] =
      benchmark::Counter(kHostCallsPerIteration, benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_GuestToHost_Call);

int32_t (*volatile native_host_inc)(int32_t) = [](int32_t x) { return x + 1; };
void BM_GuestToHost_Native(benchmark::State& state) {
  for (auto _ : state) {
    int32_t acc = 0;
    for (int32_t i = 0; i < kHostCallsPerIteration; ++i) acc = native_host_inc(acc);
    benchmark::DoNotOptimize(acc);
  }
  state.counters["per_call"] =
      benchmark::Counter(kHostCallsPerIteration, benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_GuestToHost_Native);

void BM_StringRoundTrip(benchmark::State& state) {
  auto echo = *Fixture::get().guest.func<std::string(std::string_view)>("echo");
  std::string s(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto r = echo(s);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StringRoundTrip)->Arg(1024)->Arg(1 << 20);

[[gnu::noinline]] std::string native_echo(std::string_view s) {
  return std::string(s);
}
void BM_StringRoundTrip_Native(benchmark::State& state) {
  std::string s(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto r = native_echo(s);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StringRoundTrip_Native)->Arg(1024)->Arg(1 << 20);

}  // namespace

#endif

BENCHMARK_MAIN();
