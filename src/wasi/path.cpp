// path_*: operations on paths beneath a directory descriptor. Every path goes through
// resolve() (resolve.hpp); the final operation is an *at() call that never follows links.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/context.hpp"
#include "wasi/resolve.hpp"

namespace hailmary::detail::wasi {
namespace {

/// Look up a directory descriptor with `rights`, read the guest path and resolve it.
Errno dir_path(Call& c, uint32_t fd, uint64_t rights, uint32_t path, uint32_t path_len, bool follow,
               Resolved& out, FdEntry** entry = nullptr) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  if (!e->is_dir() || e->kind != FdEntry::Kind::Host) return Errno::Notdir;
  if ((e->rights_base & rights) != rights) return Errno::Notcapable;
  std::string p;
  if (!c.mem.string(path, path_len, p)) return Errno::Fault;
  if (entry) *entry = e;
  return resolve(e->host_fd, p, follow, out);
}

uint64_t ns_of(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

Errno path_open(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                uint32_t fd_ptr) {
  if (oflags & ~uint32_t{kOCreat | kODirectory | kOExcl | kOTrunc}) return Errno::Inval;
  if (fdflags & ~uint32_t{kFdAppend | kFdDsync | kFdNonblock | kFdRsync | kFdSync}) {
    return Errno::Inval;
  }
  uint64_t need = right::kPathOpen;
  if (oflags & kOCreat) need |= right::kPathCreateFile;
  if (oflags & kOTrunc) need |= right::kPathFilestatSetSize;
  Resolved r;
  FdEntry* dir = nullptr;
  if (Errno e = dir_path(c, fd, need, path, path_len, dirflags & kLookupSymlinkFollow, r, &dir);
      e != Errno::Success) {
    return e;
  }
  if (!c.mem.ok(fd_ptr, 4)) return Errno::Fault;
  // A descriptor never holds more than its directory lets it inherit.
  rights_base &= dir->rights_inheriting;
  rights_inheriting &= dir->rights_inheriting;

  bool read = rights_base & (right::kFdRead | right::kFdReaddir);
  bool write = rights_base & (right::kFdWrite | right::kFdDatasync | right::kFdAllocate |
                              right::kFdFilestatSetSize);
  if (dir->read_only) write = false;
  if (oflags & kODirectory) write = false;
  int flags = O_CLOEXEC | O_NOFOLLOW;  // links were followed (or not) by resolve() already
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & kOCreat) flags |= O_CREAT;
  if (oflags & kODirectory) flags |= O_DIRECTORY;
  if (oflags & kOExcl) flags |= O_EXCL;
  if (oflags & kOTrunc) flags |= O_TRUNC;
  if (fdflags & kFdAppend) flags |= O_APPEND;
  if (fdflags & kFdDsync) flags |= O_DSYNC;
  if (fdflags & kFdNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdRsync) flags |= O_RSYNC;
  if (fdflags & kFdSync) flags |= O_SYNC;
  int host = ::openat(r.dirfd(), r.name().c_str(), flags, 0666);
  if (host < 0) return last_errno();
  auto e = std::make_unique<FdEntry>();
  e->owned = UniqueFd(host);
  e->host_fd = host;
  struct stat st {};
  if (::fstat(host, &st) != 0) return last_errno();
  e->filetype = filetype_of(st.st_mode);
  e->fdflags = static_cast<uint16_t>(fdflags);
  e->rights_base = rights_base;
  e->rights_inheriting = rights_inheriting;
  e->read_only = dir->read_only;
  uint32_t newfd = 0;
  if (Errno err = c.ctx.insert(std::move(e), newfd); err != Errno::Success) return err;
  c.mem.store(fd_ptr, newfd);
  return Errno::Success;
}

Errno path_create_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathCreateDirectory, path, path_len, false, r);
      e != Errno::Success) {
    return e;
  }
  if (r.name() == ".") return Errno::Exist;
  return ::mkdirat(r.dirfd(), r.name().c_str(), 0777) == 0 ? Errno::Success : last_errno();
}

Errno path_remove_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathRemoveDirectory, path, path_len, false, r);
      e != Errno::Success) {
    return e;
  }
  if (r.name() == ".") return Errno::Inval;
  return ::unlinkat(r.dirfd(), r.name().c_str(), AT_REMOVEDIR) == 0 ? Errno::Success : last_errno();
}

Errno path_unlink_file(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathUnlinkFile, path, path_len, false, r);
      e != Errno::Success) {
    return e;
  }
  if (r.name() == ".") return Errno::Isdir;
  return ::unlinkat(r.dirfd(), r.name().c_str(), 0) == 0 ? Errno::Success : last_errno();
}

