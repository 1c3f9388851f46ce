// The sandbox's path resolver (see resolve.hpp for the rules and why they hold).
#include "wasi/resolve.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

namespace hailmary::detail::wasi {
namespace {

constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS

/// Split into components, dropping empty ones ("a//b") but remembering a trailing slash, which
/// asks for the last component to be a directory (and so to be followed if it is a link).
void split(std::string_view path, std::deque<std::string>& out, bool& trailing_slash) {
  trailing_slash = !path.empty() && path.back() == '/';
  size_t i = 0;
  std::deque<std::string> parts;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  // Prepend in order, ahead of whatever remains of an outer path.
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out.push_front(std::move(*it));
}

/// readlinkat into a string; false if `name` is not a symlink.
bool read_link(int dirfd, const std::string& name, std::string& target) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof buf);
  if (n < 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  target.assign(buf, static_cast<size_t>(n));
  return true;
}

}  // namespace

Errno resolve(int root, std::string_view path, bool follow_final, Resolved& out) {
  out.root_ = root;
  out.stack_.clear();
  out.name_.clear();
  if (path.empty()) return Errno::Noent;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.front() == '/') return Errno::Notcapable;  // absolute: outside every preopen

  std::deque<std::string> parts;
  bool trailing = false;
  split(path, parts, trailing);
  int links = 0;
  auto current = [&] { return out.stack_.empty() ? root : out.stack_.back().get(); };

  while (!parts.empty()) {
    std::string comp = std::move(parts.front());
    parts.pop_front();
    bool last = parts.empty();
    if (comp == ".") {
      if (last) out.name_.assign(1, '.');
      continue;
    }
    if (comp == "..") {
      if (out.stack_.empty()) return Errno::Notcapable;
      out.stack_.pop_back();
      if (last) out.name_.assign(1, '.');
      continue;
    }
    if (comp.size() > NAME_MAX) return Errno::Nametoolong;
    if (last && !follow_final && !trailing) {
      out.name_ = std::move(comp);
      break;
    }
    std::string target;
    if (read_link(current(), comp, target)) {
      if (++links > kMaxSymlinks) return Errno::Loop;
      if (target.empty()) return Errno::Noent;
      if (target.front() == '/') return Errno::Notcapable;
      bool inner_trailing = false;
      if (last && trailing) parts.push_front(".");  // "link/" must name a directory
      split(target, parts, inner_trailing);
      if (inner_trailing && parts.empty()) parts.push_back(".");
      if (parts.empty()) out.name_.assign(1, '.');
      continue;
    }
    if (last) {
      if (trailing) {
        // Must be a directory: enter it and name it ".".
        int fd = ::openat(current(), comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return last_errno();
        out.stack_.emplace_back(fd);
        out.name_.assign(1, '.');
      } else {
        out.name_ = std::move(comp);
      }
      break;
    }
    int fd = ::openat(current(), comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      // A link swapped in after readlinkat: fail rather than follow it.
      return errno == ELOOP ? Errno::Notdir : last_errno();
    }
    out.stack_.emplace_back(fd);
  }
  if (out.name_.empty()) out.name_.assign(1, '.');
  return Errno::Success;
}

}  // namespace hailmary::detail::wasi
