// A syntax-only pass over function bodies. The spec decodes a whole module before it
// validates anything, so a malformed body anywhere outranks a validation error found earlier
// by our single pass; this scan is run only on that error path to find such a body.
#include "binary/reader.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary::detail {
namespace {

bool zero(Reader& r) {
  uint8_t b = r.u8();
  if (r.ok() && b != 0) r.fail("zero byte expected", r.pos() - 1);
  return r.ok();
}

Result<void> scan_body(const ModuleData& m, const FunctionBody& body) {
  Reader r(m.bytes, body.body_offset, body.body_end);
  uint32_t depth = 1;
  while (r.ok() && depth > 0) {
    if (r.at_end()) {
      r.fail("unexpected end of section or function");
      break;
    }
    uint64_t at = r.pos();
    uint8_t op = r.u8();
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04:
        r.s33();
        ++depth;
        break;
      case 0x0B:
        --depth;
        break;
      case 0x0C:
      case 0x0D:
      case 0x10:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0xD2:
        r.u32();
        break;
      case 0x0E: {
        uint32_t n = r.u32();
        if (n > r.remaining()) {
          r.fail("unexpected end");
          break;
        }
        for (uint64_t k = 0; k <= n && r.ok(); ++k) r.u32();
        break;
      }
      case 0x11:
        r.u32();
        r.u32();
        break;
      case 0x1C: {
        uint32_t n = r.u32();
        if (n > r.remaining()) {
          r.fail("unexpected end");
          break;
        }
        r.skip(n);
        break;
      }
      case 0x3F:
      case 0x40:
        zero(r);
        break;
      case 0x41:
        r.s32();
        break;
      case 0x42:
        r.s64();
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0xD0: {
        uint8_t t = r.u8();
        if (r.ok() && t != 0x70 && t != 0x6F) r.fail("malformed reference type", r.pos() - 1);
        break;
      }
      case 0xFC: {
        uint32_t sub = r.u32();
        if (!r.ok()) break;
        if (sub <= 7) break;
        switch (sub) {
          case 8:
            r.u32();
            zero(r);
            break;
          case 9:
          case 13:
          case 15:
          case 16:
          case 17:
            r.u32();
            break;
          case 10:
            zero(r) && zero(r);
            break;
          case 11:
            zero(r);
            break;
          case 12:
          case 14:
            r.u32();
            r.u32();
            break;
          default:
            r.fail("illegal opcode", at);
        }
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3E) {
          r.u32();
          r.u32();
        } else if (!(op <= 0x01 || op == 0x05 || op == 0x0F || op == 0x1A || op == 0x1B ||
                     op == 0xD1 || (op >= 0x45 && op <= 0xC4))) {
          r.fail("illegal opcode", at);
        }
    }
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
