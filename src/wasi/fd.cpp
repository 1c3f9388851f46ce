// fd_*: operations on open descriptors.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {
namespace {

/// Guest iovecs converted to host iovecs pointing into linear memory. Small counts stay on the
/// stack: fd_read/fd_write are the hot calls of real programs.
class IoVecs {
 public:
  /// EFAULT if the array or any buffer is out of bounds. The total is kept below 2^31 so the
  /// byte count fits preview1's u32 size and ssize_t everywhere (a short transfer is legal).
  Errno load(const GuestMem& mem, uint32_t iovs, uint32_t count) {
    if (!mem.ok(iovs, uint64_t{8} * count)) return Errno::Fault;
    size_t n = std::min<size_t>(count, IOV_MAX);
    if (n > small_.size()) {
      big_.resize(n);
      data_ = big_.data();
    } else {
      data_ = small_.data();
    }
    uint64_t total = 0;
    size_ = 0;
    for (size_t i = 0; i < n; ++i) {
      uint32_t ptr = 0, len = 0;
      mem.load(iovs + 8 * i, ptr);
      mem.load(iovs + 8 * i + 4, len);
      uint8_t* p = mem.at(ptr, len);
      if (!p) return Errno::Fault;
      if (total + len > 0x7fffffffu) len = static_cast<uint32_t>(0x7fffffffu - total);
      data_[size_++] = {p, len};
      total += len;
      if (total >= 0x7fffffffu) break;
    }
    return Errno::Success;
  }
  iovec* data() noexcept { return data_; }
  int size() const noexcept { return static_cast<int>(size_); }

 private:
  std::array<iovec, 16> small_{};
  std::vector<iovec> big_;
  iovec* data_ = nullptr;
  size_t size_ = 0;
};

Errno store_size(const GuestMem& mem, uint32_t ptr, uint64_t n) {
  return mem.store(ptr, static_cast<uint32_t>(n)) ? Errno::Success : Errno::Fault;
}

Errno fd_read(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_ptr) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  if (!(e->rights_base & right::kFdRead)) return Errno::Badf;  // as POSIX: not open for reading
  IoVecs v;
  if (Errno err = v.load(c.mem, iovs, iovs_len); err != Errno::Success) return err;
  if (!c.mem.ok(nread_ptr, 4)) return Errno::Fault;
  if (e->kind == FdEntry::Kind::Buffer) {
    if (e->buffer == ::hailmary::wasi::Stdio::Kind::Capture) return Errno::Badf;
    uint64_t total = 0;
    if (e->input) {
      for (int i = 0; i < v.size(); ++i) {
        size_t n = std::min(v.data()[i].iov_len, e->input->size() - e->input_pos);
        std::memcpy(v.data()[i].iov_base, e->input->data() + e->input_pos, n);
        e->input_pos += n;
        total += n;
      }
    }
    return store_size(c.mem, nread_ptr, total);
  }
  ssize_t n = ::readv(e->host_fd, v.data(), v.size());
  if (n < 0) return last_errno();
  return store_size(c.mem, nread_ptr, static_cast<uint64_t>(n));
}

Errno fd_write(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_ptr) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  if (!(e->rights_base & right::kFdWrite)) return Errno::Badf;
  IoVecs v;
  if (Errno err = v.load(c.mem, iovs, iovs_len); err != Errno::Success) return err;
  if (!c.mem.ok(nwritten_ptr, 4)) return Errno::Fault;
  if (e->kind == FdEntry::Kind::Buffer) {
    if (e->buffer == ::hailmary::wasi::Stdio::Kind::Input) return Errno::Badf;
    uint64_t total = 0;
    for (int i = 0; i < v.size(); ++i) {
      if (e->sink)
        e->sink->append(static_cast<const char*>(v.data()[i].iov_base), v.data()[i].iov_len);
      total += v.data()[i].iov_len;
    }
    return store_size(c.mem, nwritten_ptr, total);
  }
  ssize_t n = ::writev(e->host_fd, v.data(), v.size());
  if (n < 0) return last_errno();
  return store_size(c.mem, nwritten_ptr, static_cast<uint64_t>(n));
}

