// Robustness: feed damaged modules to the decoder, validator and linker, and check that the
// engine answers with errors, never with a crash, a hang or a sanitizer report.
//
//   hm_mutation_test [--scale F] [--flips N] [--prefix-limit BYTES] [--prefix-samples N]
//                    [--seed S] [--original-ms MS] [--mutant-ms MS] [--watchdog SECONDS]
//                    (DIR | FILE.json)...
//
// Input: every binary module named in wast2json output (module, assert_invalid,
// assert_malformed, assert_unlinkable, ...), deduplicated by content. For each:
//  * the unmutated module, if the script expects it to load: decode, instantiate against
//    `spectest` plus a stub for every other import, and call every exported function with zero
//    arguments of the right types;
//  * every prefix (modules up to --prefix-limit bytes; a seeded sample of prefixes for larger
//    ones) and --flips seeded byte mutations: decode + validate, and for those that pass, the
//    same instantiate-and-call.
// Zero arguments make some spec exports loop forever (br_table's nested-br_table-loop-block,
// fac-ssa, loop's cont-inner, ...), and a mutated start function or export may too. So every
// instantiation and call runs under a deadline (--original-ms, --mutant-ms) after which a
// watchdog thread calls Store::interrupt(): the guest traps with TrapKind::Interrupted. That
// keeps the whole run bounded and exercises the interrupt path as well. If a step still makes
// no progress for --watchdog seconds (the interrupt did not work), the run fails naming it.
// Checked: decoding fails only with Malformed/Invalid (with an offset inside the input when it
// has one), instantiation only with Link/Instantiate/Trap, calls only with Trap. A crash names
// the input it was on.
//
// Workload: --scale (or the environment variable HM_MUTATION_SCALE) multiplies the flips and
// the prefix limits; the ASan/UBSan build uses a smaller scale (see CMakeLists.txt).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "json.hpp"

// Under AddressSanitizer its own handler reports crashes; we add a line through its callback.
#if defined(__SANITIZE_ADDRESS__)
#define HM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HM_ASAN 1
#endif
#endif
#ifndef HM_ASAN
#define HM_ASAN 0
#endif
#if HM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace hailmary::spec {
namespace {

namespace fs = std::filesystem;

struct Options {
  double scale = 1.0;
  uint64_t flips = 100;
  uint64_t prefix_limit = 4096;
  uint64_t prefix_samples = 512;
  uint64_t seed = 0x5eed;
  uint64_t original_ms = 200;  // deadline of a call into an unmutated spec module
  uint64_t mutant_ms = 10;     // deadline of a mutant's start function or exported call
  unsigned watchdog_seconds = 60;
};

struct SpecModule {
  std::string file;    // "br_table" (the script's name)
  std::string origin;  // "file.json:line (file.N.wasm)"
  std::vector<uint8_t> bytes;
  bool expected_valid = false;
};

struct Stats {
  uint64_t modules = 0;
  uint64_t valid_rejected = 0;  // unmutated modules the script expects to load but we reject
  uint64_t inputs = 0;
  uint64_t decoded = 0;
  uint64_t instantiated = 0;
  uint64_t interrupted = 0;  // calls or start functions stopped at their deadline
  uint64_t calls = 0;
  uint64_t call_traps = 0;
  uint64_t violations = 0;
};

/// SplitMix64: tiny, seedable, and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  uint64_t state_;
};

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Watchdog: a step that takes too long is a hang; say which input it was and stop.

std::atomic<uint64_t> g_steps{0};
std::mutex g_current_mutex;
std::string g_current;

// A copy the crash handler can read without locks or allocation.
char g_current_raw[512];

void set_current(std::string what) {
  std::lock_guard lock(g_current_mutex);
  size_t n = std::min(what.size(), sizeof g_current_raw - 2);
  std::memcpy(g_current_raw, what.data(), n);
  g_current_raw[n] = '\n';
  g_current_raw[n + 1] = '\0';
  g_current = std::move(what);
  g_steps.fetch_add(1, std::memory_order_relaxed);
}

/// Name the input that crashed the engine, then let the crash proceed as usual.
void print_current_on_crash() {
  static constexpr char kPrefix[] = "hm_mutation_test: crashed while on: ";
  (void)!write(STDERR_FILENO, kPrefix, sizeof kPrefix - 1);
  (void)!write(STDERR_FILENO, g_current_raw, std::strlen(g_current_raw));
}

