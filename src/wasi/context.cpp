// The descriptor table, context creation, linking and running a command.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {

Errno from_host_errno(int err) noexcept {
  switch (err) {
    case 0:
      return Errno::Success;
    case E2BIG:
      return Errno::TooBig;
    case EACCES:
      return Errno::Acces;
    case EAGAIN:
      return Errno::Again;
    case EBADF:
      return Errno::Badf;
    case EBUSY:
      return Errno::Busy;
    case EEXIST:
      return Errno::Exist;
    case EFAULT:
      return Errno::Fault;
    case EFBIG:
      return Errno::Fbig;
    case EILSEQ:
      return Errno::Ilseq;
    case EINTR:
      return Errno::Intr;
    case EINVAL:
      return Errno::Inval;
    case EIO:
      return Errno::Io;
    case EISDIR:
      return Errno::Isdir;
    case ELOOP:
      return Errno::Loop;
    case EMFILE:
      return Errno::Mfile;
    case EMLINK:
      return Errno::Mlink;
    case ENAMETOOLONG:
      return Errno::Nametoolong;
    case ENFILE:
      return Errno::Nfile;
    case ENOBUFS:
      return Errno::Nobufs;
    case ENODEV:
      return Errno::Nodev;
    case ENOENT:
      return Errno::Noent;
    case ENOMEM:
      return Errno::Nomem;
    case ENOSPC:
      return Errno::Nospc;
    case ENOSYS:
      return Errno::Nosys;
    case ENOTDIR:
      return Errno::Notdir;
    case ENOTEMPTY:
      return Errno::Notempty;
    case EOPNOTSUPP:
      return Errno::Notsup;
    case ENOTTY:
      return Errno::Notty;
    case ENXIO:
      return Errno::Nxio;
    case EOVERFLOW:
      return Errno::Overflow;
    case EPERM:
      return Errno::Perm;
    case EPIPE:
      return Errno::Pipe;
    case ERANGE:
      return Errno::Range;
    case EROFS:
      return Errno::Rofs;
    case ESPIPE:
      return Errno::Spipe;
    case ETXTBSY:
      return Errno::Txtbsy;
    case EXDEV:
      return Errno::Xdev;
    default:
      return Errno::Io;
  }
}

Errno last_errno() noexcept {
  return from_host_errno(errno);
}

uint8_t filetype_of(unsigned mode) noexcept {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return kRegularFile;
    case S_IFDIR:
      return kDirectory;
    case S_IFCHR:
      return kCharDevice;
    case S_IFBLK:
      return kBlockDevice;
    case S_IFLNK:
      return kSymlink;
    case S_IFSOCK:
      return kSocketStream;
    default:
      return kUnknown;  // FIFOs have no preview1 filetype
  }
}

bool store_filestat(const GuestMem& mem, uint64_t ptr, const FilestatFields& f) {
  uint8_t* p = mem.at(ptr, 64);
  if (!p) return false;
  std::memset(p, 0, 64);
  std::memcpy(p + 0, &f.dev, 8);
  std::memcpy(p + 8, &f.ino, 8);
  p[16] = f.filetype;
  std::memcpy(p + 24, &f.nlink, 8);
  std::memcpy(p + 32, &f.size, 8);
  std::memcpy(p + 40, &f.atim, 8);
  std::memcpy(p + 48, &f.mtim, 8);
  std::memcpy(p + 56, &f.ctim, 8);
  return true;
}

Errno make_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, void* out) {
  auto* ts = static_cast<timespec*>(out);
  if (fst_flags & ~uint32_t{kAtim | kAtimNow | kMtim | kMtimNow}) return Errno::Inval;
  if ((fst_flags & kAtim) && (fst_flags & kAtimNow)) return Errno::Inval;
  if ((fst_flags & kMtim) && (fst_flags & kMtimNow)) return Errno::Inval;
  auto set = [](timespec& t, bool value, bool now, uint64_t ns) {
    if (now) {
      t = {0, UTIME_NOW};
    } else if (value) {
      t = {static_cast<time_t>(ns / 1000000000u), static_cast<long>(ns % 1000000000u)};
    } else {
      t = {0, UTIME_OMIT};
    }
  };
  set(ts[0], fst_flags & kAtim, fst_flags & kAtimNow, atim);
  set(ts[1], fst_flags & kMtim, fst_flags & kMtimNow, mtim);
  return Errno::Success;
}

