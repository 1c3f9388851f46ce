// WASI internals: preview1 constants and layouts, guest-memory access, the descriptor table and
// the glue that turns plain C++ functions into raw host functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "hailmary/extern.hpp"
#include "hailmary/wasi.hpp"

namespace hailmary::detail::wasi {

/// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#errno
enum class Errno : uint16_t {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  Again = 6,
  Badf = 8,
  Busy = 10,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  Ilseq = 25,
  Intr = 27,
  Inval = 28,
  Io = 29,
  Isdir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  Nametoolong = 37,
  Nfile = 41,
  Nobufs = 42,
  Nodev = 43,
  Noent = 44,
  Nomem = 48,
  Nospc = 51,
  Nosys = 52,
  Notdir = 54,
  Notempty = 55,
  Notsup = 58,
  Notty = 59,
  Nxio = 60,
  Overflow = 61,
  Perm = 63,
  Pipe = 64,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Txtbsy = 74,
  Xdev = 75,
  Notcapable = 76,
};

/// Map a host errno value to its preview1 code (EIO for anything without a counterpart).
Errno from_host_errno(int err) noexcept;
/// from_host_errno(errno): for the common "the syscall failed" path.
Errno last_errno() noexcept;

// Filetypes (plain constants: they are stored as u8 in guest structures).
inline constexpr uint8_t kUnknown = 0, kBlockDevice = 1, kCharDevice = 2, kDirectory = 3,
                         kRegularFile = 4, kSocketDgram = 5, kSocketStream = 6, kSymlink = 7;

// fdflags, oflags, lookupflags, fstflags.
inline constexpr uint16_t kFdAppend = 1, kFdDsync = 2, kFdNonblock = 4, kFdRsync = 8, kFdSync = 16;
inline constexpr uint16_t kOCreat = 1, kODirectory = 2, kOExcl = 4, kOTrunc = 8;
inline constexpr uint32_t kLookupSymlinkFollow = 1;
inline constexpr uint16_t kAtim = 1, kAtimNow = 2, kMtim = 4, kMtimNow = 8;

// Rights. https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#rights
namespace right {
inline constexpr uint64_t kFdDatasync = 1ull << 0, kFdRead = 1ull << 1, kFdSeek = 1ull << 2,
                          kFdFdstatSetFlags = 1ull << 3, kFdSync = 1ull << 4, kFdTell = 1ull << 5,
                          kFdWrite = 1ull << 6, kFdAdvise = 1ull << 7, kFdAllocate = 1ull << 8,
                          kPathCreateDirectory = 1ull << 9, kPathCreateFile = 1ull << 10,
                          kPathLinkSource = 1ull << 11, kPathLinkTarget = 1ull << 12,
                          kPathOpen = 1ull << 13, kFdReaddir = 1ull << 14,
                          kPathReadlink = 1ull << 15, kPathRenameSource = 1ull << 16,
                          kPathRenameTarget = 1ull << 17, kPathFilestatGet = 1ull << 18,
                          kPathFilestatSetSize = 1ull << 19, kPathFilestatSetTimes = 1ull << 20,
                          kFdFilestatGet = 1ull << 21, kFdFilestatSetSize = 1ull << 22,
                          kFdFilestatSetTimes = 1ull << 23, kPathSymlink = 1ull << 24,
                          kPathRemoveDirectory = 1ull << 25, kPathUnlinkFile = 1ull << 26,
                          kPollFdReadwrite = 1ull << 27, kSockShutdown = 1ull << 28,
                          kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;
/// Everything that changes the file system: withheld below a read-only preopen.
inline constexpr uint64_t kMutating =
    kFdDatasync | kFdWrite | kFdAllocate | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathRenameSource | kPathRenameTarget |
    kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatSetSize | kFdFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
}  // namespace right

/// The calling instance's memory 0. The memory cannot grow while a host function runs (we never
/// call back into the guest), so base and size are stable for the duration of one call.
/// Every access is checked: ptr and len are 32-bit guest values widened to 64 bits, so the sum
/// cannot overflow.
class GuestMem {
 public:
  GuestMem() = default;
  GuestMem(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool ok(uint64_t ptr, uint64_t len) const noexcept { return ptr <= size_ && len <= size_ - ptr; }
  /// Pointer to [ptr, ptr+len) or nullptr if out of bounds.
  uint8_t* at(uint64_t ptr, uint64_t len) const noexcept {
    return ok(ptr, len) ? base_ + ptr : nullptr;
  }
  template <class T>
  bool load(uint64_t ptr, T& out) const noexcept {
    if (!ok(ptr, sizeof(T))) return false;
    std::memcpy(&out, base_ + ptr, sizeof(T));  // wasm is little-endian, like our hosts
    return true;
  }
  template <class T>
  bool store(uint64_t ptr, T value) const noexcept {
    if (!ok(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }
  /// Copy a guest string; fails on a bad range.
  bool string(uint64_t ptr, uint64_t len, std::string& out) const {
    if (!ok(ptr, len)) return false;
    out.assign(reinterpret_cast<const char*>(base_ + ptr), len);
    return true;
  }
  uint64_t size() const noexcept { return size_; }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

/// A host file descriptor we own; closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  uint8_t type = kUnknown;
};

/// One guest descriptor.
struct FdEntry {
  /// Host: backed by host_fd. Buffer: a standard stream the embedder supplied in memory.
  enum class Kind : uint8_t { Host, Buffer } kind = Kind::Host;
  UniqueFd owned;  ///< set when we opened the host fd (not for inherited stdio)
  int host_fd = -1;
  ::hailmary::wasi::Stdio::Kind buffer = ::hailmary::wasi::Stdio::Kind::Null;
  std::shared_ptr<const std::string> input;
  size_t input_pos = 0;
  std::shared_ptr<std::string> sink;

  uint8_t filetype = kUnknown;
  uint16_t fdflags = 0;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  bool read_only = false;              ///< below a read-only preopen: host files open O_RDONLY
  std::optional<std::string> preopen;  ///< guest path of a preopened directory
  std::vector<DirEntry> dir_cache;     ///< fd_readdir snapshot, refreshed at cookie 0

  bool is_dir() const noexcept { return filetype == kDirectory; }
};

}  // namespace hailmary::detail::wasi

namespace hailmary::wasi {

class WasiContext {
 public:
  using FdEntry = detail::wasi::FdEntry;
  using Errno = detail::wasi::Errno;

  std::vector<std::string> args;
  std::vector<std::string> env;  ///< "KEY=VALUE"

  /// The entry for `fd`, or nullptr if it is not open.
  FdEntry* get(uint32_t fd) noexcept { return fd < table_.size() ? table_[fd].get() : nullptr; }
  /// Like get(), but also requires every right in `rights` (ENOTCAPABLE otherwise).
  Errno lookup(uint32_t fd, uint64_t rights, FdEntry*& out) noexcept;
  /// Place `entry` at the lowest free descriptor; EMFILE if the table is full.
  Errno insert(std::unique_ptr<FdEntry> entry, uint32_t& fd);
  Errno close(uint32_t fd);
  Errno renumber(uint32_t from, uint32_t to);

  std::vector<std::unique_ptr<FdEntry>>& table() noexcept { return table_; }

 private:
  std::vector<std::unique_ptr<FdEntry>> table_;
};

}  // namespace hailmary::wasi

namespace hailmary::detail::wasi {

using ::hailmary::wasi::WasiContext;

/// What each WASI function receives: the context, the caller's memory and the caller.
struct Call {
  WasiContext& ctx;
  GuestMem mem;
  Caller& caller;
};

/// One entry of the host-module table: a name, its wasm type and the raw thunk.
struct HostDef {
  std::string_view name;
  FuncType type;
  RawHostFunction fn;
};

template <class T>
constexpr ValType wasm_type() {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>,
                "WASI functions take uint32_t (i32) and uint64_t (i64) parameters only");
  return std::is_same_v<T, uint32_t> ? ValType::I32 : ValType::I64;
}

GuestMem caller_memory(Caller& caller) noexcept;

template <auto F>
struct Thunk;

/// Adapts `Errno f(Call&, uint32_t/uint64_t...)` to the raw slot ABI: parameters are read
/// from the slots (i32 in the low 32 bits), the errno is written as an i32 to slots[0].
template <class... A, Errno (*F)(Call&, A...)>
struct Thunk<F> {
  static bool invoke(Caller& caller, uint64_t* slots, void* env) {
    Call call{*static_cast<WasiContext*>(env), caller_memory(caller), caller};
    Errno e = unpack(call, slots, std::index_sequence_for<A...>{});
    slots[0] = static_cast<uint32_t>(e);
    return true;
  }
  template <size_t... I>
  static Errno unpack(Call& call, const uint64_t* slots, std::index_sequence<I...>) {
    return F(call, static_cast<A>(slots[I])...);
  }
  static HostDef def(std::string_view name) {
    return {name, FuncType{{wasm_type<A>()...}, {ValType::I32}}, &invoke};
  }
};

template <auto F>
HostDef def(std::string_view name) {
  return Thunk<F>::def(name);
}

// Each concern adds its functions to `out`.
void args_defs(std::vector<HostDef>& out);
void environ_defs(std::vector<HostDef>& out);
void clock_defs(std::vector<HostDef>& out);
void fd_defs(std::vector<HostDef>& out);
void path_defs(std::vector<HostDef>& out);
void poll_defs(std::vector<HostDef>& out);
void proc_defs(std::vector<HostDef>& out);
void random_defs(std::vector<HostDef>& out);

/// Filetype of a host st_mode.
uint8_t filetype_of(unsigned mode) noexcept;
/// Write a preview1 filestat (64 bytes) for host `st` at guest `ptr`.
struct FilestatFields {
  uint64_t dev, ino;
  uint8_t filetype;
  uint64_t nlink, size, atim, mtim, ctim;
};
bool store_filestat(const GuestMem& mem, uint64_t ptr, const FilestatFields& f);
/// Shared by fd_filestat_set_times and path_filestat_set_times: build the timespec pair for
/// utimensat/futimens from preview1's (atim, mtim, fst_flags). EINVAL on contradicting flags.
Errno make_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, void* timespec2);

}  // namespace hailmary::detail::wasi