Errno fd_pread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread_ptr) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdRead | right::kFdSeek, e); err != Errno::Success) {
    return err;
  }
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  if (offset > static_cast<uint64_t>(INT64_MAX)) return Errno::Inval;
  IoVecs v;
  if (Errno err = v.load(c.mem, iovs, iovs_len); err != Errno::Success) return err;
  if (!c.mem.ok(nread_ptr, 4)) return Errno::Fault;
  ssize_t n = ::preadv(e->host_fd, v.data(), v.size(), static_cast<off_t>(offset));
  if (n < 0) return last_errno();
  return store_size(c.mem, nread_ptr, static_cast<uint64_t>(n));
}

Errno fd_pwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten_ptr) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdWrite | right::kFdSeek, e); err != Errno::Success) {
    return err;
  }
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  if (offset > static_cast<uint64_t>(INT64_MAX)) return Errno::Inval;
  IoVecs v;
  if (Errno err = v.load(c.mem, iovs, iovs_len); err != Errno::Success) return err;
  if (!c.mem.ok(nwritten_ptr, 4)) return Errno::Fault;
  ssize_t n = ::pwritev(e->host_fd, v.data(), v.size(), static_cast<off_t>(offset));
  if (n < 0) return last_errno();
  return store_size(c.mem, nwritten_ptr, static_cast<uint64_t>(n));
}

Errno fd_seek(Call& c, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_ptr) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  // Asking for the current position is fd_tell in disguise (wasi-libc's ftell does this).
  uint64_t need = (offset == 0 && whence == 1) ? right::kFdTell : right::kFdSeek;
  if (!(e->rights_base & need)) return Errno::Notcapable;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  int w = whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : whence == 2 ? SEEK_END : -1;
  if (w < 0) return Errno::Inval;
  if (!c.mem.ok(newoffset_ptr, 8)) return Errno::Fault;
  off_t r = ::lseek(e->host_fd, static_cast<off_t>(offset), w);
  if (r < 0) return last_errno();
  c.mem.store(newoffset_ptr, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno fd_tell(Call& c, uint32_t fd, uint32_t offset_ptr) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdTell, e); err != Errno::Success) return err;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  if (!c.mem.ok(offset_ptr, 8)) return Errno::Fault;
  off_t r = ::lseek(e->host_fd, 0, SEEK_CUR);
  if (r < 0) return last_errno();
  c.mem.store(offset_ptr, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno fd_close(Call& c, uint32_t fd) {
  return c.ctx.close(fd);
}

Errno fd_renumber(Call& c, uint32_t from, uint32_t to) {
  return c.ctx.renumber(from, to);
}

Errno sync_common(Call& c, uint32_t fd, uint64_t right, int (*fn)(int)) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right, e); err != Errno::Success) return err;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Inval;  // like fsync on a pipe
  return fn(e->host_fd) == 0 ? Errno::Success : last_errno();
}

