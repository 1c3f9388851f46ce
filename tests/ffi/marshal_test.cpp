// Strings, bytes, structs, handles, error codes and memory views with the SDK guest.
#include "ffi_test_util.hpp"

#include "greeter/greeter_api.hpp"

using namespace hm_test;
using greeter::Counter;
using greeter::Point;
using greeter::Stats;
using hailmary::ErrorKind;

#if defined(HM_WASM_GREETER)

namespace {
ffi::Guest greeter_guest(Env& env) {
  ffi::define(env.linker, "env", "log", [](std::string_view) {});
  ffi::define(env.linker, "env", "twice", [](int32_t x) { return 2 * x; });
  ffi::define(env.linker, "env", "decorate", [](std::string_view s) { return std::string(s); });
  return env.attach(HM_WASM_GREETER);
}
uint32_t live(ffi::Guest& g) {
  auto f = must(g.func<uint32_t()>("hail_mary_live_allocations"));
  return must(f());
}
}  // namespace

TEST(Marshal, StringsBothWays) {
  Env env;
  auto guest = greeter_guest(env);
  auto greet = must(guest.func<std::string(std::string_view)>("greet"));
  EXPECT_EQ(must(greet("wörld")), "hello, wörld");
  auto empty = greet("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(ffi::guest_error_code(empty.error()), 4u);  // InvalidInput
  // Invalid UTF-8 from the host is refused before it reaches the guest.
  auto bad = greet(std::string_view("\xff", 1));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::Ffi);
  EXPECT_TRUE(contains(bad.error().message(), "UTF-8"));
  auto hello = must(guest.func<std::string()>("hello"));
  EXPECT_EQ(must(hello()), "hello, world");
  auto sum = must(guest.func<uint64_t(std::span<const uint8_t>)>("byte_sum"));
  std::vector<uint8_t> bytes{1, 2, 3, 250};
  EXPECT_EQ(must(sum(bytes)), 256u);
}

TEST(Marshal, GuestRejectsRawInvalidUtf8) {
  Env env;
  auto guest = greeter_guest(env);
  // Bypass the host's check with a raw (ptr, len) call: the SDK validates on its side too.
  auto buf = must(guest.alloc(2, 1));
  const uint8_t junk[] = {0xC3, 0x28};
  ASSERT_TRUE(guest.memory().write_bytes(buf.ptr(), junk));
  auto sret = must(guest.alloc(12, 4));
  auto greet = *guest.instance().get_func("greet");
  uint64_t slots[3] = {sret.ptr(), buf.ptr(), 2};
  ASSERT_TRUE(greet.call_raw(slots));
  auto sr = must(guest.memory().read<ffi::StringResult>(sret.ptr()));
  EXPECT_EQ(sr.error, ffi::HailMaryError::InvalidUtf8);
  // Out-of-bounds and null arguments are caught by the SDK as well.
  uint64_t oob[3] = {sret.ptr(), 0xFFFFFFF0u, 0x100};
  ASSERT_TRUE(greet.call_raw(oob));
  EXPECT_EQ(must(guest.memory().read<ffi::StringResult>(sret.ptr())).error,
            ffi::HailMaryError::OutOfBounds);
  uint64_t null_arg[3] = {sret.ptr(), 0, 5};
  ASSERT_TRUE(greet.call_raw(null_arg));
  EXPECT_EQ(must(guest.memory().read<ffi::StringResult>(sret.ptr())).error,
            ffi::HailMaryError::NullPointer);
}

TEST(Marshal, Structs) {
  Env env;
  auto guest = greeter_guest(env);
  auto add = must(guest.func<Point(Point, Point)>("point_add"));
  auto p = must(add(Point{1, -2}, Point{10, 20}));
  EXPECT_EQ(p.x, 11);
  EXPECT_EQ(p.y, 18);
  auto stats = must(guest.func<Stats(int32_t, int32_t)>("stats_of"));
  auto s = must(stats(3, 4));
  EXPECT_EQ(s.count, 2);
  EXPECT_DOUBLE_EQ(s.mean, 3.5);
  EXPECT_EQ(s.flags, 7u);
}

