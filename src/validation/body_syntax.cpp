// A syntax-only pass over function bodies. The spec decodes a whole module before it
// validates anything, so a malformed body anywhere outranks a validation error found earlier
// by our single pass; this scan is run only on that error path to find such a body.
#include "binary/decode_sections.hpp"
#include "binary/reader.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary::detail {
namespace {

Result<void> scan_body(const ModuleData& m, const FunctionBody& body) {
  Reader r(m.bytes, body.body_offset, body.body_end);
  uint32_t depth = 1;
  while (r.ok() && depth > 0) {
    if (r.at_end()) {
      r.fail("unexpected end of section or function");
      break;
    }
    const uint64_t at = r.pos();
    const uint8_t op = r.u8();
    if (op >= 0x02 && op <= 0x04) ++depth;
    if (op == 0x0B) --depth;
    skip_immediates(r, op, at);
  }
  if (r.ok() && !r.at_end()) r.fail("END opcode expected: operators after the final end");
  if (!r.ok()) return r.take_error();
  return {};
}

}  // namespace

Result<void> scan_bodies_syntax(const ModuleData& module) {
  for (const FunctionBody& body : module.bodies) {
    if (auto r = scan_body(module, body); !r) return r;
  }
  return {};
}

}  // namespace hailmary::detail
