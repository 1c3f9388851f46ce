// random_get: bytes from the OS random source.
#include <sys/random.h>

#include <cerrno>

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {
namespace {

Errno random_get(Call& c, uint32_t buf, uint32_t len) {
  uint8_t* p = c.mem.at(buf, len);
  if (!p) return Errno::Fault;
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

}  // namespace

void random_defs(std::vector<HostDef>& out) {
  out.push_back(def<&random_get>("random_get"));
}

}  // namespace hailmary::detail::wasi
