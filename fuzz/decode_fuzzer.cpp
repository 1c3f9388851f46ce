// libFuzzer entry point: decode a module and run module-level validation. Any input must
// yield a value (ok or an Error), never a crash, hang or huge allocation.
#include <cstddef>
#include <cstdint>

#include "binary/decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hailmary::detail::ModuleData module;
  module.bytes.assign(data, data + size);
  auto decoded = hailmary::detail::decode_module(module);
  if (!decoded) return 0;
  // Decoded offsets must stay inside the module, or later stages would read out of bounds.
  const uint64_t n = module.bytes.size();
  for (const auto& body : module.bodies) {
    if (body.body_offset > body.body_end || body.body_end > n) __builtin_trap();
  }
  for (const auto& seg : module.datas) {
    if (seg.bytes_offset > n || seg.size > n - seg.bytes_offset) __builtin_trap();
  }
  for (const auto& c : module.customs) {
    if (c.payload_offset > n || c.payload_size > n - c.payload_offset) __builtin_trap();
  }
  if (module.declared_func_refs.size() != module.func_types.size()) __builtin_trap();
  auto validated = hailmary::detail::validate_module_level(module);
  (void)validated.ok();
  return 0;
}