Errno path_filestat_get(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                        uint32_t buf) {
  Resolved r;
  if (Errno e =
          dir_path(c, fd, right::kPathFilestatGet, path, path_len, flags & kLookupSymlinkFollow, r);
      e != Errno::Success) {
    return e;
  }
  if (!c.mem.ok(buf, 64)) return Errno::Fault;
  struct stat st {};
  if (::fstatat(r.dirfd(), r.name().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
  store_filestat(c.mem, buf,
                 FilestatFields{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                                filetype_of(st.st_mode), static_cast<uint64_t>(st.st_nlink),
                                static_cast<uint64_t>(st.st_size), ns_of(st.st_atim),
                                ns_of(st.st_mtim), ns_of(st.st_ctim)});
  return Errno::Success;
}

Errno path_filestat_set_times(Call& c, uint32_t fd, uint32_t flags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  timespec ts[2];
  if (Errno e = make_times(atim, mtim, fst_flags, ts); e != Errno::Success) return e;
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathFilestatSetTimes, path, path_len,
                         flags & kLookupSymlinkFollow, r);
      e != Errno::Success) {
    return e;
  }
  return ::utimensat(r.dirfd(), r.name().c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::Success
                                                                                : last_errno();
}

Errno path_link(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len) {
  Resolved from, to;
  if (Errno e = dir_path(c, old_fd, right::kPathLinkSource, old_path, old_path_len,
                         old_flags & kLookupSymlinkFollow, from);
      e != Errno::Success) {
    return e;
  }
  if (Errno e = dir_path(c, new_fd, right::kPathLinkTarget, new_path, new_path_len, false, to);
      e != Errno::Success) {
    return e;
  }
  return ::linkat(from.dirfd(), from.name().c_str(), to.dirfd(), to.name().c_str(), 0) == 0
             ? Errno::Success
             : last_errno();
}

Errno path_rename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                  uint32_t new_path, uint32_t new_path_len) {
  Resolved from, to;
  if (Errno e = dir_path(c, fd, right::kPathRenameSource, old_path, old_path_len, false, from);
      e != Errno::Success) {
    return e;
  }
  if (Errno e = dir_path(c, new_fd, right::kPathRenameTarget, new_path, new_path_len, false, to);
      e != Errno::Success) {
    return e;
  }
  if (from.name() == "." || to.name() == ".") return Errno::Busy;
  return ::renameat(from.dirfd(), from.name().c_str(), to.dirfd(), to.name().c_str()) == 0
             ? Errno::Success
             : last_errno();
}

Errno path_symlink(Call& c, uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                   uint32_t new_path, uint32_t new_path_len) {
  std::string target;
  if (!c.mem.string(old_path, old_path_len, target)) return Errno::Fault;
  if (target.find('\0') != std::string::npos) return Errno::Inval;
  // An absolute target could only ever point outside the sandbox (resolve() refuses to follow
  // it anyway); refuse to create it so host tools are not misled either.
  if (!target.empty() && target.front() == '/') return Errno::Perm;
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathSymlink, new_path, new_path_len, false, r);
      e != Errno::Success) {
    return e;
  }
  if (r.name() == ".") return Errno::Exist;
  return ::symlinkat(target.c_str(), r.dirfd(), r.name().c_str()) == 0 ? Errno::Success
                                                                       : last_errno();
}

Errno path_readlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused_ptr) {
  Resolved r;
  if (Errno e = dir_path(c, fd, right::kPathReadlink, path, path_len, false, r);
      e != Errno::Success) {
    return e;
  }
  uint8_t* out = c.mem.at(buf, buf_len);
  if (!out || !c.mem.ok(bufused_ptr, 4)) return Errno::Fault;
  std::string target(4096, '\0');
  ssize_t n = ::readlinkat(r.dirfd(), r.name().c_str(), target.data(), target.size());
  if (n < 0) return last_errno();
  // Truncated to the buffer, as readlink(2) does.
  size_t copy = std::min<size_t>(static_cast<size_t>(n), buf_len);
  std::memcpy(out, target.data(), copy);
  c.mem.store(bufused_ptr, static_cast<uint32_t>(copy));
  return Errno::Success;
}

}  // namespace

void path_defs(std::vector<HostDef>& out) {
  out.push_back(def<&path_create_directory>("path_create_directory"));
  out.push_back(def<&path_filestat_get>("path_filestat_get"));
  out.push_back(def<&path_filestat_set_times>("path_filestat_set_times"));
  out.push_back(def<&path_link>("path_link"));
  out.push_back(def<&path_open>("path_open"));
  out.push_back(def<&path_readlink>("path_readlink"));
  out.push_back(def<&path_remove_directory>("path_remove_directory"));
  out.push_back(def<&path_rename>("path_rename"));
  out.push_back(def<&path_symlink>("path_symlink"));
  out.push_back(def<&path_unlink_file>("path_unlink_file"));
}

}  // namespace hailmary::detail::wasi
