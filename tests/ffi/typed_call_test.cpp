// Typed calls into guests and host functions from C++ callables.
#include "ffi_test_util.hpp"

#include "greeter/greeter_api.hpp"

using namespace hm_test;
using hailmary::ErrorKind;
using hailmary::TrapKind;

#if defined(HM_WASM_GREETER) && defined(HM_WASM_RUST) && defined(HM_WASM_BAD)

namespace {
void define_greeter_imports(hailmary::Linker& linker) {
  ffi::define(linker, "env", "log", [](std::string_view) {});
  ffi::define(linker, "env", "twice", [](int32_t x) { return 2 * x; });
  ffi::define(linker, "env", "decorate",
              [](std::string_view s) { return "<" + std::string(s) + ">"; });
}
}  // namespace

TEST(TypedCall, RustSeedHelloWorldSafeThroughReturnArea) {
  Env env;
  auto guest = env.attach(HM_WASM_RUST);
  auto hello = must(guest.func<std::string()>("hello_world_safe", {.release = "free_string_safe"}));
  EXPECT_EQ(must(hello()), "hello, world");
  // The raw struct is available too, for hosts that want to handle it themselves.
  auto raw = must(guest.func<ffi::StringResult()>("hello_world_safe"));
  auto sr = must(raw());
  EXPECT_EQ(sr.len, 12u);
  EXPECT_EQ(sr.error, ffi::HailMaryError::Success);
  auto free_safe = must(guest.func<ffi::HailMaryError(ffi::Ptr<char>)>("free_string_safe"));
  EXPECT_TRUE(free_safe(sr.ptr));
  auto null_free = free_safe(ffi::Ptr<char>(0));
  ASSERT_FALSE(null_free);
  EXPECT_EQ(ffi::guest_error_code(null_free.error()), 1u);  // NullPointer
  // The legacy pair.
  auto legacy = must(guest.func<ffi::Ptr<char>()>("hello_world"));
  auto p = must(legacy());
  EXPECT_EQ(must(guest.memory().read_string(p.offset, 12)), "hello, world");
  auto free_string = must(guest.func<void(ffi::Ptr<char>)>("free_string"));
  EXPECT_TRUE(free_string(p));
  EXPECT_EQ(guest.protocol(), ffi::AllocProtocol::HailMary);
}

TEST(TypedCall, SignatureMismatchNamesBothSides) {
  Env env;
  auto guest = env.attach(HM_WASM_RUST);
  // The seed's Go host read two results; the C++ types say what the real ABI is.
  auto wrong = guest.func<std::tuple<int32_t, int32_t>()>("hello_world_safe");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::Ffi);
  EXPECT_TRUE(contains(wrong.error().message(), "hello_world_safe")) << wrong.error();
  EXPECT_TRUE(contains(wrong.error().message(), "(i32) -> ()")) << wrong.error();
  EXPECT_TRUE(contains(wrong.error().message(), "()->(i32,i32)")) << wrong.error();
  auto missing = guest.func<int32_t()>("nope");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message(), "nope"));
}

TEST(TypedCall, Scalars) {
  Env env;
  define_greeter_imports(env.linker);
  auto guest = env.attach(HM_WASM_GREETER);
  auto add = must(guest.func<int32_t(int32_t, int32_t)>("add"));
  EXPECT_EQ(must(add(2, 40)), 42);
  EXPECT_EQ(must(add(INT32_MAX, 1)), INT32_MIN);
  auto mix = must(guest.func<double(int64_t, float, double, bool)>("mix"));
  EXPECT_DOUBLE_EQ(must(mix(int64_t{1} << 40, 0.5f, 0.25, true)), 1099511627776.0 + 1.75);
  // Scalar-only functions need no Guest.
  auto inst = guest.instance();
  auto add2 = must(ffi::typed<int32_t(int32_t, int32_t)>(inst, "add"));
  EXPECT_EQ(must(add2(-5, 3)), -2);
  // Signedness is part of the contract.
  EXPECT_FALSE(guest.func<uint32_t(uint32_t, uint32_t)>("add"));
}

TEST(TypedCall, MultiValueTuple) {
  Env env;
  auto guest = env.attach(HM_WASM_BAD);
  auto pair = must(guest.func<std::tuple<int32_t, int64_t, double>(int32_t)>("pair"));
  auto [a, b, c] = must(pair(-7));
  EXPECT_EQ(a, -7);
  EXPECT_EQ(b, -7);
  EXPECT_EQ(c, 0.5);
}

TEST(TypedCall, TrapCarriesKindAndBacktrace) {
  Env env;
  auto guest = env.attach(HM_WASM_BAD_CPP);
  auto trap = must(guest.func<int32_t(int32_t)>("trap_now"));
  auto r = trap(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Trap);
  EXPECT_EQ(r.error().trap_kind(), TrapKind::Unreachable);
  EXPECT_EQ(must(trap(0)), 0);  // the instance stays usable
}

