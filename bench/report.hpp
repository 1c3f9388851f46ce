// Shared by the bench binaries: the flags scripts/bench.sh passes them, a reporter that keeps each
// benchmark's CPU time, and the rows of the combined Markdown table (see the comment at the top
// of scripts/bench.sh for the convention).
//
// Flags (removed before Google Benchmark sees them):
//   --hm_table_out=FILE   write this binary's rows of the combined table to FILE
//   --hm_v8_json=FILE     V8 results from bench/node/*.mjs: a flat JSON object {"key": seconds
//                         per operation, ...}; rows whose key is present get a V8 column
#pragma once

#include <benchmark/benchmark.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace hm_bench {

struct Flags {
  std::string table_out;
  std::string v8_json;
  std::vector<char*> rest;  // for benchmark::Initialize
};

inline Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--hm_table_out=")) {
      flags.table_out = std::string(arg.substr(std::strlen("--hm_table_out=")));
    } else if (arg.starts_with("--hm_v8_json=")) {
      flags.v8_json = std::string(arg.substr(std::strlen("--hm_v8_json=")));
    } else {
      flags.rest.push_back(argv[i]);
    }
  }
  return flags;
}

/// Reads a flat JSON object of numbers ({"a": 1.5e-9, "b": 2}); anything else is ignored. A
/// missing or unreadable file gives an empty map (no V8 column).
inline std::map<std::string, double> read_flat_json(const std::string& path) {
  std::map<std::string, double> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string::npos) {
    size_t end = text.find('"', pos + 1);
    if (end == std::string::npos) break;
    std::string key = text.substr(pos + 1, end - pos - 1);
    size_t colon = text.find_first_not_of(" \t\r\n", end + 1);
    pos = end + 1;
    if (colon == std::string::npos || text[colon] != ':') continue;
    const char* start = text.c_str() + colon + 1;
    char* stop = nullptr;
    double value = std::strtod(start, &stop);
    if (stop != start) out[key] = value;
  }
  return out;
}

/// Console output as usual, plus the CPU time per iteration of every benchmark (the median when
/// --benchmark_repetitions is used). CPU rather than wall time: on a shared machine wall time
/// also counts other processes' turns. Benchmarks of multi-threaded work use wall time.
class Collector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // A benchmark registered with UseRealTime() (work on several threads, such as a large
      // module's load) is reported in wall time, under its name without "/real_time".
      std::string name = run.run_name.str();
      constexpr std::string_view kReal = "/real_time";
      const bool real = name.ends_with(kReal);
      if (real) name.resize(name.size() - kReal.size());
      const double seconds = (real ? run.GetAdjustedRealTime() : run.GetAdjustedCPUTime()) /
                             benchmark::GetTimeUnitMultiplier(run.time_unit);
      if (run.run_type == Run::RT_Iteration) {
        if (!medians_.contains(name)) seconds_[name] = seconds;
      } else if (run.aggregate_name == "median") {
        medians_[name] = true;
        seconds_[name] = seconds;
      }
    }
  }
  /// Seconds of CPU time per iteration, or nothing if the benchmark did not run (filtered out,
  /// skipped with an error).
  std::optional<double> seconds(const std::string& name) const {
    auto it = seconds_.find(name);
    if (it == seconds_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, double> seconds_;
  std::map<std::string, bool> medians_;
};

/// One row of the combined table: `hm` and `native` are benchmark names, `v8` a key of the V8
/// JSON. A benchmark iteration does `ops` operations; when `bytes` is set, the cells show
/// throughput (bytes per operation / time) instead of time.
struct Row {
  std::string label;
  std::string hm;
  std::string native;
  std::string v8;
  double ops = 1;
  double bytes = 0;
};

inline std::string format_time(double s) {
  char buf[32];
  if (s < 1e-6) {
    std::snprintf(buf, sizeof buf, "%.2f ns", s * 1e9);
  } else if (s < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.2f µs", s * 1e6);
  } else if (s < 1) {
    std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  return buf;
}

inline std::string format_cell(std::optional<double> seconds, double bytes) {
  if (!seconds || *seconds <= 0) return "—";
  if (bytes > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GB/s", bytes / *seconds / 1e9);
    return buf;
  }
  return format_time(*seconds);
}

/// Time ratio (for throughput rows: native throughput / ours, the same thing).
inline std::string format_ratio(std::optional<double> num, std::optional<double> den) {
  if (!num || !den || *den <= 0) return "—";
  char buf[32];
  double r = *num / *den;
  std::snprintf(buf, sizeof buf, r < 10 ? "%.2f×" : "%.1f×", r);
  return buf;
}

/// The rows, one line each: | label | Hail Mary | native | HM / native | V8 | V8 / native |.
inline std::string rows_markdown(const std::vector<Row>& rows, const Collector& collector,
                                 const std::map<std::string, double>& v8) {
  std::ostringstream out;
  for (const Row& row : rows) {
    auto per_op = [&](const std::string& name) -> std::optional<double> {
      if (name.empty()) return std::nullopt;
      auto s = collector.seconds(name);
      if (!s) return std::nullopt;
      return *s / row.ops;
    };
    std::optional<double> hm = per_op(row.hm);
    std::optional<double> native = per_op(row.native);
    std::optional<double> v8_s;
    if (auto it = v8.find(row.v8); !row.v8.empty() && it != v8.end()) v8_s = it->second;
    if (!hm && !native) continue;  // filtered out
    out << "| " << row.label << " | " << format_cell(hm, row.bytes) << " | "
        << format_cell(native, row.bytes) << " | " << format_ratio(hm, native) << " | "
        << format_cell(v8_s, row.bytes) << " | " << format_ratio(v8_s, native) << " |\n";
  }
  return out.str();
}

/// A section of the table: a bold title row, then the rows (empty if none ran).
struct Section {
  std::string title;
  std::vector<Row> rows;
};

/// Prints the sections (with a header, for a reader of this binary's own output) and writes
/// them to --hm_table_out when given.
inline void emit_table(const Flags& flags, const std::vector<Section>& sections,
                       const Collector& collector) {
  const auto v8 = read_flat_json(flags.v8_json);
  std::string body;
  for (const Section& section : sections) {
    std::string rows = rows_markdown(section.rows, collector, v8);
    if (!rows.empty()) body += "| **" + section.title + "** | | | | | |\n" + rows;
  }
  std::printf(
      "\n| benchmark | Hail Mary | native | HM / native | V8 (Node) | V8 / native |\n"
      "|---|---:|---:|---:|---:|---:|\n%s",
      body.c_str());
  if (!flags.table_out.empty()) std::ofstream(flags.table_out) << body;
}

}  // namespace hm_bench