#if HM_ASAN
void install_crash_reporter() {
  __sanitizer_set_death_callback(print_current_on_crash);
}
#else
void on_fatal_signal(int sig) {
  print_current_on_crash();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}
void install_crash_reporter() {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, on_fatal_signal);
}
#endif

// The store running guarded guest code, and when to interrupt it (under g_current_mutex, so
// the watchdog never touches a store that is gone).
Store* g_guarded_store = nullptr;
std::chrono::steady_clock::time_point g_deadline;

/// Runs `f` with `store` interrupted (a TrapKind::Interrupted trap) if it takes longer than
/// `budget`: spec exports called with zero arguments and mutated code may loop forever.
template <class F>
auto guarded(Store& store, std::chrono::milliseconds budget, F&& f) {
  {
    std::lock_guard lock(g_current_mutex);
    g_guarded_store = &store;
    g_deadline = std::chrono::steady_clock::now() + budget;
  }
  auto result = f();
  std::lock_guard lock(g_current_mutex);
  g_guarded_store = nullptr;
  return result;
}

void start_watchdog(unsigned seconds) {
  std::thread([seconds] {
    uint64_t last = g_steps.load();
    auto since = std::chrono::steady_clock::now();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      uint64_t now_steps = g_steps.load();
      auto now = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(g_current_mutex);
        if (g_guarded_store != nullptr && now > g_deadline) {
          g_guarded_store->interrupt();
          g_guarded_store = nullptr;  // once is enough; the trap clears the flag
        }
      }
      if (now_steps != last) {
        last = now_steps;
        since = now;
      } else if (now - since > std::chrono::seconds(seconds)) {
        std::lock_guard lock(g_current_mutex);
        std::printf("FAIL: no progress for %us (hang?) while on: %s\n", seconds, g_current.c_str());
        std::fflush(stdout);
        std::_Exit(1);
      }
    }
  }).detach();
}

// ---------------------------------------------------------------------------------------------

class MutationTest {
 public:
  explicit MutationTest(const Options& options) : options_(options), engine_(make_config()) {}

  void run(const std::vector<SpecModule>& modules) {
    for (const SpecModule& m : modules) {
      ++stats_.modules;
      if (m.expected_valid) run_original(m);
      run_prefixes(m);
      run_flips(m);
    }
  }

  const Stats& stats() const { return stats_; }

 private:
  static EngineConfig make_config() {
    // Mutations easily declare 4 GiB memories or huge tables; cap them so instantiating
    // one costs little (a too-large one is just an instantiation error).
    EngineConfig config;
    config.max_memory_pages = 1024;
    config.max_table_elements = 100000;
    return config;
  }

  void violation(const std::string& what) {
    ++stats_.violations;
    if (stats_.violations <= 50) std::printf("FAIL: %s\n", what.c_str());
  }

  /// Decode; check the error is of a decoding kind. Returns the module on success.
  std::optional<Module> decode(std::span<const uint8_t> bytes, const std::string& what) {
    ++stats_.inputs;
    Result<Module> module = Module::from_bytes(engine_, bytes);
    if (module) {
      ++stats_.decoded;
      return *module;
    }
    const Error& err = module.error();
    if (err.kind() != ErrorKind::Malformed && err.kind() != ErrorKind::Invalid) {
      violation(what + ": decoding failed with an unexpected kind: " + describe(err));
    } else if (err.offset() && *err.offset() > bytes.size()) {
      violation(what + ": error offset " + std::to_string(*err.offset()) + " is past the end (" +
                std::to_string(bytes.size()) + " bytes): " + describe(err));
    }
    return std::nullopt;
  }

