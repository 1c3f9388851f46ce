// hailmary_ffi_bench: the cost of crossing the host/guest boundary, each case beside its native
// C++ equivalent.
//   - host -> guest calls with 0, 2 and 8 i32 arguments, through the typed FFI and through the
//     untyped Func::call_raw; native: a call through a function pointer the compiler cannot see
//     through (volatile), so it is a real indirect call, not inlined;
//   - guest -> host calls with 0, 2 and 8 arguments (the guest calls an import 1000 times per
//     iteration; the table divides);
//   - string and byte round trips (host -> guest -> host: allocate in the guest, copy in, the
//     guest copies into a new allocation, copy out, free) at 16 B ... 1 MiB; native: a
//     non-inlined function returning a copy;
//   - copying 1 MiB into and out of guest memory (Memory::write/read, GuestMemory::read_bytes,
//     a GuestView), as GB/s; native: memcpy.
// The guest is bench/guests/ffi_guest.cpp; bench/node/ffi.mjs runs the same module under V8.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <hailmary/ffi.hpp>
#include <hailmary/hailmary.hpp>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "report.hpp"

namespace ffi = hailmary::ffi;

namespace {

constexpr int32_t kGuestCalls = 1000;  // guest -> host calls per iteration
constexpr size_t kCopyBytes = 1 << 20;
constexpr int64_t kSizes[] = {16, 256, 4 << 10, 64 << 10, 1 << 20};

std::string size_label(int64_t n) {
  if (n >= (1 << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= (1 << 10)) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " B";
}

// ---- native baselines -------------------------------------------------------------------------
int32_t native0_impl() {
  return 42;
}
int32_t native2_impl(int32_t a, int32_t b) {
  return a + b;
}
int32_t native8_impl(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
                     int32_t h) {
  return a + b + c + d + e + f + g + h;
}
// volatile: the compiler must load the pointer and make an indirect call every time.
int32_t (*volatile native0)() = native0_impl;
int32_t (*volatile native2)(int32_t, int32_t) = native2_impl;
int32_t (*volatile native8)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t,
                            int32_t) = native8_impl;

[[gnu::noinline]] std::string native_echo_string(std::string_view s) {
  return std::string(s);
}
[[gnu::noinline]] std::vector<uint8_t> native_echo_bytes(std::span<const uint8_t> b) {
  return std::vector<uint8_t>(b.begin(), b.end());
}

#if defined(HM_BENCH_WASM_FFI_GUEST)

struct Fixture {
  hailmary::Engine engine;
  hailmary::Store store{engine};
  hailmary::Linker linker{store};
  ffi::Guest guest;
  ffi::GuestBuffer buffer;  // kCopyBytes in guest memory, for the copy benchmarks

