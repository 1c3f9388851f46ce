// `hailmary call`: call one export with arguments parsed by its signature. The signature is
// the export's ABI signature when one is known (--sig, or the module's `hailmary.abi` contract):
// strings and bytes then travel through the guest's allocator (ffi::DynamicFunc); otherwise the
// core wasm type, with numbers only.
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/cli.hpp"
#include "hailmary/ffi.hpp"

namespace hailmary::cli {

namespace {

using abi::Kind;

std::optional<std::vector<uint8_t>> parse_hex(std::string_view s) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  if (s.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = digit(s[i]), lo = digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::optional<Value> parse_scalar(ValType val, bool is_bool, std::string_view text) {
  if (is_bool) {
    if (text == "true" || text == "1") return Value::i32(1);
    if (text == "false" || text == "0") return Value::i32(0);
    return std::nullopt;
  }
  return parse_value(val, text);
}

/// One argument of an ABI signature from its command-line text.
std::optional<ffi::DynValue> parse_arg(const ffi::DynType& t, const std::string& text,
                                       std::string& why) {
  switch (t.kind) {
    case Kind::String:
      return ffi::DynValue(text);
    case Kind::Bytes: {
      if (text.starts_with("@")) {
        std::ifstream in(text.substr(1), std::ios::binary);
        if (!in) {
          why = "cannot read " + text.substr(1);
          return std::nullopt;
        }
        return ffi::DynValue(std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {}));
      }
      if (auto b = parse_hex(text)) return ffi::DynValue(std::move(*b));
      why = "bytes are hex digits (e.g. 68690a) or @FILE";
      return std::nullopt;
    }
    case Kind::Struct: {
      // "1,2" or "x=1,y=2": one value per field, in order.
      std::vector<Value> fields;
      size_t pos = 0;
      for (const auto& f : t.fields) {
        if (pos > text.size()) break;
        size_t comma = text.find(',', pos);
        std::string item = text.substr(pos, comma == std::string::npos ? comma : comma - pos);
        pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
        if (item.starts_with(f.name + "=")) item = item.substr(f.name.size() + 1);
        ValType val = f.type == "i64" || f.type == "u64" ? ValType::I64
                      : f.type == "f32"                  ? ValType::F32
                      : f.type == "f64"                  ? ValType::F64
                                                         : ValType::I32;
        auto v = parse_scalar(val, f.type == "bool", item);
        if (!v) {
          why = "field " + f.name + " '" + item + "' is not a valid " + f.type;
          return std::nullopt;
        }
        fields.push_back(*v);
      }
      if (fields.size() != t.fields.size() || pos <= text.size()) {
        why = t.text + " takes " + std::to_string(t.fields.size()) + " comma-separated field(s)";
        return std::nullopt;
      }
      return ffi::DynValue(std::move(fields));
    }
    default:
      if (auto v = parse_scalar(t.val, t.kind == Kind::Bool, text)) return ffi::DynValue(*v);
      why = "not a valid " + t.text;
      return std::nullopt;
  }
}

std::string format_typed(const Value& v, std::string_view type, bool is_unsigned) {
  if (type == "bool") return v.i32() != 0 ? "true" : "false";
  if (is_unsigned || type == "u8" || type == "u16" || type == "u32" || type == "u64" ||
      type == "ptr" || type == "char" || type.starts_with("handle")) {
    return v.type() == ValType::I64 ? std::to_string(static_cast<uint64_t>(v.i64()))
                                    : std::to_string(static_cast<uint32_t>(v.i32()));
  }
  return format_value(v);
}

void print_result(const ffi::DynType& t, const ffi::DynValue& r) {
  if (const auto* s = std::get_if<std::string>(&r)) {
    std::cout << *s << '\n';
  } else if (const auto* b = std::get_if<std::vector<uint8_t>>(&r)) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (uint8_t c : *b) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    std::cout << out << '\n';
  } else if (const auto* v = std::get_if<Value>(&r)) {
    const ffi::DynType& vt = t.kind == Kind::Fallible ? t.elements[0] : t;
    std::cout << format_typed(*v, vt.text, vt.is_unsigned) << '\n';
  } else if (const auto* vs = std::get_if<std::vector<Value>>(&r)) {
    if (t.kind == Kind::Tuple) {
      for (size_t i = 0; i < vs->size(); ++i) {
        std::cout << format_typed((*vs)[i], t.elements[i].text, t.elements[i].is_unsigned) << '\n';
      }
    } else {
      std::cout << '{';
      for (size_t i = 0; i < vs->size(); ++i) {
        std::cout << (i ? ", " : "") << t.fields[i].name << ": "
                  << format_typed((*vs)[i], t.fields[i].type, false);
      }
      std::cout << "}\n";
    }
  }
}

int report_call_error(const Error& e) {
  if (auto code = wasi::exit_status(e)) return *code;
  if (e.kind() == ErrorKind::Trap) return report_trap(e);
  return fail(one_line(e));
}

// `-> cstring`: the export returns a bare char* to NUL-terminated text (legacy C exports such as
// the seed's hello_world). Not an ABI type: it lowers like `ptr`, and the text is read here.
constexpr std::string_view kCString = "cstring";

bool strip_cstring(std::string& sig) {
  size_t arrow = sig.rfind("->");
  if (arrow == std::string::npos) return false;
  std::string_view res = std::string_view(sig).substr(arrow + 2);
  while (!res.empty() && res.front() == ' ') res.remove_prefix(1);
  while (!res.empty() && res.back() == ' ') res.remove_suffix(1);
  if (res != kCString) return false;
  sig = sig.substr(0, arrow + 2) + "ptr";
  return true;
}

int print_cstring(const ffi::Guest& guest, uint32_t ptr, const std::string& release) {
  if (ptr == 0) return fail("the export returned a null char*");
  ffi::GuestMemory mem = guest.memory();
  std::string text;
  for (uint64_t p = ptr;; ++p) {
    auto c = mem.read<char>(p);
    if (!c) return fail("the returned char* runs past the end of memory without a NUL");
    if (*c == '\0') break;
    text += *c;
  }
  if (!release.empty()) {
    auto fn = guest.instance().get_func(release);
    if (!fn) return fail("no release export '" + release + "'");
    auto shape = ffi::detail::release_shape_of(fn->type());
    if (!shape) return fail("release export '" + release + "' has type " + to_string(fn->type()));
    std::vector<Value> args{Value::i32(static_cast<int32_t>(ptr))};
    if (*shape == ffi::ReleaseShape::PtrLen) {
      args.push_back(Value::i32(static_cast<int32_t>(text.size() + 1)));
    }
    auto r = fn->call(args);
    if (!r) return report_call_error(r.error());
    if (!r->empty() && (*r)[0].i32() != 0) {
      return fail(one_line(ffi::guest_code_error(static_cast<uint32_t>((*r)[0].i32()), release)));
    }
  }
  std::cout << text << '\n';
  return 0;
}

/// The call through the FFI: `sig_text` in contract notation.
int call_abi(const Instance& instance, const CallOptions& o, std::string sig_text) {
  bool cstring = strip_cstring(sig_text);
  auto sig = ffi::parse_signature(sig_text);
  if (!sig) return fail(one_line(sig.error()), kExitUsage);
  if (o.args.size() != sig->params.size()) {
    return fail(o.func + " " + sig->text() + " takes " + std::to_string(sig->params.size()) +
                    " argument(s), " + std::to_string(o.args.size()) + " given",
                kExitUsage);
  }
  std::vector<ffi::DynValue> args;
  for (size_t i = 0; i < o.args.size(); ++i) {
    std::string why;
    auto v = parse_arg(sig->params[i], o.args[i], why);
    if (!v) {
      return fail("argument " + std::to_string(i + 1) + " '" + o.args[i] + "': " + why, kExitUsage);
    }
    args.push_back(std::move(*v));
  }
  auto guest = ffi::Guest::attach(instance);
  if (!guest) return report_call_error(guest.error());
  ffi::FuncOptions fo;
  if (!cstring) fo.release = o.release;
  auto fn = guest->dynamic_func(o.func, *sig, fo);
  if (!fn) return fail(one_line(fn.error()));
  auto result = (*fn)(args);
  if (!result) return report_call_error(result.error());
  if (cstring) {
    return print_cstring(*guest, static_cast<uint32_t>(std::get<Value>(*result).i32()), o.release);
  }
  print_result(sig->result, *result);
  return 0;
}

}  // namespace

