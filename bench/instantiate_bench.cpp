// hailmary_instantiate_bench: the cost of loading and instantiating a module, for a small
// module, Lua (../shared/workloads/wasm/lua.wasm, 327 KB) and SQLite (about 1 MB, built from
// Debian's sqlite3 source package by bench/instantiate/build_sqlite_wasm.sh).
//
//   load+instantiate  Module::from_bytes (lazy translation: every body validated, none
//                     translated) + a new Store, Linker (with WASI) and instantiate
//   validate          Module::from_bytes alone, lazy: decode + validation; MB/s of code section
//   translate         Module::from_bytes with EngineConfig::eager_translation: decode,
//                     validation and translation of every body; MB/s of code section
//
// Besides Google Benchmark's output, prints a summary table, where "translation only" is the
// code size over (translate - validate), and writes its rows of the suite's combined table to
// --hm_table_out=FILE (bench/report.hpp, scripts/bench.sh).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "hailmary/wasi.hpp"
#include "report.hpp"

namespace {

struct Case {
  std::string name;
  std::string path;
  std::vector<uint8_t> bytes;
  uint64_t code_bytes = 0;  // size of the code section
  bool wasi = false;
  std::string skipped;  // why the case cannot run, if it cannot
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Size of the code section (id 10), or 0.
uint64_t code_section_size(const std::vector<uint8_t>& b) {
  size_t pos = 8;
  auto leb = [&]() -> uint64_t {
    uint64_t v = 0;
    for (unsigned shift = 0; pos < b.size() && shift < 64; shift += 7) {
      uint8_t byte = b[pos++];
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    return v;
  };
  while (pos < b.size()) {
    uint8_t id = b[pos++];
    uint64_t size = leb();
    if (id == 10) return size;
    pos += size;
  }
  return 0;
}

std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

void add_case(const std::string& name, const std::string& path, bool wasi,
              const std::string& missing_why) {
  Case c{name, path, {}, 0, wasi, {}};
  if (path.empty()) {
    c.skipped = missing_why;
  } else {
    c.bytes = read_file(path);
    if (c.bytes.empty()) c.skipped = missing_why + " (" + path + ")";
    c.code_bytes = code_section_size(c.bytes);
  }
  cases().push_back(std::move(c));
}

void BM_LoadInstantiate(benchmark::State& state, const Case* c) {
  hailmary::Engine engine;
  for (auto _ : state) {
    auto module = hailmary::Module::from_bytes(engine, c->bytes);
    if (!module) return state.SkipWithError(module.error().message().c_str());
    hailmary::Store store(engine);
    hailmary::Linker linker(store);
    if (c->wasi) {
      auto ctx = hailmary::wasi::make_context({});
      if (!ctx) return state.SkipWithError(ctx.error().message().c_str());
      if (auto r = hailmary::wasi::add_to_linker(linker, *ctx); !r)
        return state.SkipWithError(r.error().message().c_str());
    }
    auto instance = linker.instantiate(*module);
    if (!instance) return state.SkipWithError(instance.error().message().c_str());
    benchmark::DoNotOptimize(instance);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c->code_bytes));
}

void BM_Load(benchmark::State& state, const Case* c, bool eager) {
  hailmary::EngineConfig config;
  config.eager_translation = eager;
  hailmary::Engine engine(config);
  for (auto _ : state) {
    auto module = hailmary::Module::from_bytes(engine, c->bytes);
    if (!module) return state.SkipWithError(module.error().message().c_str());
    benchmark::DoNotOptimize(module);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c->code_bytes));
}

std::string ms(std::optional<double> s) {
  return s ? hm_bench::format_time(*s) : "—";
}

std::string size_of(uint64_t bytes) {
  char buf[32];
  if (bytes < 10000) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f KB", static_cast<double>(bytes) / 1e3);
  }
  return buf;
}

