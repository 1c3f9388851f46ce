// poll_oneoff: clock subscriptions and fd readiness.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "wasi/clock.hpp"
#include "wasi/context.hpp"

namespace hailmary::detail::wasi {
namespace {

constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
constexpr uint16_t kSubscriptionClockAbstime = 1;
constexpr uint16_t kEventFdReadwriteHangup = 1;

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct Sub {
  uint64_t userdata = 0;
  uint8_t type = 0;
  uint64_t deadline_ns = 0;  ///< clock: relative timeout from now, in ns
  FdEntry* entry = nullptr;  ///< fd_read/fd_write: the descriptor (null: bad fd)
  int poll_index = -1;       ///< index in the pollfd array, if polled
};

void store_event(const GuestMem& mem, uint64_t at, const Event& ev) {
  uint8_t* p = mem.at(at, 32);
  std::memset(p, 0, 32);
  std::memcpy(p + 0, &ev.userdata, 8);
  uint16_t err = static_cast<uint16_t>(ev.error);
  std::memcpy(p + 8, &err, 2);
  p[10] = ev.type;
  std::memcpy(p + 16, &ev.nbytes, 8);
  std::memcpy(p + 24, &ev.flags, 2);
}

/// Bytes readable without blocking, when the host can tell (regular files: to end of file).
uint64_t readable_bytes(const FdEntry& e) {
  if (e.kind == FdEntry::Kind::Buffer) {
    return e.input ? e.input->size() - e.input_pos : 0;
  }
  int n = 0;
  if (e.filetype == kRegularFile) {
    struct stat st {};
    off_t pos = ::lseek(e.host_fd, 0, SEEK_CUR);
    if (::fstat(e.host_fd, &st) == 0 && pos >= 0 && st.st_size > pos) {
      return static_cast<uint64_t>(st.st_size - pos);
    }
    return 0;
  }
  if (::ioctl(e.host_fd, FIONREAD, &n) == 0 && n > 0) return static_cast<uint64_t>(n);
  return 0;
}

Errno poll_oneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_ptr) {
  if (nsubscriptions == 0) return Errno::Inval;
  if (!c.mem.ok(in, uint64_t{48} * nsubscriptions) ||
      !c.mem.ok(out, uint64_t{32} * nsubscriptions) || !c.mem.ok(nevents_ptr, 4)) {
    return Errno::Fault;
  }
  std::vector<Sub> subs(nsubscriptions);
  std::vector<pollfd> pfds;
  std::vector<Event> ready;
  uint64_t min_timeout = std::numeric_limits<uint64_t>::max();
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    uint64_t base = in + uint64_t{48} * i;
    Sub& s = subs[i];
    c.mem.load(base, s.userdata);
    c.mem.load(base + 8, s.type);
    if (s.type == kEventClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      c.mem.load(base + 16, id);
      c.mem.load(base + 24, timeout);
      c.mem.load(base + 40, flags);
      uint64_t now = 0;
      if (!clock_now(id, now)) {
        ready.push_back({s.userdata, Errno::Inval, kEventClock, 0, 0});
        continue;
      }
      if (flags & kSubscriptionClockAbstime) {
        s.deadline_ns = timeout > now ? timeout - now : 0;
      } else {
        s.deadline_ns = timeout;
      }
      min_timeout = std::min(min_timeout, s.deadline_ns);
    } else if (s.type == kEventFdRead || s.type == kEventFdWrite) {
      uint32_t fd = 0;
      c.mem.load(base + 16, fd);
      s.entry = c.ctx.get(fd);
      if (!s.entry) {
        ready.push_back({s.userdata, Errno::Badf, s.type, 0, 0});
        continue;
      }
      if (!(s.entry->rights_base & right::kPollFdReadwrite)) {
        ready.push_back({s.userdata, Errno::Notcapable, s.type, 0, 0});
        continue;
      }
      bool pollable = s.entry->kind == FdEntry::Kind::Host && s.entry->filetype != kRegularFile &&
                      s.entry->filetype != kDirectory;
      if (pollable) {
        s.poll_index = static_cast<int>(pfds.size());
        pfds.push_back(
            {s.entry->host_fd, static_cast<short>(s.type == kEventFdRead ? POLLIN : POLLOUT), 0});
      } else {
        // Files and in-memory streams never block.
        ready.push_back({s.userdata, Errno::Success, s.type,
                         s.type == kEventFdRead ? readable_bytes(*s.entry) : 0, 0});
      }
    } else {
      return Errno::Inval;
    }
  }

  // Wait for the earliest clock unless something is ready already.
  int timeout_ms = -1;
  if (!ready.empty()) {
    timeout_ms = 0;
  } else if (min_timeout != std::numeric_limits<uint64_t>::max()) {
    uint64_t ms = (min_timeout + 999999) / 1000000;
    timeout_ms = static_cast<int>(std::min<uint64_t>(ms, INT32_MAX));
  }
  bool fired_clock = false;
  if (!pfds.empty()) {
    int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) return last_errno();
    if (n == 0 && ready.empty()) fired_clock = true;
  } else if (ready.empty()) {
    // Only clocks: sleep precisely (ns) rather than poll()'s whole milliseconds.
    timespec ts{static_cast<time_t>(min_timeout / 1000000000u),
                static_cast<long>(min_timeout % 1000000000u)};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    fired_clock = true;
  }
  for (auto& s : subs) {
    if (s.poll_index >= 0) {
      const pollfd& p = pfds[static_cast<size_t>(s.poll_index)];
      if (p.revents == 0) continue;
      Event ev{s.userdata, Errno::Success, s.type, 0, 0};
      if (p.revents & POLLHUP) ev.flags |= kEventFdReadwriteHangup;
      if (p.revents & (POLLERR | POLLNVAL)) ev.error = Errno::Io;
      if (s.type == kEventFdRead) ev.nbytes = readable_bytes(*s.entry);
      ready.push_back(ev);
    } else if (fired_clock && s.type == kEventClock && s.deadline_ns == min_timeout) {
      ready.push_back({s.userdata, Errno::Success, kEventClock, 0, 0});
    }
  }
  for (size_t i = 0; i < ready.size(); ++i) store_event(c.mem, out + 32 * i, ready[i]);
  c.mem.store(nevents_ptr, static_cast<uint32_t>(ready.size()));
  return Errno::Success;
}

}  // namespace

void poll_defs(std::vector<HostDef>& out) {
  out.push_back(def<&poll_oneoff>("poll_oneoff"));
}

}  // namespace hailmary::detail::wasi
