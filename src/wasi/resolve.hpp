// Sandboxed path resolution beneath a directory descriptor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {

/// Where a guest path ends up: the directory that holds its last component (kept open while
/// this object lives) and that component's name ("." for the directory itself).
class Resolved {
 public:
  int dirfd() const noexcept { return stack_.empty() ? root_ : stack_.back().get(); }
  const std::string& name() const noexcept { return name_; }

 private:
  friend Errno resolve(int root, std::string_view path, bool follow_final, Resolved& out);
  int root_ = -1;
  std::vector<UniqueFd> stack_;  ///< directories entered below root, innermost last
  std::string name_;
};

/// Resolve `path` beneath `root` without ever leaving it.
///
/// Every intermediate component is opened with O_NOFOLLOW | O_DIRECTORY relative to the one
/// before, so the kernel never follows a link for us; `..` pops our own stack (popping past
/// the root is ENOTCAPABLE); a symlink is read with readlinkat and its target spliced into the
/// remaining path (an absolute target is ENOTCAPABLE; more than 40 links is ELOOP). Because
/// each step is relative to a descriptor we hold, renaming or replacing components
/// concurrently cannot redirect us outside either: at worst an operation fails.
/// The final component is followed only when `follow_final` is set; callers then operate on
/// (dirfd(), name()) with *at() calls that do not follow links.
Errno resolve(int root, std::string_view path, bool follow_final, Resolved& out);

}  // namespace hailmary::detail::wasi
