// proc_exit, proc_raise, sched_yield, and the socket calls preview1 declares but we do not
// offer (sockets would need a capability model of their own).
#include <sched.h>

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {
namespace {

/// proc_exit unwinds the guest with an Exit error; the embedder's call returns it as a value,
/// so the host process never exits.
bool proc_exit(Caller& caller, uint64_t* slots, void* /*env*/) {
  caller.fail(Error::exit(static_cast<int32_t>(static_cast<uint32_t>(slots[0]))));
  return false;
}

Errno proc_raise(Call&, uint32_t /*sig*/) {
  return Errno::Nosys;
}

Errno sched_yield(Call&) {
  ::sched_yield();
  return Errno::Success;
}

Errno sock_accept(Call& c, uint32_t fd, uint32_t, uint32_t) {
  return c.ctx.get(fd) ? Errno::Notsup : Errno::Badf;
}
Errno sock_recv(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
  return c.ctx.get(fd) ? Errno::Notsup : Errno::Badf;
}
Errno sock_send(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t) {
  return c.ctx.get(fd) ? Errno::Notsup : Errno::Badf;
}
Errno sock_shutdown(Call& c, uint32_t fd, uint32_t) {
  return c.ctx.get(fd) ? Errno::Notsup : Errno::Badf;
}

}  // namespace

void proc_defs(std::vector<HostDef>& out) {
  out.push_back({"proc_exit", FuncType{{ValType::I32}, {}}, &proc_exit});
  out.push_back(def<&proc_raise>("proc_raise"));
  out.push_back(def<&sched_yield>("sched_yield"));
  out.push_back(def<&sock_accept>("sock_accept"));
  out.push_back(def<&sock_recv>("sock_recv"));
  out.push_back(def<&sock_send>("sock_send"));
  out.push_back(def<&sock_shutdown>("sock_shutdown"));
}

}  // namespace hailmary::detail::wasi