Errno fd_sync(Call& c, uint32_t fd) {
  return sync_common(c, fd, right::kFdSync, &::fsync);
}
Errno fd_datasync(Call& c, uint32_t fd) {
  return sync_common(c, fd, right::kFdDatasync, &::fdatasync);
}

Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdAdvise, e); err != Errno::Success) return err;
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice > 5) return Errno::Inval;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  if (offset > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX)) {
    return Errno::Inval;
  }
  int r = ::posix_fadvise(e->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len),
                          kAdvice[advice]);
  return from_host_errno(r);
}

Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdAllocate, e); err != Errno::Success) return err;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Spipe;
  if (offset > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX) ||
      len == 0) {
    return Errno::Inval;
  }
  int r = ::posix_fallocate(e->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len));
  return from_host_errno(r);
}

Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t buf) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  uint8_t* p = c.mem.at(buf, 24);
  if (!p) return Errno::Fault;
  std::memset(p, 0, 24);
  p[0] = e->filetype;
  std::memcpy(p + 2, &e->fdflags, 2);
  std::memcpy(p + 8, &e->rights_base, 8);
  std::memcpy(p + 16, &e->rights_inheriting, 8);
  return Errno::Success;
}

Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdFdstatSetFlags, e); err != Errno::Success) {
    return err;
  }
  if (flags & ~uint32_t{kFdAppend | kFdDsync | kFdNonblock | kFdRsync | kFdSync}) {
    return Errno::Inval;
  }
  // Linux cannot switch the sync modes of an open file.
  if (flags & (kFdDsync | kFdRsync | kFdSync)) return Errno::Notsup;
  if (e->kind == FdEntry::Kind::Host) {
    int fl = ::fcntl(e->host_fd, F_GETFL);
    if (fl < 0) return last_errno();
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & kFdAppend) fl |= O_APPEND;
    if (flags & kFdNonblock) fl |= O_NONBLOCK;
    if (::fcntl(e->host_fd, F_SETFL, fl) != 0) return last_errno();
  }
  e->fdflags = static_cast<uint16_t>(flags);
  return Errno::Success;
}

Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inheriting) {
  FdEntry* e = c.ctx.get(fd);
  if (!e) return Errno::Badf;
  // Rights can only be dropped, never gained.
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) {
    return Errno::Notcapable;
  }
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::Success;
}

Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t buf) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdFilestatGet, e); err != Errno::Success) return err;
  if (!c.mem.ok(buf, 64)) return Errno::Fault;
  if (e->kind == FdEntry::Kind::Buffer) {
    store_filestat(c.mem, buf, FilestatFields{0, 0, e->filetype, 1, 0, 0, 0, 0});
    return Errno::Success;
  }
  struct stat st {};
  if (::fstat(e->host_fd, &st) != 0) return last_errno();
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
  };
  store_filestat(c.mem, buf,
                 FilestatFields{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                                filetype_of(st.st_mode), static_cast<uint64_t>(st.st_nlink),
                                static_cast<uint64_t>(st.st_size), ns(st.st_atim), ns(st.st_mtim),
                                ns(st.st_ctim)});
  return Errno::Success;
}

Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdFilestatSetSize, e); err != Errno::Success) {
    return err;
  }
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Inval;
  if (size > static_cast<uint64_t>(INT64_MAX)) return Errno::Inval;
  return ::ftruncate(e->host_fd, static_cast<off_t>(size)) == 0 ? Errno::Success : last_errno();
}

Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t flags) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdFilestatSetTimes, e); err != Errno::Success) {
    return err;
  }
  timespec ts[2];
  if (Errno err = make_times(atim, mtim, flags, ts); err != Errno::Success) return err;
  if (e->kind == FdEntry::Kind::Buffer) return Errno::Inval;
  return ::futimens(e->host_fd, ts) == 0 ? Errno::Success : last_errno();
}

Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t buf) {
  FdEntry* e = c.ctx.get(fd);
  if (!e || !e->preopen) return Errno::Badf;
  uint8_t* p = c.mem.at(buf, 8);
  if (!p) return Errno::Fault;
  std::memset(p, 0, 8);  // tag 0: a directory
  uint32_t len = static_cast<uint32_t>(e->preopen->size());
  std::memcpy(p + 4, &len, 4);
  return Errno::Success;
}

Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry* e = c.ctx.get(fd);
  if (!e || !e->preopen) return Errno::Badf;
  if (path_len < e->preopen->size()) return Errno::Nametoolong;
  uint8_t* p = c.mem.at(path, e->preopen->size());
  if (!p) return Errno::Fault;
  std::memcpy(p, e->preopen->data(), e->preopen->size());
  return Errno::Success;
}