std::string mbps(uint64_t bytes, std::optional<double> s) {
  if (!s || *s <= 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MB/s", static_cast<double>(bytes) / *s / 1e6);
  return buf;
}

std::string table(const hm_bench::Collector& results) {
  std::string out =
      "| module | code | load+instantiate (lazy) | validation | eager load (all translated) | "
      "translation only |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  for (const Case& c : cases()) {
    const std::string size = size_of(c.code_bytes);
    if (!c.skipped.empty()) {
      out += "| " + c.name + " | skipped: " + c.skipped + " | | | | |\n";
      continue;
    }
    auto inst = results.seconds("instantiate/" + c.name);
    auto validate = results.seconds("validate/" + c.name);
    auto translate = results.seconds("translate/" + c.name);
    std::optional<double> only;
    if (validate && translate && *translate > *validate) only = *translate - *validate;
    out += "| " + c.name + " | " + size + " | " + ms(inst) + " | " + mbps(c.code_bytes, validate) +
           " (" + ms(validate) + ") | " + mbps(c.code_bytes, translate) + " (" + ms(translate) +
           ") | " + mbps(c.code_bytes, only) + " |\n";
  }
  return out;
}

/// This binary's rows of the suite's combined table (scripts/bench.sh): six cells, no native
/// figure for a load; a V8 time where V8.json has "instantiate/<module>".
std::string suite_rows(const hm_bench::Collector& results,
                       const std::map<std::string, double>& v8) {
  std::string out = "| **instantiation (load + instantiate; lazy translation)** | | | | | |\n";
  for (const Case& c : cases()) {
    const std::string size = size_of(c.code_bytes);
    const std::string what = c.name + " (" + size + " of code)";
    if (!c.skipped.empty()) {
      out += "| " + c.name + ": skipped, " + c.skipped + " | — | — | — | — | — |\n";
      continue;
    }
    auto it = v8.find("instantiate/" + c.name);
    const std::string v8_cell = it == v8.end() ? "—" : ms(it->second);
    out += "| " + what + " | " + ms(results.seconds("instantiate/" + c.name)) + " | — | — | " +
           v8_cell + " | — |\n";
  }
  for (const Case& c : cases()) {
    if (!c.skipped.empty() || c.code_bytes < 100000) continue;
    auto validate = results.seconds("validate/" + c.name);
    auto translate = results.seconds("translate/" + c.name);
    std::optional<double> only;
    if (validate && translate && *translate > *validate) only = *translate - *validate;
    out += "| " + c.name + ": validation (load, lazy) | " + mbps(c.code_bytes, validate) +
           " | — | — | — | — |\n";
    out += "| " + c.name + ": translation of every body (eager load − lazy load) | " +
           mbps(c.code_bytes, only) + " | — | — | — | — |\n";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  hm_bench::Flags flags = hm_bench::parse_flags(argc, argv);
  int n = static_cast<int>(flags.rest.size());

#ifdef HM_BENCH_WASM_FIB
  add_case("small (fib kernel)", HM_BENCH_WASM_FIB, false, "not built");
#else
  add_case("small (fib kernel)", "", false, "clang-19 not found");
#endif
  add_case("lua.wasm", std::string(HM_SHARED_DIR) + "/workloads/wasm/lua.wasm", true,
           "shared workloads absent");
  add_case("sqlite.wasm", HM_BENCH_SQLITE_WASM, true,
           "not built (run scripts/setup.sh --bench, then rebuild)");
  for (const Case& c : cases()) {
    if (!c.skipped.empty()) {
      std::printf("%s: skipped, %s\n", c.name.c_str(), c.skipped.c_str());
      continue;
    }
    benchmark::RegisterBenchmark(("instantiate/" + c.name).c_str(), BM_LoadInstantiate, &c)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("validate/" + c.name).c_str(), BM_Load, &c, false)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("translate/" + c.name).c_str(), BM_Load, &c, true)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }

  benchmark::Initialize(&n, flags.rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, flags.rest.data())) return 1;
  hm_bench::Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();

  std::printf("\n%s", table(collector).c_str());
  const std::string rows = suite_rows(collector, hm_bench::read_flat_json(flags.v8_json));
  if (!flags.table_out.empty()) std::ofstream(flags.table_out) << rows;
  return 0;
}
