// Linker: missing and mistyped imports, re-exporting an instance, and imported memories,
// tables and globals shared between instances (wat/importer.wat, wat/provider.wat).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "wat/runtime_test_util.hpp"

namespace hailmary::test {
namespace {

constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;

/// Everything wat/importer.wat needs, made on the host.
struct HostImports {
  Func f;
  Global g;
  Memory mem;
  Table tab;

  explicit HostImports(Store& store)
      : f(Func::host(store, FuncType{{I32}, {I32}},
                     [](Caller&, std::span<const Value> p, std::span<Value> r) -> Result<void> {
                       r[0] = Value::i32(p[0].i32() * 10);
                       return {};
                     })),
        g(*Global::create(store, GlobalType{I32, true}, Value::i32(5))),
        mem(*Memory::create(store, MemoryType{Limits{2, 8}})),
        tab(*Table::create(store, TableType{ValType::FuncRef, Limits{2, 10}},
                           Value::null(ValType::FuncRef))) {}

  void define_all(Linker& linker) const {
    linker.define("env", "f", f)
        .define("env", "g", g)
        .define("env", "mem", mem)
        .define("env", "tab", tab);
  }
};

/// A Link error whose message names `what` (module.name).
::testing::AssertionResult link_error_naming(const Result<Instance>& r, const std::string& what) {
  if (auto k = fails_with(r, ErrorKind::Link); !k) return k;
  if (r.error().message().find(what) == std::string::npos)
    return ::testing::AssertionFailure() << r.error() << " does not name " << what;
  return ::testing::AssertionSuccess();
}

TEST(Linking, MissingImportNamesIt) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "missing_import");
  EXPECT_TRUE(link_error_naming(Linker(store).instantiate(module), "env.missing_fn"));
  // Something else under that name (here in another module) does not count.
  Linker linker(store);
  linker.func("other", "missing_fn", FuncType{{I32}, {}},
              [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> { return {}; });
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.missing_fn"));
}

TEST(Linking, AllImportsProvidedWorks) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  auto instance = linker.instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "call_f", {i32(4)}), {i32(40)}));
  EXPECT_TRUE(returns(call(*instance, "get_g"), {i32(5)}));
  EXPECT_TRUE(returns(call(*instance, "mem_size"), {i32(2)}));
}

TEST(Linking, WrongFunctionSignature) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  linker.func("env", "f", FuncType{{I64}, {I32}},
              [](Caller&, std::span<const Value>, std::span<Value> r) -> Result<void> {
                r[0] = Value::i32(0);
                return {};
              });
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.f"));
  // Same params, different results: still a mismatch.
  linker.func("env", "f", FuncType{{I32}, {I32, I32}},
              [](Caller&, std::span<const Value>, std::span<Value>) -> Result<void> { return {}; });
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.f"));
}

TEST(Linking, WrongKind) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  linker.define("env", "f", imports.g);  // a global where a function is expected
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.f"));
}

TEST(Linking, WrongGlobalMutabilityOrType) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");  // imports (global (mut i32))
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  linker.define("env", "g", *Global::create(store, GlobalType{I32, false}, Value::i32(5)));
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.g"));
  linker.define("env", "g", *Global::create(store, GlobalType{I64, true}, Value::i64(5)));
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.g"));
}

TEST(Linking, MemoryLimits) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");  // imports (memory 2)
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  auto small = Memory::create(store, MemoryType{Limits{1, 8}});
  ASSERT_TRUE(small.ok());
  linker.define("env", "mem", *small);
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.mem"));
  // Growing it to the required size makes it acceptable (the current size counts).
  ASSERT_TRUE(small->grow(1).ok());
  auto instance = linker.instantiate(module);
  ASSERT_TRUE(instance.ok()) << instance.error();
  EXPECT_TRUE(returns(call(*instance, "mem_size"), {i32(2)}));
}

TEST(Linking, TableLimits) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");  // imports (table 2 funcref)
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  linker.define("env", "tab",
                *Table::create(store, TableType{ValType::FuncRef, Limits{1, std::nullopt}},
                               Value::null(ValType::FuncRef)));
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.tab"));
  linker.define("env", "tab",
                *Table::create(store, TableType{ValType::ExternRef, Limits{2, std::nullopt}},
                               Value::null(ValType::ExternRef)));
  EXPECT_TRUE(link_error_naming(linker.instantiate(module), "env.tab"));
}

