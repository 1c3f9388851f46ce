// The ABI contract: written by the SDK, read and verified by the host before any call.
#include "ffi_test_util.hpp"

#include "greeter/greeter_api.hpp"

using namespace hm_test;
using greeter::Counter;
using greeter::Point;

#if defined(HM_WASM_GREETER) && defined(HM_WASM_RUST)

TEST(Contract, SdkGuestRecordsEveryExport) {
  Env env;
  auto mod = env.load(HM_WASM_GREETER);
  EXPECT_TRUE(ffi::has_contract(mod));
  auto c = must(ffi::read_contract(mod));
  auto find = [&](std::string_view n) -> std::string {
    for (auto& e : c)
      if (e.name == n) return e.signature;
    return "";
  };
  EXPECT_EQ(find("greet"), "(string)->string");
  EXPECT_EQ(find("point_add"),
            "(Point{x:i32@0,y:i32@4}/8:4,Point{x:i32@0,y:i32@4}/8:4)->"
            "Point{x:i32@0,y:i32@4}/8:4");
  EXPECT_EQ(find("counter_increment"), "(handle<greeter::Counter>)->result<i32>");
  EXPECT_EQ(find("check"), "(i32)->status");
}

TEST(Contract, MatchingInterfaceInstantiates) {
  Env env;
  ffi::define(env.linker, "env", "log", [](std::string_view) {});
  ffi::define(env.linker, "env", "twice", [](int32_t x) { return x; });
  ffi::define(env.linker, "env", "decorate", [](std::string_view s) { return std::string(s); });
  auto iface = ffi::Interface()
                   .func<std::string(std::string_view)>("greet")
                   .func<Point(Point, Point)>("point_add")
                   .func<ffi::Fallible<int32_t>(ffi::Handle<Counter>)>("counter_increment");
  auto g = ffi::instantiate(env.linker, env.load(HM_WASM_GREETER), iface);
  ASSERT_TRUE(g) << g.error();
}

TEST(Contract, EveryMismatchReportedBeforeInstantiation) {
  Env env;
  struct Wrong {
    int32_t x;
    int32_t z;
  };
  // Same core types as the guest's; only the contract can tell these apart.
  auto iface = ffi::Interface()
                   .func<std::vector<uint8_t>(std::span<const uint8_t>)>("greet")
                   .func<uint32_t(uint32_t, uint32_t)>("add")
                   .func<int32_t(int32_t)>("no_such_export")
                   .func<ffi::Handle<Counter>(uint32_t)>("counter_new");
  // Nothing is linked: if verification did not come first, instantiation would fail on the
  // missing imports instead.
  auto g = ffi::instantiate(env.linker, env.load(HM_WASM_GREETER), iface);
  ASSERT_FALSE(g);
  const std::string& m = g.error().message();
  EXPECT_TRUE(contains(m, "4 problems")) << m;
  EXPECT_TRUE(contains(m, "`greet`: the guest's contract says (string)->string")) << m;
  EXPECT_TRUE(contains(m, "`add`")) << m;
  EXPECT_TRUE(contains(m, "missing export `no_such_export`")) << m;
  EXPECT_TRUE(contains(m, "`counter_new`")) << m;
}

TEST(Contract, ModulesWithoutContractUseCoreTypes) {
  Env env;
  auto mod = env.load(HM_WASM_RUST);
  EXPECT_FALSE(ffi::has_contract(mod));
  auto ok = ffi::verify(mod, ffi::Interface().func<std::string()>("hello_world_safe"));
  EXPECT_TRUE(ok) << ok.error();
  auto bad = ffi::verify(mod, ffi::Interface().func<int32_t()>("hello_world_safe"));
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message(), "(i32) -> ()")) << bad.error();
}

#endif
