// A debugging listing of the interpreter's code: maps handler words back to opcode names.
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "execution/code.hpp"

namespace hailmary::detail {
namespace {

struct OpInfo {
  const char* name;
  int operands;  // words after the handler word; -1 ... -8: br_table forms (variable)
};

const OpInfo kOps[] = {
#define HM_X(name, n) {#name, n},
    HM_CONTROL_OPS(HM_X)
#undef HM_X
#define UNOP(name, code, in, out) {#name, 2},
#define BINOP(name, code, in, out) {#name, 3},
#include "execution/numeric_ops.def"
#define BINOP(name, code, in, out) {#name "Imm", 4},
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
#define HM_X(T, name) {"BrIf" #T #name, 3}, {"BrIf" #T #name "Imm", 4},
        HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(T, name) {"BrIf" #T #name "Loop", 3}, {"BrIf" #T #name "ImmLoop", 4},
            HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(name, T, Out) {#name "Add", 5}, {#name "AddImm", 6}, {#name "ShlAdd", 8},
                HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T, Out) {#name "AddLean", 5}, {#name "AddImmLean", 6}, {#name "ShlAddLean", 8},
                    HM_LOADS(HM_X)
#undef HM_X
#define HM_X(T, name) {"BrIf" #T #name "Add", 5}, {"BrIf" #T #name "AddLoop", 5},
                        HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(First, Second) {"I32" #First "Then" #Second, 5},
                            HM_I32_PAIRS(HM_X)
#undef HM_X
#define HM_X(name, T, n) {#name "ThenAdd", (n) + 3},
                                HM_STORES_THEN_ADD(HM_X)
#undef HM_X
#define HM_X(name, T, Out) {#name "Abs", 3},
                                    HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T) {#name "Abs", 3}, {#name "ImmAbs", 4},
                                        HM_STORES(HM_X)
#undef HM_X
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == static_cast<size_t>(Op::Count));

}  // namespace

const char* op_name(size_t op) {
  return op < static_cast<size_t>(Op::Count) ? kOps[op].name : "?";
}

size_t op_of_handler(const void* handler) {
  static const std::unordered_map<const void*, size_t> by_address = [] {
    std::unordered_map<const void*, size_t> m;
    const void* const* handlers = handler_addresses();
    for (size_t i = 0; i < static_cast<size_t>(Op::Count); ++i) m.emplace(handlers[i], i);
    return m;
  }();
  auto it = by_address.find(handler);
  return it == by_address.end() ? static_cast<size_t>(Op::Count) : it->second;
}

size_t instruction_words(const std::vector<uint32_t>& code, size_t pos, size_t op) {
  int n = kOps[op].operands;
  const size_t ops = pos + kHandlerWords;
  // A table's targets: its count word + 1 (none past the end of a truncated listing).
  auto count = [&](size_t w) {
    return ops + w < code.size() ? static_cast<int>(code[ops + w]) + 1 : 0;
  };
  if (n == -1) n = 2 + count(1);
  if (n == -2) n = 5 + count(4);
  if (n == -3) n = 22 + count(21);
  if (n == -4) n = 10 + count(9);
  if (n == -5) n = 16 + count(15);
  if (n == -6) n = 11 + count(10);
  if (n == -7) n = 38 + count(37);
  if (n == -8) n = 50 + count(49);
  return kHandlerWords + static_cast<size_t>(n);
}

std::string disassemble(const CompiledFunc& f) {
  std::string out;
  char buf[128];
  std::snprintf(buf, sizeof buf, "; params %u locals %u zeroed to %u frame %u results %u\n",
                f.param_slots, f.local_slots, f.zero_end, f.frame_slots, f.result_count);
  out += buf;
  size_t pc = 0;
  while (pc < f.code.size()) {
    const void* handler = nullptr;
    if (pc + kHandlerWords <= f.code.size()) std::memcpy(&handler, &f.code[pc], sizeof handler);
    const size_t op = op_of_handler(handler);
    if (op == static_cast<size_t>(Op::Count)) {
      std::snprintf(buf, sizeof buf, "%5zu: ?? %08x\n", pc, f.code[pc]);
      out += buf;
      ++pc;
      continue;
    }
    const OpInfo& info = kOps[op];
    const size_t ops = pc + kHandlerWords;  // the first operand word
    const size_t n = instruction_words(f.code, pc, op) - kHandlerWords;
    std::snprintf(buf, sizeof buf, "%5zu: %s", pc, info.name);
    out += buf;
    for (size_t k = 0; k < n && ops + k < f.code.size(); ++k) {
      std::snprintf(buf, sizeof buf, " %u", f.code[ops + k]);
      out += buf;
    }
    out += '\n';
    pc = ops + n;
  }
  return out;
}

}  // namespace hailmary::detail
