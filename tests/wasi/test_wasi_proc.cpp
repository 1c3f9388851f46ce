// proc_exit ends the guest with an Exit error carrying the code (the host process lives on and
// the instance can be called again); run_start turns it into a status; proc_raise is ENOSYS,
// sched_yield succeeds, sockets are ENOTSUP (EBADF for a bad fd).
#include "wasi_test_util.hpp"

namespace hm_wasi_test {
namespace {

class WasiProc : public WasiTest {};

TEST_F(WasiProc, ExitDeliversTheCode) {
  ASSERT_TRUE(start("proc"));
  for (uint32_t code : {0u, 1u, 42u, 255u}) {
    auto r = invoke("proc_exit", {I(code)});
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(r.error().kind(), ErrorKind::Exit);
    EXPECT_EQ(r.error().exit_code(), static_cast<int32_t>(code));
    EXPECT_EQ(wasi::exit_status(r.error()), std::optional<int32_t>(static_cast<int32_t>(code)));
  }
}

TEST_F(WasiProc, ExitUnwindsTheGuest) {
  ASSERT_TRUE(start("proc"));
  auto r = invoke("exit_then_trap", {I(9)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::Exit) << r.error().to_string();
  EXPECT_EQ(r.error().exit_code(), 9);
  EXPECT_EQ(instance_->get_global("after")->get().i32(), 0) << "code after proc_exit ran";
  // The instance is still usable.
  EXPECT_EQ(call("sched_yield", {}), kSuccess);
}

TEST_F(WasiProc, RunStartReturnsTheStatus) {
  ASSERT_TRUE(start("proc"));
  auto status = wasi::run_start(*instance_);
  ASSERT_TRUE(status) << status.error().to_string();
  EXPECT_EQ(*status, 3);
}

TEST_F(WasiProc, UnsupportedCalls) {
  ASSERT_TRUE(start("proc"));
  EXPECT_EQ(call("proc_raise", {I(6)}), kNosys);
  EXPECT_EQ(call("sched_yield", {}), kSuccess);
  EXPECT_EQ(call("sock_recv", {I(1), I(0), I(0), I(0), I(0), I(0)}), kNotsup);
  EXPECT_EQ(call("sock_recv", {I(77), I(0), I(0), I(0), I(0), I(0)}), kBadf);
}

}  // namespace
}  // namespace hm_wasi_test