  /// Instantiate with spectest and a stub for every other import, in a fresh store, and
  /// call every exported function with zero arguments. Each step is interrupted at `budget`.
  void instantiate_and_call(const Module& module, const std::string& what,
                            std::chrono::milliseconds budget) {
    Store store(engine_);
    Linker linker(store);
    Result<void> spectest = define_spectest(store, linker);
    if (!spectest) {
      violation(what + ": cannot create spectest: " + describe(spectest.error()));
      return;
    }
    for (const ImportType& import : module.imports()) {
      if (import.module == "spectest") continue;  // a wrong type there is a fine Link error
      Result<Extern> stub = make_stub(store, import.type);
      if (!stub) continue;  // e.g. a memory over the cap: instantiation reports the import
      linker.define(import.module, import.name, *stub);
    }
    Result<Instance> instance = guarded(store, budget, [&] { return linker.instantiate(module); });
    if (!instance) {
      const Error& err = instance.error();
      if (err.trap_kind() == TrapKind::Interrupted) ++stats_.interrupted;
      if (err.kind() != ErrorKind::Link && err.kind() != ErrorKind::Instantiate &&
          err.kind() != ErrorKind::Trap) {
        violation(what + ": instantiation failed with an unexpected kind: " + describe(err));
      }
      return;
    }
    ++stats_.instantiated;
    for (const NamedExtern& e : instance->exports()) {
      const Func* func = e.value.func();
      if (func == nullptr) continue;
      std::vector<Value> args;
      for (ValType t : func->type().params) args.push_back(zero_value(t));
      std::string call = what + " call " + quote_name(e.name);
      set_current(call);
      ++stats_.calls;
      Result<std::vector<Value>> result = guarded(store, budget, [&] { return func->call(args); });
      if (result) continue;
      ++stats_.call_traps;
      if (result.error().trap_kind() == TrapKind::Interrupted) ++stats_.interrupted;
      if (result.error().kind() != ErrorKind::Trap) {
        violation(call + ": call failed with a non-trap error: " + describe(result.error()));
      }
    }
  }

  static std::string quote_name(std::string_view name) {
    std::string out = "\"";
    for (char c : name) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out + "\"";
  }

  void run_original(const SpecModule& m) {
    set_current(m.origin + " (original)");
    std::optional<Module> module = decode(m.bytes, m.origin);
    if (!module) {
      ++stats_.valid_rejected;  // the spec runner reports these in detail
      return;
    }
    instantiate_and_call(*module, m.origin, std::chrono::milliseconds(options_.original_ms));
  }

  void try_mutant(std::span<const uint8_t> bytes, const std::string& what) {
    set_current(what);
    std::optional<Module> module = decode(bytes, what);
    if (!module) return;
    instantiate_and_call(*module, what, std::chrono::milliseconds(options_.mutant_ms));
  }

  void run_prefixes(const SpecModule& m) {
    const size_t n = m.bytes.size();
    std::span<const uint8_t> all(m.bytes);
    const auto limit =
        static_cast<uint64_t>(static_cast<double>(options_.prefix_limit) * options_.scale);
    if (n <= limit) {
      for (size_t len = 0; len < n; ++len) {
        try_mutant(all.first(len), m.origin + " prefix " + std::to_string(len));
      }
      return;
    }
    // Large module: the header region densely, then a seeded sample.
    Rng rng(options_.seed ^ fnv1a(m.origin) ^ 0x9f);
    std::set<size_t> lengths;
    for (size_t len = 0; len < std::min<size_t>(n, 64); ++len) lengths.insert(len);
    const auto samples =
        static_cast<uint64_t>(static_cast<double>(options_.prefix_samples) * options_.scale);
    for (uint64_t i = 0; i < samples; ++i) lengths.insert(rng.below(n));
    for (size_t len : lengths) {
      try_mutant(all.first(len), m.origin + " prefix " + std::to_string(len));
    }
  }

  void run_flips(const SpecModule& m) {
    if (m.bytes.size() <= 8) return;  // nothing past the header to damage
    Rng rng(options_.seed ^ fnv1a(m.origin));
    const auto flips =
        static_cast<uint64_t>(std::ceil(static_cast<double>(options_.flips) * options_.scale));
    static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x41};
    std::vector<uint8_t> copy;
    for (uint64_t i = 0; i < flips; ++i) {
      copy = m.bytes;
      std::string what = m.origin + " flip " + std::to_string(i) + " [";
      const uint64_t count = 1 + rng.below(3);
      for (uint64_t k = 0; k < count; ++k) {
        // Mostly past the 8-byte header: damaging the magic only tests one early check.
        size_t pos = rng.below(8) == 0 ? rng.below(copy.size()) : 8 + rng.below(copy.size() - 8);
        if (rng.below(2) == 0) {
          copy[pos] ^= static_cast<uint8_t>(1 + rng.below(255));
        } else {
          copy[pos] = kInteresting[rng.below(sizeof kInteresting)];
        }
        what += (k != 0 ? " " : "") + std::to_string(pos);
      }
      what += "]";
      try_mutant(copy, what);
    }
  }

  const Options& options_;
  Engine engine_;
  Stats stats_;
};

