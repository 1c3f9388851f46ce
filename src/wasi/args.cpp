// args_get, args_sizes_get.
#include "wasi/context.hpp"
#include "wasi/strings_common.hpp"

namespace hailmary::detail::wasi {
namespace {

Errno args_sizes_get(Call& c, uint32_t argc_ptr, uint32_t buf_size_ptr) {
  return strings_sizes(c, c.ctx.args, argc_ptr, buf_size_ptr);
}

Errno args_get(Call& c, uint32_t argv, uint32_t argv_buf) {
  return strings_get(c, c.ctx.args, argv, argv_buf);
}

}  // namespace

void args_defs(std::vector<HostDef>& out) {
  out.push_back(def<&args_get>("args_get"));
  out.push_back(def<&args_sizes_get>("args_sizes_get"));
}

}  // namespace hailmary::detail::wasi
