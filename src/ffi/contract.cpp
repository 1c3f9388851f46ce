// Reading the "hailmary.abi" custom section and verifying a module against an Interface.
#include <algorithm>
#include <map>

#include "hailmary/ffi/contract.hpp"
#include "hailmary/ffi/error.hpp"

namespace hailmary::ffi {

bool has_contract(const Module& module) {
  return !module.custom_sections(kContractSection).empty();
}

// Format: records separated by '\n'; "fn <export> <signature>". Several object files append
// their records in any order, and a record may appear more than once (inline exports).
// Unknown record kinds are skipped so the format can grow; control bytes are ignored.
Result<std::vector<ContractEntry>> read_contract(const Module& module) {
  std::vector<ContractEntry> out;
  std::map<std::string, std::string, std::less<>> seen;
  for (std::span<const uint8_t> payload : module.custom_sections(kContractSection)) {
    std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string line_buf(text.substr(0, nl));
      // The SDK emits records from inline assembly; the assembler may leave a stray byte (the
      // emitting function's `end`) between records. Control bytes are never part of a record.
      std::erase_if(line_buf, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
      std::string_view line = line_buf;
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (line.empty() || !line.starts_with("fn ")) continue;
      line.remove_prefix(3);
      size_t sp = line.find(' ');
      if (sp == std::string_view::npos || sp == 0 || sp + 1 >= line.size()) {
        return ffi_error("malformed ABI contract record `fn " + std::string(line) + "`");
      }
      std::string name(line.substr(0, sp));
      std::string sig(line.substr(sp + 1));
      auto it = seen.find(name);
      if (it != seen.end()) {
        if (it->second != sig) {
          return ffi_error("ABI contract records `" + name + "` twice: " + it->second + " and " +
                           sig);
        }
        continue;
      }
      seen.emplace(name, sig);
      out.push_back({std::move(name), std::move(sig)});
    }
  }
  return out;
}

Result<void> verify(const Module& module, const Interface& iface) {
  auto contract = read_contract(module);
  if (!contract) return std::move(contract).error();
  bool with_contract = has_contract(module);
  std::vector<std::string> problems;
  for (const auto& e : iface.entries()) {
    auto ext = module.export_type(e.name);
    if (!ext) {
      problems.push_back("missing export `" + e.name + "` " + e.signature);
      continue;
    }
    if (ext->type.kind != ExternKind::Func) {
      problems.push_back("export `" + e.name + "` is a " + std::string(to_string(ext->type.kind)) +
                         ", not a function");
      continue;
    }
    if (ext->type.func != e.type) {
      problems.push_back("export `" + e.name + "` has core type " + to_string(ext->type.func) +
                         ", but " + e.signature + " lowers to " + to_string(e.type));
    }
    if (with_contract) {
      auto it = std::find_if(contract->begin(), contract->end(),
                             [&](const ContractEntry& c) { return c.name == e.name; });
      if (it == contract->end()) {
        problems.push_back("export `" + e.name + "` is not in the module's ABI contract");
      } else if (it->signature != e.signature) {
        problems.push_back("export `" + e.name + "`: the guest's contract says " + it->signature +
                           ", the host declares " + e.signature);
      }
    }
  }
  if (problems.empty()) return {};
  std::string msg = "the module does not match the declared interface (" +
                    std::to_string(problems.size()) + " problem" +
                    (problems.size() == 1 ? "" : "s") + "):";
  for (const auto& p : problems) msg += "\n  " + p;
  return ffi_error(std::move(msg));
}

}  // namespace hailmary::ffi