/// Every binary module named in the given wast2json files, deduplicated by content.
std::vector<SpecModule> collect_modules(const std::vector<fs::path>& jsons, bool& ok) {
  std::vector<SpecModule> modules;
  std::set<std::vector<uint8_t>> seen;
  for (const fs::path& json : jsons) {
    std::optional<std::string> text = read_text_file(json);
    std::optional<Json> doc = text ? parse_json(*text) : std::nullopt;
    const Json* commands = doc ? doc->find("commands") : nullptr;
    if (commands == nullptr) {
      std::printf("FAIL: cannot read commands from %s\n", json.string().c_str());
      ok = false;
      continue;
    }
    for (const Json& cmd : commands->items()) {
      std::string_view file = cmd.get_string("filename");
      if (!file.ends_with(".wasm")) continue;  // .wat: text modules
      std::optional<std::vector<uint8_t>> bytes =
          read_binary_file(json.parent_path() / std::string(file));
      if (!bytes) {
        std::printf("FAIL: cannot read %s\n", std::string(file).c_str());
        ok = false;
        continue;
      }
      if (!seen.insert(*bytes).second) continue;
      const Json* line = cmd.find("line");
      modules.push_back(SpecModule{json.stem().string(),
                                   json.filename().string() + ":" +
                                       (line != nullptr ? line->as_string() : "?") + " (" +
                                       std::string(file) + ")",
                                   std::move(*bytes), cmd.get_string("type") == "module"});
    }
  }
  return modules;
}

bool parse_number(const char* s, double& out) {
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end != s && *end == '\0' && out >= 0;
}

int main_impl(int argc, char** argv) {
  Options options;
  if (const char* env = std::getenv("HM_MUTATION_SCALE")) {
    double v = 0;
    if (parse_number(env, v)) options.scale = v;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--")) {
      double v = 0;
      if (i + 1 >= argc || !parse_number(argv[i + 1], v)) {
        std::fprintf(stderr, "bad or missing value for %s\n", argv[i]);
        return 2;
      }
      ++i;
      if (arg == "--scale")
        options.scale = v;
      else if (arg == "--flips")
        options.flips = static_cast<uint64_t>(v);
      else if (arg == "--prefix-limit")
        options.prefix_limit = static_cast<uint64_t>(v);
      else if (arg == "--prefix-samples")
        options.prefix_samples = static_cast<uint64_t>(v);
      else if (arg == "--seed")
        options.seed = static_cast<uint64_t>(v);
      else if (arg == "--watchdog")
        options.watchdog_seconds = static_cast<unsigned>(v);
      else {
        std::fprintf(stderr, "unknown option %s\n", argv[i - 1]);
        return 2;
      }
    } else {
      inputs.emplace_back(arg);
    }
  }
  std::vector<fs::path> jsons;
  for (const fs::path& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      for (const auto& entry : fs::directory_iterator(in, ec)) {
        if (entry.path().extension() == ".json") jsons.push_back(entry.path());
      }
    } else {
      jsons.push_back(in);
    }
  }
  std::sort(jsons.begin(), jsons.end());  // deterministic order, whatever the file system
  if (jsons.empty()) {
    std::fprintf(stderr,
                 "usage: hm_mutation_test [--scale F] [--flips N] [--prefix-limit BYTES] "
                 "[--prefix-samples N] [--seed S] [--watchdog SECONDS] (DIR | FILE.json)...\n");
    return 2;
  }

  bool ok = true;
  std::vector<SpecModule> modules = collect_modules(jsons, ok);
  install_crash_reporter();
  start_watchdog(options.watchdog_seconds);
  auto t0 = std::chrono::steady_clock::now();
  MutationTest test(options);
  test.run(modules);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const Stats& s = test.stats();
  std::printf(
      "%llu modules from %zu files (scale %.2f): %llu inputs decoded (%llu accepted), "
      "%llu instantiated, %llu calls (%llu trapped), %llu interrupted at their deadline; "
      "%llu valid spec modules rejected (see the spec tests); %.1fs\n",
      static_cast<unsigned long long>(s.modules), jsons.size(), options.scale,
      static_cast<unsigned long long>(s.inputs), static_cast<unsigned long long>(s.decoded),
      static_cast<unsigned long long>(s.instantiated), static_cast<unsigned long long>(s.calls),
      static_cast<unsigned long long>(s.call_traps), static_cast<unsigned long long>(s.interrupted),
      static_cast<unsigned long long>(s.valid_rejected), secs);
  if (s.violations != 0) {
    std::printf("%llu violations\n", static_cast<unsigned long long>(s.violations));
  }
  std::fflush(stdout);
  return ok && s.violations == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hailmary::spec

int main(int argc, char** argv) {
  return hailmary::spec::main_impl(argc, argv);
}