int call(const CallOptions& o) {
  Engine engine;
  auto module = load(engine, o.module);
  if (!module) return kExitError;

  std::string sig = o.sig;
  if (sig.empty() && !o.core) {
    auto contract = ffi::read_contract(*module);
    if (!contract) return fail(one_line(contract.error()));
    for (const auto& e : *contract) {
      if (e.name == o.func) sig = e.signature;
    }
  }

  if (sig.empty() && !o.release.empty()) {
    return fail("--release needs an ABI signature (--sig, or a contract record for " + o.func + ")",
                kExitUsage);
  }

  Store store(engine);
  Linker linker(store);
  // Modules built against wasi-libc import WASI even when the function never uses it: give
  // them the host's standard streams and nothing else.
  bool wants_wasi = false;
  for (const auto& imp : module->imports()) wants_wasi |= imp.module == wasi::kModuleName;
  if (wants_wasi) {
    wasi::WasiConfig config;
    config.inherit_stdio().arg(o.module);
    auto ctx = wasi::make_context(std::move(config));
    if (!ctx) return fail(one_line(ctx.error()));
    if (auto r = wasi::add_to_linker(linker, *ctx); !r) return fail(one_line(r.error()));
  }
  // Other function imports (an SDK guest's host callbacks) cannot be provided from the command
  // line: they fail when called, so every export that does not use them still works.
  for (const auto& imp : module->imports()) {
    if (imp.module == wasi::kModuleName || imp.type.kind != ExternKind::Func) continue;
    std::string what = imp.module + "." + imp.name;
    linker.func(imp.module, imp.name, imp.type.func,
                [what](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> {
                  return Error(ErrorKind::Link, "the guest called import " + what +
                                                    ", which `hailmary call` does not provide");
                });
  }
  auto instance = linker.instantiate(*module);
  if (!instance) return report_call_error(instance.error());
  // ffi::Guest::attach runs _initialize itself.
  if (!sig.empty()) return call_abi(*instance, o, std::move(sig));
  if (auto init = instance->get_func("_initialize"); init && o.func != "_initialize") {
    auto r = init->call(std::span<const Value>{});
    if (!r) return report_call_error(r.error());
  }
  return call_export(*instance, o.func, o.args);
}

}  // namespace hailmary::cli