TEST(Linking, DefineInstanceReexportsEverything) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(provider_module, engine, "provider");
  HM_LOAD_MODULE(importer_module, engine, "importer");
  Linker linker(store);
  auto provider = linker.instantiate(provider_module);
  ASSERT_TRUE(provider.ok()) << provider.error();
  // provider exports f, counter, mem and tab; importer wants env.f, env.g, env.mem, env.tab.
  linker.define_instance("env", *provider);
  ASSERT_TRUE(linker.get("env", "counter"));
  ASSERT_TRUE(linker.get("env", "forty_two"));
  EXPECT_EQ(linker.get("env", "mem")->kind(), ExternKind::Memory);
  linker.define("env", "g", *linker.get("env", "counter"));
  auto importer = linker.instantiate(importer_module);
  ASSERT_TRUE(importer.ok()) << importer.error();

  EXPECT_TRUE(returns(call(*importer, "call_f", {i32(1)}), {i32(1001)}));  // provider's f
  EXPECT_TRUE(returns(call(*importer, "get_g"), {i32(100)}));
  EXPECT_TRUE(returns(call(*importer, "call_slot", {i32(0)}), {i32(42)}));  // provider's table
  // Memory and global are the provider's own, both ways.
  ASSERT_TRUE(call(*importer, "store", {i32(64), i32(1234)}).ok());
  EXPECT_TRUE(returns(call(*provider, "load", {i32(64)}), {i32(1234)}));
  ASSERT_TRUE(call(*provider, "store", {i32(128), i32(-9)}).ok());
  EXPECT_TRUE(returns(call(*importer, "load", {i32(128)}), {i32(-9)}));
  ASSERT_TRUE(call(*importer, "set_g", {i32(77)}).ok());
  EXPECT_TRUE(returns(call(*provider, "get_counter"), {i32(77)}));
  EXPECT_EQ(provider->get_global("counter")->get(), Value::i32(77));
}

TEST(Linking, ImportsSharedBetweenTwoInstances) {
  Engine engine;
  Store store(engine);
  HM_LOAD_MODULE(module, engine, "importer");
  HM_LOAD_MODULE(provider_module, engine, "provider");
  HostImports imports(store);
  Linker linker(store);
  imports.define_all(linker);
  auto a = linker.instantiate(module);
  auto b = linker.instantiate(module);
  ASSERT_TRUE(a.ok() && b.ok());

  // Memory: a writes, b and the host read; the host writes, a reads.
  ASSERT_TRUE(call(*a, "store", {i32(8), i32(0x01020304)}).ok());
  EXPECT_TRUE(returns(call(*b, "load", {i32(8)}), {i32(0x01020304)}));
  uint8_t bytes[4] = {};
  ASSERT_TRUE(imports.mem.read(8, bytes).ok());
  EXPECT_EQ(bytes[0], 0x04);
  const uint8_t five[4] = {5, 0, 0, 0};
  ASSERT_TRUE(imports.mem.write(65536 + 12, five).ok());  // in the second page
  EXPECT_TRUE(returns(call(*a, "load", {i32(65536 + 12)}), {i32(5)}));
  // Growth through the shared memory is seen by both.
  ASSERT_TRUE(imports.mem.grow(1).ok());
  EXPECT_TRUE(returns(call(*a, "mem_size"), {i32(3)}));
  EXPECT_TRUE(returns(call(*b, "mem_size"), {i32(3)}));

  // Global: b sets, a and the host read; the host sets, b reads.
  ASSERT_TRUE(call(*b, "set_g", {i32(-3)}).ok());
  EXPECT_TRUE(returns(call(*a, "get_g"), {i32(-3)}));
  EXPECT_EQ(imports.g.get(), Value::i32(-3));
  ASSERT_TRUE(imports.g.set(Value::i32(11)).ok());
  EXPECT_TRUE(returns(call(*b, "get_g"), {i32(11)}));

  // Table: filled by the host with another instance's function, called by both.
  EXPECT_TRUE(traps(call(*a, "call_slot", {i32(1)}), TrapKind::UninitializedElement));
  auto provider = Linker(store).instantiate(provider_module);
  ASSERT_TRUE(provider.ok()) << provider.error();
  Func forty_two = *provider->get_func("forty_two");
  ASSERT_TRUE(imports.tab.set(1, Value::funcref(forty_two.inst())).ok());
  EXPECT_TRUE(returns(call(*a, "call_slot", {i32(1)}), {i32(42)}));
  EXPECT_TRUE(returns(call(*b, "call_slot", {i32(1)}), {i32(42)}));
  // A host function of the right type works through the table too.
  Func host_seven =
      Func::host(store, FuncType{{}, {I32}},
                 [](Caller&, std::span<const Value>, std::span<Value> r) -> Result<void> {
                   r[0] = Value::i32(7);
                   return {};
                 });
  ASSERT_TRUE(imports.tab.set(0, Value::funcref(host_seven.inst())).ok());
  EXPECT_TRUE(returns(call(*b, "call_slot", {i32(0)}), {i32(7)}));
  // One of the wrong type traps.
  ASSERT_TRUE(imports.tab.set(0, Value::funcref(imports.f.inst())).ok());
  EXPECT_TRUE(traps(call(*a, "call_slot", {i32(0)}), TrapKind::IndirectCallTypeMismatch));
}

}  // namespace
}  // namespace hailmary::test