TEST(HostFunc, DeducedSignaturesAndCallbacks) {
  Env env;
  std::string logged;
  ffi::define(env.linker, "env", "log", [&](hailmary::Caller& caller, std::string_view s) {
    EXPECT_TRUE(caller.memory().has_value());
    logged = std::string(s);
  });
  ffi::define(env.linker, "env", "twice", [](int32_t x) { return 2 * x; });
  ffi::define(env.linker, "env", "decorate",
              [](std::string_view s) { return "<" + std::string(s) + ">"; });
  auto guest = env.attach(HM_WASM_GREETER);
  auto log_twice = must(guest.func<int32_t(std::string_view)>("log_twice"));
  EXPECT_EQ(must(log_twice("from guest")), 42);
  EXPECT_EQ(logged, "from guest");
  // A string returned by a host function goes through the guest's allocator, and back.
  auto decorate = must(guest.func<std::string(std::string_view)>("decorate"));
  EXPECT_EQ(must(decorate("x")), "<x>");
}

TEST(HostFunc, ErrorTrapsGuestAndReachesHost) {
  Env env;
  ffi::define(env.linker, "env", "log", [](std::string_view) {});
  ffi::define(env.linker, "env", "twice", [](int32_t x) -> hailmary::Result<int32_t> {
    if (x > 100) return ffi::ffi_error("too big: " + std::to_string(x));
    return 2 * x;
  });
  ffi::define(env.linker, "env", "decorate", [](std::string_view s) { return std::string(s); });
  auto guest = env.attach(HM_WASM_GREETER);
  auto call_twice = must(guest.func<int32_t(int32_t)>("call_twice"));
  EXPECT_EQ(must(call_twice(4)), 8);
  auto r = call_twice(1000);
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message(), "too big: 1000")) << r.error();
  EXPECT_EQ(must(call_twice(5)), 10);
}

TEST(HostFunc, TypedCallsNestInsideHostFunctions) {
  // Scalar typed calls keep their arguments and results in the callee's frame on the store's
  // value stack; a call made from a host function that wasm called must land above the
  // calling frames, and leave them intact.
  Env env;
  ffi::TypedFunc<int32_t(int32_t, int32_t)> add;
  int calls = 0;
  ffi::define(env.linker, "env", "log", [](std::string_view) {});
  ffi::define(env.linker, "env", "twice", [&](int32_t x) -> hailmary::Result<int32_t> {
    ++calls;
    auto sum = add(x, 1000);
    if (!sum) return std::move(sum).error();
    return 2 * *sum;
  });
  ffi::define(env.linker, "env", "decorate", [](std::string_view s) { return std::string(s); });
  auto guest = env.attach(HM_WASM_GREETER);
  add = must(guest.func<int32_t(int32_t, int32_t)>("add"));
  auto call_twice = must(guest.func<int32_t(int32_t)>("call_twice"));
  for (int32_t i = 0; i < 50; ++i) EXPECT_EQ(must(call_twice(i)), 2 * (i + 1000));
  EXPECT_EQ(calls, 50);
  EXPECT_EQ(must(add(7, -8)), -1);
}

TEST(HostFunc, NestedCallsKeepTheOuterCallsArguments) {
  // String arguments are copied into a per-guest arena used as a stack: a typed call made
  // from a host function takes its part above the outer call's, whose argument the guest
  // (and this host function) may still be reading.
  Env env;
  ffi::TypedFunc<std::string(std::string_view)> echo;
  std::string seen_after;
  const std::string inner_arg(300, 'x');
  ffi::define(env.linker, "env", "log", [](std::string_view) {});
  ffi::define(env.linker, "env", "twice", [](int32_t x) { return 2 * x; });
  ffi::define(env.linker, "env", "decorate",
              [&](std::string_view s) -> hailmary::Result<std::string> {
                auto inner = echo(inner_arg);
                if (!inner) return std::move(inner).error();
                if (*inner != inner_arg) return ffi::ffi_error("the nested echo changed");
                seen_after = std::string(s);
                return "<" + std::string(s) + ">";
              });
  auto guest = env.attach(HM_WASM_GREETER);
  echo = must(guest.func<std::string(std::string_view)>("echo"));
  auto decorate = must(guest.func<std::string(std::string_view)>("decorate"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(must(decorate("outer argument")), "<outer argument>");
    EXPECT_EQ(seen_after, "outer argument");
  }
  // Arguments past the arena's size get allocations of their own.
  const std::string big(10000, 'b');
  EXPECT_EQ(must(echo(big)), big);
  EXPECT_EQ(must(decorate(big)), "<" + big + ">");
}

TEST(HostFunc, WrongImportTypeIsALinkError) {
  Env env;
  ffi::define(env.linker, "env", "log", [](int32_t) {});  // guest imports log(string)
  ffi::define(env.linker, "env", "twice", [](int32_t x) { return x; });
  ffi::define(env.linker, "env", "decorate", [](std::string_view s) { return std::string(s); });
  auto mod = env.load(HM_WASM_GREETER);
  auto inst = env.linker.instantiate(mod);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind(), ErrorKind::Link);
}

#endif