GuestMem caller_memory(Caller& caller) noexcept {
  auto memory = caller.memory();
  if (!memory) return {};
  return GuestMem(memory->data(), memory->size());
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

namespace {

/// What an ordinary (non-directory) descriptor may do.
constexpr uint64_t kFileRights = right::kFdDatasync | right::kFdRead | right::kFdSeek |
                                 right::kFdFdstatSetFlags | right::kFdSync | right::kFdTell |
                                 right::kFdWrite | right::kFdAdvise | right::kFdAllocate |
                                 right::kFdFilestatGet | right::kFdFilestatSetSize |
                                 right::kFdFilestatSetTimes | right::kPollFdReadwrite;

std::unique_ptr<FdEntry> stdio_entry(const ::hailmary::wasi::Stdio& stdio, int number) {
  auto e = std::make_unique<FdEntry>();
  if (stdio.kind() == ::hailmary::wasi::Stdio::Kind::Inherit) {
    e->kind = FdEntry::Kind::Host;
    e->host_fd = number;
    struct stat st {};
    e->filetype = ::fstat(number, &st) == 0 ? filetype_of(st.st_mode) : kUnknown;
    e->rights_base = kFileRights;
    // wasi-libc's isatty() needs a character device without seek/tell rights.
    if (e->filetype == kCharDevice) e->rights_base &= ~(right::kFdSeek | right::kFdTell);
    int fl = ::fcntl(number, F_GETFL);
    if (fl >= 0 && (fl & O_APPEND)) e->fdflags |= kFdAppend;
    if (fl >= 0 && (fl & O_NONBLOCK)) e->fdflags |= kFdNonblock;
  } else {
    e->kind = FdEntry::Kind::Buffer;
    e->buffer = stdio.kind();
    e->input = stdio.input_bytes();
    e->sink = stdio.sink();
    e->filetype = kUnknown;  // a pipe-like stream: not a tty, not seekable
    e->rights_base = right::kFdRead | right::kFdWrite | right::kFdFdstatSetFlags |
                     right::kFdFilestatGet | right::kPollFdReadwrite;
  }
  return e;
}

}  // namespace
}  // namespace hailmary::detail::wasi

namespace hailmary::wasi {

using detail::wasi::Errno;
using detail::wasi::FdEntry;

Errno WasiContext::lookup(uint32_t fd, uint64_t rights, FdEntry*& out) noexcept {
  out = get(fd);
  if (!out) return Errno::Badf;
  if ((out->rights_base & rights) != rights) return Errno::Notcapable;
  return Errno::Success;
}

Errno WasiContext::insert(std::unique_ptr<FdEntry> entry, uint32_t& fd) {
  for (size_t i = 0; i < table_.size(); ++i) {
    if (!table_[i]) {
      table_[i] = std::move(entry);
      fd = static_cast<uint32_t>(i);
      return Errno::Success;
    }
  }
  // Bounded so a guest cannot exhaust host memory or descriptors through us.
  if (table_.size() >= 65536) return Errno::Mfile;
  table_.push_back(std::move(entry));
  fd = static_cast<uint32_t>(table_.size() - 1);
  return Errno::Success;
}

Errno WasiContext::close(uint32_t fd) {
  if (!get(fd)) return Errno::Badf;
  table_[fd].reset();
  return Errno::Success;
}

Errno WasiContext::renumber(uint32_t from, uint32_t to) {
  if (!get(from) || !get(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  table_[to] = std::move(table_[from]);
  return Errno::Success;
}

Result<std::shared_ptr<WasiContext>> make_context(WasiConfig config) {
  namespace dw = detail::wasi;
  auto ctx = std::make_shared<WasiContext>();
  ctx->args = std::move(config.args);
  for (auto& [k, v] : config.env) ctx->env.push_back(k + "=" + v);
  ctx->table().push_back(dw::stdio_entry(config.stdin_stream, 0));
  ctx->table().push_back(dw::stdio_entry(config.stdout_stream, 1));
  ctx->table().push_back(dw::stdio_entry(config.stderr_stream, 2));
  for (auto& p : config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return Error(ErrorKind::Io, "preopen " + p.host_path.string() + ": " + std::strerror(errno));
    }
    auto e = std::make_unique<FdEntry>();
    e->owned = dw::UniqueFd(fd);
    e->host_fd = fd;
    e->filetype = dw::kDirectory;
    e->rights_base = e->rights_inheriting = dw::right::kAll;
    if (p.read_only) {
      e->rights_base &= ~dw::right::kMutating;
      e->rights_inheriting &= ~dw::right::kMutating;
      e->read_only = true;
    }
    e->preopen = p.guest_path;
    ctx->table().push_back(std::move(e));
  }
  return ctx;
}

Result<void> add_to_linker(Linker& linker, std::shared_ptr<WasiContext> context) {
  namespace dw = detail::wasi;
  if (!context) return Error(ErrorKind::Usage, "add_to_linker: null WASI context");
  std::vector<dw::HostDef> defs;
  dw::args_defs(defs);
  dw::environ_defs(defs);
  dw::clock_defs(defs);
  dw::fd_defs(defs);
  dw::path_defs(defs);
  dw::poll_defs(defs);
  dw::proc_defs(defs);
  dw::random_defs(defs);
  for (auto& d : defs) {
    linker.define(kModuleName, d.name, Func::host_raw(linker.store(), d.type, d.fn, context));
  }
  return {};
}

Result<int32_t> run_start(const Instance& instance) {
  auto start = instance.get_func("_start");
  if (!start) return Error(ErrorKind::Link, "the module exports no _start function");
  if (!start->type().params.empty() || !start->type().results.empty()) {
    return Error(ErrorKind::Link, "_start must have type () -> ()");
  }
  auto r = start->call(std::span<const Value>{});
  if (r) return 0;
  if (auto code = exit_status(r.error())) return *code;
  return std::move(r).error();
}

Result<int32_t> run_command(Linker& linker, const Module& module, WasiConfig config) {
  auto ctx = make_context(std::move(config));
  if (!ctx) return std::move(ctx).error();
  if (auto r = add_to_linker(linker, *ctx); !r) return std::move(r).error();
  auto instance = linker.instantiate(module);
  if (!instance) {
    if (auto code = exit_status(instance.error())) return *code;
    return std::move(instance).error();
  }
  return run_start(*instance);
}

}  // namespace hailmary::wasi