/// Snapshot the directory (rewinding it), so cookies are stable indices into the snapshot.
Errno refresh_dir(FdEntry& e) {
  int dup = ::fcntl(e.host_fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return last_errno();
  DIR* dir = ::fdopendir(dup);
  if (!dir) {
    Errno err = last_errno();
    ::close(dup);
    return err;
  }
  ::rewinddir(dir);
  e.dir_cache.clear();
  errno = 0;
  while (dirent* d = ::readdir(dir)) {
    DirEntry de;
    de.name = d->d_name;
    de.ino = d->d_ino;
    switch (d->d_type) {
      case DT_REG:
        de.type = kRegularFile;
        break;
      case DT_DIR:
        de.type = kDirectory;
        break;
      case DT_LNK:
        de.type = kSymlink;
        break;
      case DT_CHR:
        de.type = kCharDevice;
        break;
      case DT_BLK:
        de.type = kBlockDevice;
        break;
      case DT_SOCK:
        de.type = kSocketStream;
        break;
      default: {
        struct stat st {};
        de.type = ::fstatat(e.host_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
                      ? filetype_of(st.st_mode)
                      : kUnknown;
      }
    }
    e.dir_cache.push_back(std::move(de));
  }
  Errno err = errno ? last_errno() : Errno::Success;
  ::closedir(dir);
  return err;
}

Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_ptr) {
  FdEntry* e = nullptr;
  if (Errno err = c.ctx.lookup(fd, right::kFdReaddir, e); err != Errno::Success) return err;
  if (!e->is_dir() || e->kind != FdEntry::Kind::Host) return Errno::Notdir;
  uint8_t* out = c.mem.at(buf, buf_len);
  if (!out || !c.mem.ok(bufused_ptr, 4)) return Errno::Fault;
  if (cookie == 0 || e->dir_cache.empty()) {
    if (Errno err = refresh_dir(*e); err != Errno::Success) return err;
  }
  uint64_t used = 0;
  for (uint64_t i = cookie; i < e->dir_cache.size() && used < buf_len; ++i) {
    const DirEntry& d = e->dir_cache[i];
    // The header then the name; whatever does not fit is cut, which tells the guest that the
    // buffer was too small (bufused == buf_len) so it retries with a bigger one.
    uint8_t header[24] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(header + 0, &next, 8);
    std::memcpy(header + 8, &d.ino, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = d.type;
    uint64_t n = std::min<uint64_t>(24, buf_len - used);
    std::memcpy(out + used, header, n);
    used += n;
    n = std::min<uint64_t>(namlen, buf_len - used);
    std::memcpy(out + used, d.name.data(), n);
    used += n;
  }
  c.mem.store(bufused_ptr, static_cast<uint32_t>(used));
  return Errno::Success;
}

}  // namespace

void fd_defs(std::vector<HostDef>& out) {
  out.push_back(def<&fd_advise>("fd_advise"));
  out.push_back(def<&fd_allocate>("fd_allocate"));
  out.push_back(def<&fd_close>("fd_close"));
  out.push_back(def<&fd_datasync>("fd_datasync"));
  out.push_back(def<&fd_fdstat_get>("fd_fdstat_get"));
  out.push_back(def<&fd_fdstat_set_flags>("fd_fdstat_set_flags"));
  out.push_back(def<&fd_fdstat_set_rights>("fd_fdstat_set_rights"));
  out.push_back(def<&fd_filestat_get>("fd_filestat_get"));
  out.push_back(def<&fd_filestat_set_size>("fd_filestat_set_size"));
  out.push_back(def<&fd_filestat_set_times>("fd_filestat_set_times"));
  out.push_back(def<&fd_pread>("fd_pread"));
  out.push_back(def<&fd_prestat_get>("fd_prestat_get"));
  out.push_back(def<&fd_prestat_dir_name>("fd_prestat_dir_name"));
  out.push_back(def<&fd_pwrite>("fd_pwrite"));
  out.push_back(def<&fd_read>("fd_read"));
  out.push_back(def<&fd_readdir>("fd_readdir"));
  out.push_back(def<&fd_renumber>("fd_renumber"));
  out.push_back(def<&fd_seek>("fd_seek"));
  out.push_back(def<&fd_sync>("fd_sync"));
  out.push_back(def<&fd_tell>("fd_tell"));
  out.push_back(def<&fd_write>("fd_write"));
}

}  // namespace hailmary::detail::wasi
