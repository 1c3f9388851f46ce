#include "harness.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <utility>

namespace hailmary::spec {

std::optional<std::vector<uint8_t>> read_binary_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return text;
}

namespace {

Result<void> no_op(Caller&, std::span<const Value>, std::span<Value>) {
  return {};
}

}  // namespace

Result<void> define_spectest(Store& store, Linker& linker) {
  using V = ValType;
  struct PrintFn {
    const char* name;
    std::vector<ValType> params;
  };
  const PrintFn prints[] = {
      {"print", {}},
      {"print_i32", {V::I32}},
      {"print_i64", {V::I64}},
      {"print_f32", {V::F32}},
      {"print_f64", {V::F64}},
      {"print_i32_f32", {V::I32, V::F32}},
      {"print_f64_f64", {V::F64, V::F64}},
  };
  for (const PrintFn& p : prints) {
    Func f = Func::host(store, FuncType{p.params, {}}, no_op);
    if (!f) return Error(ErrorKind::Usage, std::string("cannot create spectest.") + p.name);
    linker.define("spectest", p.name, f);
  }

  struct GlobalDef {
    const char* name;
    ValType type;
    Value init;
  };
  const GlobalDef globals[] = {
      {"global_i32", V::I32, Value::i32(666)},
      {"global_i64", V::I64, Value::i64(666)},
      {"global_f32", V::F32, Value::f32(666.6f)},
      {"global_f64", V::F64, Value::f64(666.6)},
  };
  for (const GlobalDef& g : globals) {
    Result<Global> global = Global::create(store, GlobalType{g.type, false}, g.init);
    if (!global) return std::move(global).error().with_context(g.name);
    linker.define("spectest", g.name, *global);
  }

  Result<Table> table =
      Table::create(store, TableType{V::FuncRef, Limits{10, 20}}, Value::null(V::FuncRef));
  if (!table) return std::move(table).error().with_context("spectest.table");
  linker.define("spectest", "table", *table);

  Result<Memory> memory = Memory::create(store, MemoryType{Limits{1, 2}});
  if (!memory) return std::move(memory).error().with_context("spectest.memory");
  linker.define("spectest", "memory", *memory);
  return {};
}

Value zero_value(ValType type) {
  switch (type) {
    case ValType::I32:
      return Value::i32(0);
    case ValType::I64:
      return Value::i64(0);
    case ValType::F32:
      return Value::f32_bits(0);
    case ValType::F64:
      return Value::f64_bits(0);
    case ValType::FuncRef:
    case ValType::ExternRef:
      return Value::null(type);
    case ValType::V128:
      break;
  }
  // No v128 outside the SIMD files, which we do not run; a raw zero keeps this total.
  return Value::from_bits(type, 0);
}

Result<Extern> make_stub(Store& store, const ExternType& type) {
  switch (type.kind) {
    case ExternKind::Func: {
      auto results = type.func.results;
      Func f = Func::host(store, type.func,
                          [results](Caller&, std::span<const Value>, std::span<Value> out) {
                            for (size_t i = 0; i < out.size() && i < results.size(); ++i) {
                              out[i] = zero_value(results[i]);
                            }
                            return Result<void>();
                          });
      if (!f) return Error(ErrorKind::Usage, "cannot create a host function stub");
      return Extern(f);
    }
    case ExternKind::Global: {
      Result<Global> g = Global::create(store, type.global, zero_value(type.global.type));
      if (!g) return std::move(g).error();
      return Extern(*g);
    }
    case ExternKind::Table: {
      Result<Table> t = Table::create(store, type.table, Value::null(type.table.element));
      if (!t) return std::move(t).error();
      return Extern(*t);
    }
    case ExternKind::Memory: {
      Result<Memory> m = Memory::create(store, type.memory);
      if (!m) return std::move(m).error();
      return Extern(*m);
    }
  }
  return Error(ErrorKind::Usage, "unknown extern kind");
}

std::string describe(const Value& value) {
  char buf[96];
  switch (value.type()) {
    case ValType::I32:
      std::snprintf(buf, sizeof buf, "i32:%" PRId32 " (0x%" PRIx32 ")", value.i32(),
                    static_cast<uint32_t>(value.i32()));
      return buf;
    case ValType::I64:
      std::snprintf(buf, sizeof buf, "i64:%" PRId64 " (0x%" PRIx64 ")", value.i64(),
                    static_cast<uint64_t>(value.i64()));
      return buf;
    case ValType::F32:
      std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32 " (%.9g)", value.f32_bits(),
                    static_cast<double>(value.f32()));
      return buf;
    case ValType::F64:
      std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64 " (%.17g)", value.f64_bits(), value.f64());
      return buf;
    case ValType::FuncRef:
      if (value.is_null()) return "funcref:null";
      std::snprintf(buf, sizeof buf, "funcref:%p", static_cast<void*>(value.funcref()));
      return buf;
    case ValType::ExternRef:
      if (value.is_null()) return "externref:null";
      // Undo extern_pointer() so the output reads like the script.
      std::snprintf(buf, sizeof buf, "externref:%" PRIuPTR,
                    reinterpret_cast<uintptr_t>(value.externref()) - 1);
      return buf;
    case ValType::V128:
      break;
  }
  std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "(low bits)", value.bits());
  return buf;
}

std::string describe(const std::vector<Value>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    out += describe(values[i]);
  }
  return out + "]";
}

std::string_view kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::Malformed:
      return "Malformed";
    case ErrorKind::Invalid:
      return "Invalid";
    case ErrorKind::Link:
      return "Link";
    case ErrorKind::Instantiate:
      return "Instantiate";
    case ErrorKind::Trap:
      return "Trap";
    case ErrorKind::Ffi:
      return "Ffi";
    case ErrorKind::Io:
      return "Io";
    case ErrorKind::Exit:
      return "Exit";
    case ErrorKind::Usage:
      return "Usage";
  }
  return "?";
}

std::string_view trap_name(TrapKind kind) noexcept {
  switch (kind) {
    case TrapKind::None:
      return "None";
    case TrapKind::Unreachable:
      return "Unreachable";
    case TrapKind::MemoryOutOfBounds:
      return "MemoryOutOfBounds";
    case TrapKind::TableOutOfBounds:
      return "TableOutOfBounds";
    case TrapKind::IntegerDivideByZero:
      return "IntegerDivideByZero";
    case TrapKind::IntegerOverflow:
      return "IntegerOverflow";
    case TrapKind::InvalidConversion:
      return "InvalidConversion";
    case TrapKind::UndefinedElement:
      return "UndefinedElement";
    case TrapKind::UninitializedElement:
      return "UninitializedElement";
    case TrapKind::IndirectCallTypeMismatch:
      return "IndirectCallTypeMismatch";
    case TrapKind::CallStackExhausted:
      return "CallStackExhausted";
    case TrapKind::HostError:
      return "HostError";
    case TrapKind::Interrupted:
      return "Interrupted";
  }
  return "?";
}

std::string describe(const Error& error) {
  std::string out(kind_name(error.kind()));
  if (error.kind() == ErrorKind::Trap || error.trap_kind() != TrapKind::None) {
    out += "(";
    out += trap_name(error.trap_kind());
    out += ")";
  }
  if (error.offset()) {
    char buf[40];
    std::snprintf(buf, sizeof buf, " @0x%" PRIx64, *error.offset());
    out += buf;
  }
  out += ": ";
  out += error.message();
  return out;
}

}  // namespace hailmary::spec
