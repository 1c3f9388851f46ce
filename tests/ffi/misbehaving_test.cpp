// Guests that break the rules: each failure is a specific error, and the host and (where the
// spec allows) the instance stay usable.
#include "ffi_test_util.hpp"

#include "greeter/greeter_api.hpp"

using namespace hm_test;
using hailmary::ErrorKind;
using hailmary::TrapKind;

#if defined(HM_WASM_BAD)

namespace {
struct Bad {
  Env env;
  ffi::Guest guest = env.attach(HM_WASM_BAD);
  ffi::TypedFunc<void(int32_t)> set_mode = must(guest.func<void(int32_t)>("set_mode"));
  ffi::TypedFunc<std::string()> get_string = must(guest.func<std::string()>("get_string"));
  ffi::TypedFunc<int32_t(std::string_view)> str_len =
      must(guest.func<int32_t(std::string_view)>("str_len"));

  hailmary::Error string_error(int32_t mode) {
    EXPECT_TRUE(set_mode(mode));
    auto r = get_string();
    EXPECT_FALSE(r) << "mode " << mode << " returned " << (r ? *r : "");
    hailmary::Error e = r ? hailmary::Error() : r.error();
    EXPECT_TRUE(set_mode(0));
    return e;
  }
};
}  // namespace

TEST(Misbehaving, WellBehavedBaseline) {
  Bad b;
  EXPECT_EQ(must(b.get_string()), "hello");
  EXPECT_EQ(must(b.str_len("abc")), 3);
}

TEST(Misbehaving, ReturnedPointerOutOfBounds) {
  Bad b;
  auto e = b.string_error(10);
  EXPECT_EQ(e.kind(), ErrorKind::Ffi);
  EXPECT_TRUE(contains(e.message(), "outside linear memory")) << e;
  EXPECT_EQ(must(b.get_string()), "hello");  // still usable
}

TEST(Misbehaving, LengthNear4GiB) {
  Bad b;
  auto e = b.string_error(11);
  EXPECT_TRUE(contains(e.message(), "outside linear memory")) << e;
}

TEST(Misbehaving, InvalidUtf8) {
  Bad b;
  auto e = b.string_error(12);
  EXPECT_TRUE(contains(e.message(), "UTF-8")) << e;
  // The bytes are still released (no leak on the error path).
  auto frees = must(b.guest.func<int32_t()>("frees"));
  int32_t before = must(frees());
  (void)b.string_error(12);
  EXPECT_EQ(must(frees()), before + 1);
}

TEST(Misbehaving, UnknownAndUserErrorCodes) {
  Bad b;
  auto e = b.string_error(13);
  EXPECT_EQ(ffi::guest_error_code(e), 77u);
  EXPECT_TRUE(contains(e.message(), "unknown error code")) << e;
  auto u = b.string_error(16);
  EXPECT_EQ(ffi::guest_error_code(u), 1004u);
}

TEST(Misbehaving, NullPointerWithLength) {
  Bad b;
  auto e = b.string_error(14);
  EXPECT_TRUE(contains(e.message(), "null pointer")) << e;
}

TEST(Misbehaving, TrapMidCall) {
  Bad b;
  auto e = b.string_error(15);
  EXPECT_EQ(e.kind(), ErrorKind::Trap);
  EXPECT_EQ(e.trap_kind(), TrapKind::Unreachable);
  EXPECT_EQ(must(b.get_string()), "hello");
}

TEST(Misbehaving, AllocatorReturnsNullOutOfBoundsOrTraps) {
  Bad b;
  ASSERT_TRUE(b.set_mode(1));
  auto null = b.str_len("abc");
  ASSERT_FALSE(null);
  EXPECT_TRUE(contains(null.error().message(), "returned null")) << null.error();
  ASSERT_TRUE(b.set_mode(2));
  auto oob = b.str_len("abc");
  ASSERT_FALSE(oob);
  EXPECT_TRUE(contains(oob.error().message(), "outside linear memory")) << oob.error();
  ASSERT_TRUE(b.set_mode(5));  // in bounds, but the buffer runs past the end
  auto tail = b.str_len(std::string(100, 'a'));
  ASSERT_FALSE(tail);
  ASSERT_TRUE(b.set_mode(3));
  auto trap = b.str_len("abc");
  ASSERT_FALSE(trap);
  EXPECT_EQ(trap.error().kind(), ErrorKind::Trap);
  EXPECT_TRUE(contains(trap.error().message(), "hail_mary_alloc")) << trap.error();
  ASSERT_TRUE(b.set_mode(0));
  EXPECT_EQ(must(b.str_len("abc")), 3);
}

TEST(Misbehaving, FreeTraps) {
  Bad b;
  ASSERT_TRUE(b.set_mode(4));
  // The call works; releasing its argument traps. (Past the argument arena's 4 KiB, the
  // argument has an allocation of its own, freed after the call.)
  auto r = b.str_len(std::string(10000, 'a'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Trap);
  EXPECT_TRUE(contains(r.error().message(), "hail_mary_free")) << r.error();
  ASSERT_TRUE(b.set_mode(0));
}

TEST(Misbehaving, UnalignedStructPointer) {
  Bad b;
  auto ptr = must(b.guest.func<int32_t()>("point_ptr"));
  auto r = b.guest.memory().read<greeter::Point>(static_cast<uint32_t>(must(ptr())));
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message(), "not aligned")) << r.error();
}

TEST(Misbehaving, WrongExportTypeRejectedAtLookup) {
  Bad b;
  auto add = b.guest.func<int32_t(int32_t, int32_t)>("add");
  ASSERT_FALSE(add);
  EXPECT_TRUE(contains(add.error().message(), "(i32) -> (i32)")) << add.error();
}

#endif

#if defined(HM_WASM_BAD_CPP)
TEST(Misbehaving, GuestFreesHostBufferThenHostFreesAgain) {
  Env env;
  auto guest = env.attach(HM_WASM_BAD_CPP);
  auto steal = must(guest.func<int32_t(std::string_view)>("steal"));
  auto r = steal(std::string(10000, 'm'));  // an allocation of its own, past the arena
  ASSERT_FALSE(r);  // the SDK allocator traps on the double free instead of corrupting
  EXPECT_EQ(r.error().kind(), ErrorKind::Trap);
  auto code = must(guest.func<std::string()>("bad_code"));
  auto c = code();
  ASSERT_FALSE(c);
  EXPECT_EQ(ffi::guest_error_code(c.error()), 77u);
}

TEST(Misbehaving, LeakingGuestIsVisible) {
  Env env;
  auto guest = env.attach(HM_WASM_BAD_CPP);
  auto leak = must(guest.func<int32_t(std::string_view)>("leak"));
  auto live = must(guest.func<uint32_t()>("hail_mary_live_allocations"));
  ASSERT_TRUE(leak("leaky"));  // the first string argument also sets up the argument arena
  uint32_t before = must(live());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(leak("leaky"));
  EXPECT_EQ(must(live()), before + 100);
}
#endif