TEST(Marshal, HandlesWithGenerations) {
  Env env;
  auto guest = greeter_guest(env);
  auto inc = must(guest.func<ffi::Fallible<int32_t>(ffi::Handle<Counter>)>("counter_increment"));
  auto count = must(guest.func<uint32_t()>("counter_count"));
  ffi::Handle<Counter> stale;
  {
    auto c = must(guest.make<Counter>("counter_new", 5));
    EXPECT_EQ(must(inc(c.get())), 6);
    EXPECT_EQ(must(count()), 1u);
    stale = c.get();
    auto moved = std::move(c);  // move-only: one owner, one destroy
    EXPECT_EQ(must(inc(moved.get())), 7);
  }
  EXPECT_EQ(must(count()), 0u);
  auto r = inc(stale);
  ASSERT_FALSE(r);
  EXPECT_EQ(ffi::guest_error_code(r.error()), 5u);  // InvalidHandle
  // A new object in the same slot does not revive the old handle.
  auto c2 = must(guest.make<Counter>("counter_new", 0));
  EXPECT_NE(c2.get().bits, stale.bits);
  EXPECT_FALSE(inc(stale));
  EXPECT_FALSE(inc(ffi::Handle<Counter>(0x12345)));  // forged
  // Double destroy through the raw export: an error code, not a crash.
  auto destroy = must(guest.func<ffi::HailMaryError(ffi::Handle<Counter>)>("counter_free"));
  EXPECT_FALSE(destroy(stale));
  auto h = c2.release();
  EXPECT_TRUE(destroy(h));
  EXPECT_FALSE(destroy(h));
}

TEST(Marshal, ErrorCodes) {
  Env env;
  auto guest = greeter_guest(env);
  auto check = must(guest.func<ffi::HailMaryError(int32_t)>("check"));
  EXPECT_TRUE(check(1));
  auto r = check(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(ffi::guest_error_code(r.error()), 4u);
  EXPECT_TRUE(contains(r.error().message(), "InvalidInput"));
  auto user = must(guest.func<ffi::HailMaryError()>("user_error"));
  auto u = user();
  ASSERT_FALSE(u);
  EXPECT_EQ(ffi::guest_error_code(u.error()), 1004u);
  EXPECT_TRUE(contains(u.error().message(), "user error"));
}

TEST(Marshal, MemoryViewsDetectInvalidation) {
  Env env;
  auto guest = greeter_guest(env);
  auto buf = must(guest.alloc(16));
  auto view = must(guest.memory().view(buf.ptr(), 16));
  EXPECT_TRUE(view.bytes());
  auto add = must(guest.func<int32_t(int32_t, int32_t)>("add"));
  ASSERT_TRUE(add(1, 2));
  auto stale = view.bytes();
  ASSERT_FALSE(stale);  // the guest ran: the view may describe different data now
  EXPECT_TRUE(contains(stale.error().message(), "stale"));
  auto v2 = must(guest.memory().view(buf.ptr(), 16));
  ASSERT_TRUE(v2.bytes());
  ASSERT_TRUE(guest.memory().memory().grow(1));
  EXPECT_FALSE(v2.bytes());  // memory.grow invalidates too
  // Bounds and alignment are checked, in 64-bit arithmetic.
  auto mem = guest.memory();
  EXPECT_FALSE(mem.check(mem.size() - 4, 8));
  EXPECT_FALSE(mem.check(0xFFFFFFFFu, 0xFFFFFFFFu));
  EXPECT_FALSE(mem.read<int32_t>(buf.ptr() + 1));
  EXPECT_TRUE(mem.read<int32_t>(buf.ptr()));
}

TEST(Marshal, NoLeakAcross100kStringRoundTrips) {
  Env env;
  auto guest = greeter_guest(env);
  auto echo = must(guest.func<std::string(std::string_view)>("echo"));
  std::string s(100, 'x');
  ASSERT_EQ(must(echo(s)), s);  // warm up: the argument arena is allocated once
  uint32_t before = live(guest);
  uint64_t pages = guest.memory().memory().pages();
  for (int i = 0; i < 100'000; ++i) {
    s[i % s.size()] = static_cast<char>('a' + i % 26);
    auto r = echo(s);
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->size(), s.size());
  }
  EXPECT_EQ(live(guest), before);
  EXPECT_EQ(guest.memory().memory().pages(), pages);
}

