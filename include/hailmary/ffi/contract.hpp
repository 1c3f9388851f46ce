// The ABI contract: the guest SDK records each export's typed signature (struct layouts
// included) in the custom section "hailmary.abi"; the host states the interface it expects as
// C++ declarations and checks both the module's real wasm types and its contract against it,
// reporting every mismatch at once, before any call.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hailmary/ffi/marshal.hpp"
#include "hailmary/module.hpp"

namespace hailmary::ffi {

/// Name of the custom section the guest SDK writes.
inline constexpr std::string_view kContractSection = "hailmary.abi";

/// One record of a contract: an export and the signature text of its C++ declaration.
struct ContractEntry {
  std::string name;
  std::string signature;
  friend bool operator==(const ContractEntry&, const ContractEntry&) = default;
};

/// The contract records of a module (empty when it has none, like the seed's Rust guest). A
/// malformed section, or two different signatures for one name, is an error.
Result<std::vector<ContractEntry>> read_contract(const Module& module);
/// Whether the module carries a contract section at all.
bool has_contract(const Module& module);

/// The interface a host expects from a guest, declared with C++ signatures.
class Interface {
 public:
  struct Entry {
    std::string name;
    std::string signature;  ///< contract text
    FuncType type;          ///< the core type it lowers to
  };

  /// Expect export `name` callable as `Sig`, e.g. func<std::string(std::string_view)>("greet").
  template <class Sig>
  Interface& func(std::string name) {
    entries_.push_back(
        {std::move(name), detail::signature_text<Sig>(), detail::func_type_of<Sig>()});
    return *this;
  }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

 private:
  std::vector<Entry> entries_;
};

/// Checks `module` against `iface`: every declared export exists, is a function of the
/// lowered core type, and (when the module has a contract) is recorded with the same
/// signature text. Returns one ErrorKind::Ffi error listing every mismatch, one per line.
Result<void> verify(const Module& module, const Interface& iface);

}  // namespace hailmary::ffi
