// libFuzzer entry point for the public loading path: decode, validate and translate every
// function body (Module::from_bytes with eager translation), then instantiate against stub
// imports. Modules with a start function are not instantiated: their code could legitimately
// run forever.
#include <cstddef>
#include <cstdint>

#include "binary/module_data.hpp"
#include "hailmary/hailmary.hpp"

using namespace hailmary;

namespace {

Value zero_of(ValType t) {
  switch (t) {
    case ValType::I64:
      return Value::i64(0);
    case ValType::F32:
      return Value::f32(0);
    case ValType::F64:
      return Value::f64(0);
    case ValType::FuncRef:
    case ValType::ExternRef:
      return Value::null(t);
    default:
      return Value::i32(0);
  }
}

/// An import of the right type for everything the module asks for.
std::optional<Extern> stub_for(Store& store, const ImportType& imp) {
  const ExternType& t = imp.type;
  switch (t.kind) {
    case ExternKind::Func:
      return Extern(
          Func::host(store, t.func,
                     [](Caller&, std::span<const Value>, std::span<Value> results) -> Result<void> {
                       for (Value& v : results) v = zero_of(v.type());
                       return {};
                     }));
    case ExternKind::Memory: {
      auto m = Memory::create(store, t.memory);
      if (!m) return std::nullopt;
      return Extern(*m);
    }
    case ExternKind::Table: {
      auto tab = Table::create(store, t.table, Value::null(t.table.element));
      if (!tab) return std::nullopt;
      return Extern(*tab);
    }
    case ExternKind::Global: {
      auto g = Global::create(store, t.global, zero_of(t.global.type));
      if (!g) return std::nullopt;
      return Extern(*g);
    }
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  EngineConfig config;
  config.max_memory_pages = 256;  // keep instantiation cheap
  config.max_table_elements = 100000;
  // Translate every body at load: lazily, only the bodies a call reaches would be, and the
  // translator's fusions would go unfuzzed.
  config.eager_translation = true;
  Engine engine(config);
  auto module = Module::from_bytes(engine, {data, size});
  if (!module) return 0;
  if (module->data().start) return 0;
  Store store(engine);
  Linker linker(store);
  for (const ImportType& imp : module->imports()) {
    auto stub = stub_for(store, imp);
    if (!stub) return 0;
    linker.define(imp.module, imp.name, *stub);
  }
  auto instance = linker.instantiate(*module);
  (void)instance.ok();
  return 0;
}