  Fixture() {
    ffi::define(linker, "env", "host0", []() -> int32_t { return 1; });
    ffi::define(linker, "env", "host2", [](int32_t a, int32_t b) -> int32_t { return a + b; });
    ffi::define(linker, "env", "host8",
                [](int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
                   int32_t h) -> int32_t { return a + b + c + d + e + f + g + h; });
    auto mod = hailmary::Module::from_file(engine, HM_BENCH_WASM_FFI_GUEST);
    auto inst = mod ? linker.instantiate(*mod) : hailmary::Result<hailmary::Instance>(mod.error());
    auto g = inst ? ffi::Guest::attach(*inst) : hailmary::Result<ffi::Guest>(inst.error());
    if (!g) {
      std::cerr << g.error() << '\n';
      std::abort();
    }
    guest = std::move(*g);
    auto b = guest.alloc(kCopyBytes);
    if (!b) {
      std::cerr << b.error() << '\n';
      std::abort();
    }
    buffer = std::move(*b);
  }
  static Fixture& get() {
    static Fixture f;
    return f;
  }
};

template <class Sig>
ffi::TypedFunc<Sig> typed(const char* name) {
  auto f = Fixture::get().guest.func<Sig>(name);
  if (!f) {
    std::cerr << f.error() << '\n';
    std::abort();
  }
  return std::move(*f);
}

hailmary::Func raw(const char* name) {
  auto f = Fixture::get().guest.instance().get_func(name);
  if (!f) {
    std::cerr << "no export " << name << '\n';
    std::abort();
  }
  return *f;
}

// ---- host -> guest ----------------------------------------------------------------------------
void h2g0_typed(benchmark::State& state) {
  auto f = typed<int32_t()>("call0");
  for (auto _ : state) benchmark::DoNotOptimize(*f());
}
void h2g2_typed(benchmark::State& state) {
  auto f = typed<int32_t(int32_t, int32_t)>("add2");
  int32_t x = 0;
  for (auto _ : state) {
    x = *f(x, 1);
    benchmark::DoNotOptimize(x);
  }
}
void h2g8_typed(benchmark::State& state) {
  auto f = typed<int32_t(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t)>(
      "add8");
  int32_t x = 0;
  for (auto _ : state) {
    x = *f(x, 1, 2, 3, 4, 5, 6, 7);
    benchmark::DoNotOptimize(x);
  }
}
void h2g0_raw(benchmark::State& state) {
  hailmary::Func f = raw("call0");
  for (auto _ : state) {
    uint64_t slots[1] = {0};
    benchmark::DoNotOptimize(f.call_raw(slots));
    benchmark::DoNotOptimize(slots[0]);
  }
}
void h2g2_raw(benchmark::State& state) {
  hailmary::Func f = raw("add2");
  uint64_t x = 0;
  for (auto _ : state) {
    uint64_t slots[2] = {x, 1};
    benchmark::DoNotOptimize(f.call_raw(slots));
    x = slots[0];
  }
}
void h2g8_raw(benchmark::State& state) {
  hailmary::Func f = raw("add8");
  uint64_t x = 0;
  for (auto _ : state) {
    uint64_t slots[8] = {x, 1, 2, 3, 4, 5, 6, 7};
    benchmark::DoNotOptimize(f.call_raw(slots));
    x = static_cast<uint32_t>(slots[0]);
  }
}

// ---- guest -> host ----------------------------------------------------------------------------
void g2h(benchmark::State& state, const char* name) {
  auto f = typed<int32_t(int32_t)>(name);
  for (auto _ : state) benchmark::DoNotOptimize(*f(kGuestCalls));
}

// ---- round trips --------------------------------------------------------------------------------
void string_round_trip(benchmark::State& state, int64_t n) {
  auto echo = typed<std::string(std::string_view)>("echo_string");
  std::string s(static_cast<size_t>(n), 'x');
  for (auto _ : state) {
    auto r = echo(s);
    if (!r || r->size() != s.size()) {
      state.SkipWithError("echo_string failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * n);
}
void bytes_round_trip(benchmark::State& state, int64_t n) {
  auto echo = typed<std::vector<uint8_t>(std::span<const uint8_t>)>("echo_bytes");
  std::vector<uint8_t> b(static_cast<size_t>(n), 0xa5);
  for (auto _ : state) {
    auto r = echo(b);
    if (!r || r->size() != b.size()) {
      state.SkipWithError("echo_bytes failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * n);
}

// ---- copies -----------------------------------------------------------------------------------
void copy_in(benchmark::State& state) {
  Fixture& fx = Fixture::get();
  hailmary::Memory mem = fx.guest.memory().memory();
  std::vector<uint8_t> src(kCopyBytes, 0x5a);
  for (auto _ : state) {
    if (!mem.write(fx.buffer.ptr(), src)) state.SkipWithError("write failed");
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCopyBytes));
}
void copy_out(benchmark::State& state) {
  Fixture& fx = Fixture::get();
  hailmary::Memory mem = fx.guest.memory().memory();
  std::vector<uint8_t> dst(kCopyBytes);
  for (auto _ : state) {
    if (!mem.read(fx.buffer.ptr(), dst)) state.SkipWithError("read failed");
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCopyBytes));
}
void copy_out_read_bytes(benchmark::State& state) {
  Fixture& fx = Fixture::get();
  ffi::GuestMemory mem = fx.guest.memory();
  for (auto _ : state) {
    auto v = mem.read_bytes(fx.buffer.ptr(), kCopyBytes);
    if (!v) state.SkipWithError("read_bytes failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCopyBytes));
}
void copy_out_view(benchmark::State& state) {
  Fixture& fx = Fixture::get();
  ffi::GuestMemory mem = fx.guest.memory();
  std::vector<uint8_t> dst(kCopyBytes);
  for (auto _ : state) {
    auto view = mem.view(fx.buffer.ptr(), kCopyBytes);
    auto bytes = view ? view->bytes() : hailmary::Result<std::span<uint8_t>>(view.error());
    if (!bytes) {
      state.SkipWithError("view failed");
      break;
    }
    std::memcpy(dst.data(), bytes->data(), bytes->size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCopyBytes));
}

#endif  // HM_BENCH_WASM_FFI_GUEST

// ---- native -----------------------------------------------------------------------------------
void native_call0(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(native0());
}
void native_call2(benchmark::State& state) {
  int32_t x = 0;
  for (auto _ : state) {
    x = native2(x, 1);
    benchmark::DoNotOptimize(x);
  }
}
void native_call8(benchmark::State& state) {
  int32_t x = 0;
  for (auto _ : state) {
    x = native8(x, 1, 2, 3, 4, 5, 6, 7);
    benchmark::DoNotOptimize(x);
  }
}
// The guest -> host loop done natively: kGuestCalls indirect calls per iteration.
void native_loop0(benchmark::State& state) {
  for (auto _ : state) {
    int32_t acc = 0;
    for (int32_t i = 0; i < kGuestCalls; ++i) acc += native0();
    benchmark::DoNotOptimize(acc);
  }
}
void native_loop2(benchmark::State& state) {
  for (auto _ : state) {
    int32_t acc = 0;
    for (int32_t i = 0; i < kGuestCalls; ++i) acc = native2(acc, i);
    benchmark::DoNotOptimize(acc);
  }
}
void native_loop8(benchmark::State& state) {
  for (auto _ : state) {
    int32_t acc = 0;
    for (int32_t i = 0; i < kGuestCalls; ++i) acc = native8(acc, i, 1, 2, 3, 4, 5, 6);
    benchmark::DoNotOptimize(acc);
  }
}
void native_string(benchmark::State& state, int64_t n) {
  std::string s(static_cast<size_t>(n), 'x');
  for (auto _ : state) {
    auto r = native_echo_string(s);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * n);
}
void native_bytes(benchmark::State& state, int64_t n) {
  std::vector<uint8_t> b(static_cast<size_t>(n), 0xa5);
  for (auto _ : state) {
    auto r = native_echo_bytes(b);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * n);
}
void native_memcpy(benchmark::State& state) {
  std::vector<uint8_t> src(kCopyBytes, 0x5a);
  std::vector<uint8_t> dst(kCopyBytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), kCopyBytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCopyBytes));
}

void add(const std::string& name, void (*fn)(benchmark::State&)) {
  benchmark::RegisterBenchmark(name.c_str(), fn);
}
template <class F>
void add(const std::string& name, F fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn);
}

}  // namespace

int main(int argc, char** argv) {
  hm_bench::Flags flags = hm_bench::parse_flags(argc, argv);
  int count = static_cast<int>(flags.rest.size());

  std::vector<hm_bench::Row> calls, data;
  for (int n : {0, 2, 8}) {
    const std::string a = std::to_string(n);
    calls.push_back({"host→guest call, " + a + " args (typed FFI)", "h2g" + a + "/typed",
                     "call" + a + "/native", "call.h2g." + a});
  }
  for (int n : {0, 2, 8}) {
    const std::string a = std::to_string(n);
    calls.push_back({"host→guest call, " + a + " args (Func::call_raw)", "h2g" + a + "/raw",
                     "call" + a + "/native", ""});
  }
  for (int n : {0, 2, 8}) {
    const std::string a = std::to_string(n);
    calls.push_back({"guest→host call, " + a + " args", "g2h" + a + "/wasm", "g2h" + a + "/native",
                     "call.g2h." + a, kGuestCalls});
  }
  for (const char* kind : {"string", "bytes"}) {
    for (int64_t n : kSizes) {
      const std::string size = std::to_string(n);
      data.push_back({std::string(kind) + " round trip, " + size_label(n),
                      std::string(kind) + "/" + size + "/wasm",
                      std::string(kind) + "/" + size + "/native", std::string(kind) + "." + size});
    }
  }
  const double mib = static_cast<double>(kCopyBytes);
  data.push_back({"copy 1 MiB into guest memory (Memory::write)", "copy_in/wasm", "memcpy/native",
                  "copy.in", 1, mib});
  data.push_back({"copy 1 MiB out of guest memory (Memory::read)", "copy_out/wasm", "memcpy/native",
                  "copy.out", 1, mib});
  data.push_back({"copy 1 MiB out (GuestMemory::read_bytes, new vector)", "copy_out_vector/wasm",
                  "bytes/1048576/native", "", 1, mib});
  data.push_back(
      {"copy 1 MiB out through a GuestView", "copy_out_view/wasm", "memcpy/native", "", 1, mib});

  add("call0/native", native_call0);
  add("call2/native", native_call2);
  add("call8/native", native_call8);
  add("g2h0/native", native_loop0);
  add("g2h2/native", native_loop2);
  add("g2h8/native", native_loop8);
  for (int64_t n : kSizes) {
    add("string/" + std::to_string(n) + "/native",
        [n](benchmark::State& s) { native_string(s, n); });
    add("bytes/" + std::to_string(n) + "/native", [n](benchmark::State& s) { native_bytes(s, n); });
  }
  add("memcpy/native", native_memcpy);
#if defined(HM_BENCH_WASM_FFI_GUEST)
  add("h2g0/typed", h2g0_typed);
  add("h2g2/typed", h2g2_typed);
  add("h2g8/typed", h2g8_typed);
  add("h2g0/raw", h2g0_raw);
  add("h2g2/raw", h2g2_raw);
  add("h2g8/raw", h2g8_raw);
  add("g2h0/wasm", [](benchmark::State& s) { g2h(s, "call_host0_n"); });
  add("g2h2/wasm", [](benchmark::State& s) { g2h(s, "call_host2_n"); });
  add("g2h8/wasm", [](benchmark::State& s) { g2h(s, "call_host8_n"); });
  for (int64_t n : kSizes) {
    add("string/" + std::to_string(n) + "/wasm",
        [n](benchmark::State& s) { string_round_trip(s, n); });
    add("bytes/" + std::to_string(n) + "/wasm",
        [n](benchmark::State& s) { bytes_round_trip(s, n); });
  }
  add("copy_in/wasm", copy_in);
  add("copy_out/wasm", copy_out);
  add("copy_out_vector/wasm", copy_out_read_bytes);
  add("copy_out_view/wasm", copy_out_view);
#endif

  benchmark::Initialize(&count, flags.rest.data());
  if (benchmark::ReportUnrecognizedArguments(count, flags.rest.data())) return 1;
  hm_bench::Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();

  hm_bench::emit_table(flags,
                       {{"calls (time per call)", calls},
                        {"strings, bytes and copies (time per round trip, or GB/s)", data}},
                       collector);
  return 0;
}
