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
// Besides Google Benchmark's output, prints a summary table (and writes it as Markdown to
// --hm_table_out=FILE), where "translation only" is the code size over (translate - validate).
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

/// Keeps the CPU time per iteration of every run (the median with repetitions).
class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const double s = run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      const std::string name = run.run_name.str();
      if (run.run_type == Run::RT_Iteration) {
        if (!median_.contains(name)) seconds_[name] = s;
      } else if (run.aggregate_name == "median") {
        median_[name] = true;
        seconds_[name] = s;
      }
    }
  }
  std::optional<double> seconds(const std::string& name) const {
    auto it = seconds_.find(name);
    if (it == seconds_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, double> seconds_;
  std::map<std::string, bool> median_;
};

std::string ms(std::optional<double> s) {
  if (!s) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", *s * 1e3);
  return buf;
}

std::string mbps(uint64_t bytes, std::optional<double> s) {
  if (!s || *s <= 0) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MB/s", static_cast<double>(bytes) / *s / 1e6);
  return buf;
}

std::string table(const Collector& results) {
  std::string out =
      "| module | code | load+instantiate (lazy) | validation | eager load (all translated) | "
      "translation only |\n"
      "|---|---:|---:|---:|---:|---:|\n";
  for (const Case& c : cases()) {
    char size[32];
    std::snprintf(size, sizeof size, "%.0f KB", static_cast<double>(c.code_bytes) / 1e3);
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

}  // namespace

int main(int argc, char** argv) {
  std::string table_out;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--hm_table_out=", 15) == 0) {
      table_out = argv[i] + 15;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());

#ifdef HM_BENCH_WASM_FIB
  add_case("small (fib kernel)", HM_BENCH_WASM_FIB, false, "not built");
#else
  add_case("small (fib kernel)", "", false, "clang-19 not found");
#endif
  add_case("lua.wasm", std::string(HM_SHARED_DIR) + "/workloads/wasm/lua.wasm", true,
           "shared workloads absent");
  add_case("sqlite.wasm", HM_BENCH_SQLITE_WASM, true,
           "not built (bench/instantiate/build_sqlite_wasm.sh)");
  for (const Case& c : cases()) {
    if (!c.skipped.empty()) {
      std::printf("%s: skipped, %s\n", c.name.c_str(), c.skipped.c_str());
      continue;
    }
    benchmark::RegisterBenchmark(("instantiate/" + c.name).c_str(), BM_LoadInstantiate, &c)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("validate/" + c.name).c_str(), BM_Load, &c, false)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("translate/" + c.name).c_str(), BM_Load, &c, true)
        ->Unit(benchmark::kMillisecond);
  }

  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();

  const std::string t = table(collector);
  std::printf("\n%s", t.c_str());
  if (!table_out.empty()) {
    std::ofstream out(table_out);
    out << t;
  }
  return 0;
}
