// Error reporting, value parsing and printing shared by the subcommands.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>

#include "cli/cli.hpp"

namespace hailmary::cli {

int fail(std::string_view message, int code) {
  std::cerr << "hailmary: " << message << '\n';
  return code;
}

std::string one_line(const Error& error) {
  std::string s = error.to_string();
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

int report_trap(const Error& error) {
  std::cerr << "hailmary: " << error.to_string() << '\n';
  if (error.to_string().find('\n') == std::string::npos && !error.backtrace().empty()) {
    // to_string() already lists frames when it has them; this covers engines that don't.
    for (const Frame& f : error.backtrace()) {
      std::cerr << "  at func[" << f.func_index << "]"
                << (f.func_name.empty() ? "" : " " + f.func_name) << '\n';
    }
  }
  return kExitTrap;
}

std::optional<Module> load(const Engine& engine, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    fail(path + ": no such file");
    return std::nullopt;
  }
  auto module = Module::from_file(engine, path);
  if (!module) {
    fail(one_line(module.error()));
    return std::nullopt;
  }
  return std::move(*module);
}

namespace {

template <class T>
std::optional<T> parse_int(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  if (s[0] == '-') {
    long long v = std::strtoll(s.c_str(), &end, 0);
    if (errno || *end ||
        v < static_cast<long long>(std::numeric_limits<std::make_signed_t<T>>::min())) {
      return std::nullopt;
    }
    return static_cast<T>(v);
  }
  unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end || v > std::numeric_limits<T>::max()) return std::nullopt;
  return static_cast<T>(v);
}

template <class F>
std::optional<F> parse_float(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  F v = std::is_same_v<F, float> ? std::strtof(s.c_str(), &end) : std::strtod(s.c_str(), &end);
  if (*end) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Value> parse_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32:
      if (auto v = parse_int<uint32_t>(text)) return Value::i32(static_cast<int32_t>(*v));
      return std::nullopt;
    case ValType::I64:
      if (auto v = parse_int<uint64_t>(text)) return Value::i64(static_cast<int64_t>(*v));
      return std::nullopt;
    case ValType::F32:
      if (auto v = parse_float<float>(text)) return Value::f32(*v);
      return std::nullopt;
    case ValType::F64:
      if (auto v = parse_float<double>(text)) return Value::f64(*v);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::string format_value(const Value& value) {
  char buf[64];
  switch (value.type()) {
    case ValType::I32:
      return std::to_string(value.i32());
    case ValType::I64:
      return std::to_string(value.i64());
    case ValType::F32: {
      auto r = std::to_chars(buf, buf + sizeof buf, value.f32());
      return std::string(buf, r.ptr);
    }
    case ValType::F64: {
      auto r = std::to_chars(buf, buf + sizeof buf, value.f64());
      return std::string(buf, r.ptr);
    }
    default:
      return to_string(value);
  }
}

int call_export(const Instance& instance, const std::string& name,
                const std::vector<std::string>& args) {
  auto func = instance.get_func(name);
  if (!func) return fail("no exported function '" + name + "'");
  const FuncType& type = func->type();
  if (args.size() != type.params.size()) {
    return fail(name + " " + to_string(type) + " takes " + std::to_string(type.params.size()) +
                    " argument(s), " + std::to_string(args.size()) + " given",
                kExitUsage);
  }
  std::vector<Value> values;
  for (size_t i = 0; i < args.size(); ++i) {
    auto v = parse_value(type.params[i], args[i]);
    if (!v) {
      return fail("argument " + std::to_string(i + 1) + " '" + args[i] + "' is not a valid " +
                      std::string(to_string(type.params[i])),
                  kExitUsage);
    }
    values.push_back(*v);
  }
  auto results = func->call(values);
  if (!results) {
    if (auto code = wasi::exit_status(results.error())) return *code;
    return report_trap(results.error());
  }
  for (const Value& v : *results) std::cout << format_value(v) << '\n';
  return 0;
}

}  // namespace hailmary::cli