TEST(Marshal, BytesResultsComeBackWholeAtEverySize) {
  // Bytes results are copied from the guest straight into the returned vector; every byte
  // value, sizes from empty to past the argument arena, no buffer left behind.
  Env env;
  auto guest = greeter_guest(env);
  auto echo = must(guest.func<std::vector<uint8_t>(std::span<const uint8_t>)>("echo_bytes"));
  ASSERT_EQ(must(echo(std::vector<uint8_t>{1, 2, 3})), (std::vector<uint8_t>{1, 2, 3}));
  const uint32_t before = live(guest);
  for (size_t n : {size_t{0}, size_t{1}, size_t{255}, size_t{4096}, size_t{100000}}) {
    std::vector<uint8_t> in(n);
    for (size_t i = 0; i < n; ++i) in[i] = static_cast<uint8_t>(i * 131 + i / 256);
    EXPECT_EQ(must(echo(in)), in) << n;
  }
  EXPECT_EQ(live(guest), before);
}

TEST(Marshal, DynamicCallsRoundTripSmallAndLargeArgumentsWithoutLeaks) {
  // A call by run-time signature takes its arguments and its return area from the argument
  // arena as a typed call does, and allocates what does not fit there: every round trip
  // gives back what it took, on the arena's stack and in the guest's heap.
  Env env;
  auto guest = greeter_guest(env);
  auto sig = ffi::parse_signature("(string)->string");
  ASSERT_TRUE(sig) << sig.error();
  auto echo = must(guest.dynamic_func("echo", *sig));
  auto call = [&](const std::string& s) {
    std::vector<ffi::DynValue> args{ffi::DynValue(s)};
    auto r = echo(args);
    EXPECT_TRUE(r) << r.error();
    const auto* out = r ? std::get_if<std::string>(&*r) : nullptr;
    return out ? *out : std::string("<no string>");
  };
  ASSERT_EQ(call("warm up"), "warm up");
  const uint32_t before = live(guest);
  for (int i = 0; i < 1000; ++i) {
    const std::string s(static_cast<size_t>(i % 300), static_cast<char>('a' + i % 26));
    ASSERT_EQ(call(s), s) << i;
  }
  const std::string big(10000, 'q');  // past the arena: an allocation of its own, freed
  EXPECT_EQ(call(big), big);
  EXPECT_EQ(live(guest), before);
}
#endif

#if defined(HM_WASM_GREETER_WASI)
TEST(Marshal, HostedGuestWithStdTypes) {
  Env env;
  // A wasm32-wasi reactor; it imports nothing from WASI that is called here, but may import
  // some: link a stub for each.
  auto mod = env.load(HM_WASM_GREETER_WASI);
  for (const auto& imp : mod.imports()) {
    if (imp.type.kind != hailmary::ExternKind::Func) continue;
    env.linker.func(imp.module, imp.name, imp.type.func,
                    [](hailmary::Caller&, std::span<const hailmary::Value>,
                       std::span<hailmary::Value> results) -> hailmary::Result<void> {
                      for (auto& r : results) r = hailmary::Value::i32(0);
                      return {};
                    });
  }
  auto inst = must(env.linker.instantiate(mod));
  auto guest = must(ffi::Guest::attach(inst));
  auto greet = must(guest.func<std::string(std::string_view)>("greet"));
  EXPECT_EQ(must(greet("wasi")), "hello, wasi");
  EXPECT_FALSE(greet(""));
}
#endif
