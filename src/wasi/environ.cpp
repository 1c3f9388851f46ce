// environ_get, environ_sizes_get. The guest sees only what the embedder granted.
#include "wasi/context.hpp"
#include "wasi/strings_common.hpp"

namespace hailmary::detail::wasi {
namespace {

Errno environ_sizes_get(Call& c, uint32_t count_ptr, uint32_t buf_size_ptr) {
  return strings_sizes(c, c.ctx.env, count_ptr, buf_size_ptr);
}

Errno environ_get(Call& c, uint32_t environ, uint32_t environ_buf) {
  return strings_get(c, c.ctx.env, environ, environ_buf);
}

}  // namespace

void environ_defs(std::vector<HostDef>& out) {
  out.push_back(def<&environ_get>("environ_get"));
  out.push_back(def<&environ_sizes_get>("environ_sizes_get"));
}

}  // namespace hailmary::detail::wasi
