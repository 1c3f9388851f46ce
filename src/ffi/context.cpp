// The allocator protocol, release of guest buffers, the argument arena, and lookups.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "hailmary/ffi/guest.hpp"
#include "hailmary/ffi/host_func.hpp"
#include "hailmary/ffi/typed_func.hpp"

namespace hailmary::ffi {

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

const FuncType kI32ToI32{{ValType::I32}, {ValType::I32}};
const FuncType kI32I32ToNone{{ValType::I32, ValType::I32}, {}};
const FuncType kI32ToNone{{ValType::I32}, {}};
const FuncType kCabiRealloc{{ValType::I32, ValType::I32, ValType::I32, ValType::I32},
                            {ValType::I32}};

Error with_where(Error e, std::string_view where) {
  e.with_context(where);
  return e;
}

// The argument arena: big enough for the arguments of most calls (a 4 KiB one and its call's
// return area), small enough not to matter.
constexpr uint32_t kArgArenaSize = 4096 + 64;
constexpr uint32_t kArgArenaAlign = 16;

}  // namespace

namespace detail {

GuestContext::~GuestContext() = default;

const std::string* GuestContext::contract_of(std::string_view name) const {
  for (const auto& [n, sig] : contract)
    if (n == name) return &sig;
  return nullptr;
}

std::optional<ReleaseShape> release_shape_of(const FuncType& type) {
  if (type == kI32I32ToNone) return ReleaseShape::PtrLen;
  if (type == kI32ToNone) return ReleaseShape::Ptr;
  if (type == kI32ToI32) return ReleaseShape::PtrStatus;
  return std::nullopt;
}

namespace {
// One raw allocator call: returns the pointer after checking null and bounds.
Result<uint32_t> raw_alloc(GuestContext& ctx, uint32_t size, uint32_t align) {
  if (ctx.protocol == AllocProtocol::None) {
    return ffi_error(
        "the guest exports no allocator (hail_mary_alloc/hail_mary_free, malloc/free or "
        "cabi_realloc): strings, bytes and structs cannot be passed to it");
  }
  uint64_t slots[4];
  if (ctx.protocol == AllocProtocol::CabiRealloc) {
    slots[0] = 0;
    slots[1] = 0;
    slots[2] = align;
    slots[3] = size;
  } else {
    slots[0] = size;
  }
  ++*ctx.epoch;
  if (auto r = ctx.alloc.call_raw(slots); !r) {
    return with_where(std::move(r).error(), "guest allocator " + ctx.alloc_name);
  }
  auto ptr = static_cast<uint32_t>(slots[0]);
  if (ptr == 0) {
    return ffi_error("guest allocator " + ctx.alloc_name + " returned null for " +
                     std::to_string(size) + " bytes (allocation failed)");
  }
  if (auto ok = ctx.guest_memory().check(ptr, size); !ok) {
    return ffi_error("guest allocator " + ctx.alloc_name + " returned " + hex(ptr) + " for " +
                     std::to_string(size) + " bytes, outside linear memory (" +
                     std::to_string(ctx.memory.size()) + " bytes)");
  }
  return ptr;
}

Result<void> raw_free(GuestContext& ctx, const Func& fn, ReleaseShape shape, uint32_t ptr,
                      uint32_t len, std::string_view name) {
  if (shape == ReleaseShape::None || !fn) return {};
  uint64_t slots[2] = {ptr, len};
  ++*ctx.epoch;
  if (auto r = fn.call_raw(slots); !r) {
    return with_where(std::move(r).error(), "guest release function " + std::string(name));
  }
  if (shape == ReleaseShape::PtrStatus) {
    auto code = static_cast<uint32_t>(slots[0]);
    if (code != 0) return guest_code_error(code, name);
  }
  return {};
}
}  // namespace

Result<GuestAlloc> guest_alloc(GuestContext& ctx, uint32_t size, uint32_t align) {
  auto p = raw_alloc(ctx, size, align);
  if (!p) return std::move(p).error();
  if (*p % align == 0) return GuestAlloc{*p, *p, size};
  // The seed's hail_mary_alloc hands out byte buffers (alignment 1); over-allocate and align
  // by hand rather than trusting it for a 4- or 8-byte aligned return area.
  if (auto r = raw_free(ctx, ctx.free, ctx.free_shape, *p, size, ctx.free_name); !r) {
    return std::move(r).error();
  }
  uint32_t padded = size + align - 1;
  auto q = raw_alloc(ctx, padded, align);
  if (!q) return std::move(q).error();
  uint32_t aligned = (*q + align - 1) / align * align;
  return GuestAlloc{aligned, *q, padded};
}

Result<void> guest_free(GuestContext& ctx, const GuestAlloc& a) {
  if (a.raw == 0) return {};
  return raw_free(ctx, ctx.free, ctx.free_shape, a.raw, a.raw_size, ctx.free_name);
}

Result<void> release(GuestContext& ctx, const Func& fn, ReleaseShape shape, uint32_t ptr,
                     uint32_t len, std::string_view fn_name) {
  return raw_free(ctx, fn, shape, ptr, len, fn_name);
}

namespace {
void fill(uint8_t* to, const void* bytes, size_t size) {
  if (size == 0) return;
  if (bytes) {
    std::memcpy(to, bytes, size);
  } else {
    std::memset(to, 0, size);
  }
}
}  // namespace

std::optional<uint32_t> copy_to_arena(GuestContext& ctx, const void* bytes, size_t size,
                                      uint32_t align) {
  // An empty argument still gets a byte, so that its pointer is distinct and in bounds.
  const uint64_t bytes_taken = std::max<size_t>(size, 1);
  if (bytes_taken > kArgArenaSize || align > kArgArenaAlign || (align & (align - 1)) != 0)
    return std::nullopt;
  // Every part starts 16-byte aligned whatever it asks for: guest code reads strings and
  // bytes a word (or a vector) at a time, and a misaligned start costs it a slower path.
  const uint64_t at =
      (uint64_t{ctx.arena_used} + kArgArenaAlign - 1) & ~uint64_t{kArgArenaAlign - 1};
  if (at + bytes_taken > kArgArenaSize) return std::nullopt;
  if (ctx.arena.raw == 0) {
    // A guest without an allocator fails here and again, with its error, in copy_to_guest.
    auto a = guest_alloc(ctx, kArgArenaSize, kArgArenaAlign);
    if (!a) return std::nullopt;
    ctx.arena = *a;
  }
  ctx.arena_used = static_cast<uint32_t>(at + bytes_taken);
  const uint32_t ptr = ctx.arena.ptr + static_cast<uint32_t>(at);
  fill(ctx.memory.data() + ptr, bytes, size);
  return ptr;
}

Result<GuestAlloc> copy_to_guest(GuestContext& ctx, const void* bytes, size_t size,
                                 uint32_t align) {
  auto a = guest_alloc(ctx, static_cast<uint32_t>(std::max<size_t>(size, 1)), align);
  if (!a) return std::move(a).error();
  fill(ctx.memory.data() + a->ptr, bytes, size);
  return a;
}

namespace {
// The bytes of a StringResult at `ret`, as an Out (std::string or std::vector<uint8_t>), the
// guest buffer released; text is checked as UTF-8.
template <class Out>
Result<Out> take_result(GuestContext& ctx, uint32_t ret, const Func& release_fn, ReleaseShape shape,
                        std::string_view release_name, bool text, std::string_view where) {
  GuestMemory mem = ctx.guest_memory();
  auto sr = mem.read<StringResult>(ret);
  if (!sr) return with_where(std::move(sr).error(), where);
  auto code = static_cast<uint32_t>(sr->error);
  // A failed call owns nothing we could safely free: its pointer is unspecified.
  if (code != 0) return guest_code_error(code, where);
  uint32_t ptr = sr->ptr.offset;
  uint32_t len = sr->len;
  if (ptr == 0) {
    if (len == 0) return Out();
    return ffi_error(std::string(where) + ": guest returned a null pointer with length " +
                     std::to_string(len));
  }
  if (auto ok = mem.check(ptr, len); !ok) {
    return with_where(std::move(ok).error(), std::string(where) + ": returned buffer");
  }
  using Byte = typename Out::value_type;
  const auto* bytes = reinterpret_cast<const Byte*>(ctx.memory.data() + ptr);
  Out out(bytes, bytes + len);
  // Release before validating, so that invalid content does not leak the buffer either.
  Result<void> freed = release_fn ? release(ctx, release_fn, shape, ptr, len, release_name)
                                  : release(ctx, ctx.free, ctx.free_shape, ptr, len, ctx.free_name);
  if (!freed) return std::move(freed).error();
  if (text && !is_valid_utf8(reinterpret_cast<const uint8_t*>(out.data()), out.size())) {
    return ffi_error(std::string(where) + ": guest returned a string that is not valid UTF-8");
  }
  return out;
}
}  // namespace

Result<std::string> take_string_result(GuestContext& ctx, uint32_t ret, const Func& release_fn,
                                       ReleaseShape shape, std::string_view release_name,
                                       std::string_view where) {
  return take_result<std::string>(ctx, ret, release_fn, shape, release_name, true, where);
}

Result<std::vector<uint8_t>> take_bytes_result(GuestContext& ctx, uint32_t ret,
                                               const Func& release_fn, ReleaseShape shape,
                                               std::string_view release_name,
                                               std::string_view where) {
  return take_result<std::vector<uint8_t>>(ctx, ret, release_fn, shape, release_name, false, where);
}

Result<Func> lookup_func(const Instance& instance, std::string_view name, const FuncType& expected,
                         std::string_view signature) {
  auto ext = instance.get_export(name);
  if (!ext) {
    return ffi_error("no export `" + std::string(name) + "` (the host declares " +
                     std::string(signature) + ")");
  }
  const Func* f = ext->func();
  if (f == nullptr) {
    return ffi_error("export `" + std::string(name) + "` is a " +
                     std::string(to_string(ext->kind())) + ", not a function");
  }
  if (f->type() != expected) {
    return ffi_error("export `" + std::string(name) + "` has core type " + to_string(f->type()) +
                     ", but the host declares " + std::string(signature) + ", which lowers to " +
                     to_string(expected));
  }
  return *f;
}

Result<void> return_string_to_guest(Caller& caller, const Memory& mem, uint32_t ret,
                                    const void* data, size_t size) {
  if (size > UINT32_MAX) return ffi_error("host string result larger than 4 GiB");
  GuestMemory gm(mem);
  if (auto ok = gm.check(ret, sizeof(StringResult), alignof(StringResult)); !ok) return ok;
  StringResult sr{};
  if (size != 0) {
    // The caller's own allocator: the guest frees the result with it.
    std::optional<Extern> alloc;
    bool cabi = false;
    for (const char* n : {"hail_mary_alloc", "malloc"}) {
      alloc = caller.get_export(n);
      if (alloc && alloc->func() && alloc->func()->type() == kI32ToI32) break;
      alloc.reset();
    }
    if (!alloc) {
      alloc = caller.get_export("cabi_realloc");
      cabi = alloc && alloc->func() && alloc->func()->type() == kCabiRealloc;
      if (!cabi) return ffi_error("returning a string to a guest that exports no allocator");
    }
    uint64_t slots[4] = {0, 0, 1, size};
    if (!cabi) slots[0] = size;
    if (auto r = alloc->func()->call_raw(slots); !r) return std::move(r).error();
    auto ptr = static_cast<uint32_t>(slots[0]);
    if (ptr == 0) return ffi_error("guest allocator returned null for a host string result");
    if (auto ok = gm.check(ptr, size); !ok) return ok;
    std::memcpy(mem.data() + ptr, data, size);
    sr.ptr = Ptr<char>(ptr);
    sr.len = static_cast<uint32_t>(size);
  }
  std::memcpy(mem.data() + ret, &sr, sizeof sr);
  return {};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

Result<void> GuestBuffer::reset() {
  if (alloc_.raw == 0) return {};
  detail::GuestAlloc a = std::exchange(alloc_, {});
  return detail::guest_free(*ctx_, a);
}

namespace {

// Resolves one allocator protocol; nullopt when its exports are absent.
Result<bool> try_protocol(detail::GuestContext& ctx, const Instance& inst, AllocProtocol p,
                          const GuestOptions& o) {
  std::string an, fn;
  FuncType at, ft;
  switch (p) {
    case AllocProtocol::HailMary:
      an = "hail_mary_alloc";
      fn = "hail_mary_free";
      at = kI32ToI32;
      ft = kI32I32ToNone;
      break;
    case AllocProtocol::Malloc:
      an = "malloc";
      fn = "free";
      at = kI32ToI32;
      ft = kI32ToNone;
      break;
    case AllocProtocol::CabiRealloc:
      an = "cabi_realloc";
      fn = "free";
      at = kCabiRealloc;
      ft = kI32ToNone;
      break;
    default:
      return false;
  }
  if (!o.alloc_name.empty()) an = o.alloc_name;
  if (!o.free_name.empty()) fn = o.free_name;
  auto a = inst.get_func(an);
  if (!a) return false;
  if (a->type() != at) {
    return ffi_error("allocator export `" + an + "` has type " + to_string(a->type()) +
                     ", expected " + to_string(at));
  }
  auto f = inst.get_func(fn);
  if (!f && p != AllocProtocol::CabiRealloc) return false;
  if (f && f->type() != ft) {
    return ffi_error("allocator export `" + fn + "` has type " + to_string(f->type()) +
                     ", expected " + to_string(ft));
  }
  ctx.protocol = p;
  ctx.alloc = *a;
  ctx.alloc_name = an;
  if (f) {
    ctx.free = *f;
    ctx.free_name = fn;
    ctx.free_shape = p == AllocProtocol::HailMary ? ReleaseShape::PtrLen : ReleaseShape::Ptr;
  }
  return true;
}

}  // namespace

Result<Guest> Guest::attach(const Instance& instance, const GuestOptions& options) {
  auto ctx = std::make_shared<detail::GuestContext>();
  ctx->instance = instance;
  if (auto m = instance.get_memory("memory")) {
    ctx->memory = *m;
  } else if (auto d = instance.default_memory()) {
    ctx->memory = *d;
  }
  const AllocProtocol order[] = {AllocProtocol::HailMary, AllocProtocol::Malloc,
                                 AllocProtocol::CabiRealloc};
  for (AllocProtocol p : order) {
    if (options.protocol != AllocProtocol::Auto && options.protocol != p) continue;
    auto found = try_protocol(*ctx, instance, p, options);
    if (!found) return std::move(found).error();
    if (*found) break;
  }
  if (options.protocol != AllocProtocol::Auto && options.protocol != AllocProtocol::None &&
      ctx->protocol == AllocProtocol::None) {
    return ffi_error("the guest does not export the requested allocator");
  }
  auto contract = read_contract(instance.module());
  if (!contract) return std::move(contract).error();
  ctx->has_contract = has_contract(instance.module());
  for (auto& e : *contract) ctx->contract.emplace_back(std::move(e.name), std::move(e.signature));

  if (options.initialize) {
    const FuncType unit{};
    for (const char* init : {"_initialize", "__wasm_call_ctors"}) {
      auto f = instance.get_func(init);
      if (!f || f->type() != unit) continue;
      uint64_t slot = 0;
      if (auto r = f->call_raw(&slot); !r) return with_where(std::move(r).error(), init);
      break;
    }
  }
  return Guest(std::move(ctx));
}

Result<Func> Guest::check(std::string_view name, const FuncType& type,
                          const std::string& signature) const {
  auto f = detail::lookup_func(ctx_->instance, name, type, signature);
  if (!f) return f;
  if (ctx_->has_contract) {
    const std::string* rec = ctx_->contract_of(name);
    if (rec == nullptr) {
      return ffi_error("the module's ABI contract has no record of `" + std::string(name) + "`");
    }
    if (*rec != signature) {
      return ffi_error("`" + std::string(name) + "`: the guest's contract says " + *rec +
                       ", the host declares " + signature);
    }
  }
  return f;
}

Result<Guest::Release> Guest::release_for(const FuncOptions& options) const {
  if (options.release.empty()) return Release{Func(), ctx_->free_shape, {}};
  const std::string& name = options.release;
  auto f = ctx_->instance.get_func(name);
  if (!f) return ffi_error("no release export `" + std::string(name) + "`");
  auto shape = detail::release_shape_of(f->type());
  if (!shape) {
    return ffi_error("release export `" + std::string(name) + "` has type " + to_string(f->type()) +
                     "; expected (i32, i32) -> (), (i32) -> () or " + "(i32) -> (i32)");
  }
  return Release{*f, *shape, name};
}

Result<Func> Guest::check_destroy(std::string_view name, const std::string& void_sig,
                                  const std::string& status_sig) const {
  auto f = ctx_->instance.get_func(name);
  if (!f) return ffi_error("no destroy export `" + std::string(name) + "`");
  if (f->type() != kI32ToNone && f->type() != kI32ToI32) {
    return ffi_error("destroy export `" + std::string(name) + "` has type " + to_string(f->type()) +
                     "; expected (i32) -> () or (i32) -> (i32)");
  }
  if (ctx_->has_contract) {
    const std::string* rec = ctx_->contract_of(name);
    if (rec == nullptr || (*rec != void_sig && *rec != status_sig)) {
      return ffi_error("`" + std::string(name) + "`: the guest's contract says " +
                       (rec ? *rec : std::string("nothing")) + ", the host expects " + void_sig +
                       " or " + status_sig);
    }
  }
  return *f;
}

Result<GuestBuffer> Guest::alloc(uint32_t size, uint32_t align) const {
  auto a = detail::guest_alloc(*ctx_, std::max<uint32_t>(size, 1), align);
  if (!a) return std::move(a).error();
  return GuestBuffer(ctx_, *a, size);
}

std::vector<ContractEntry> Guest::contract() const {
  std::vector<ContractEntry> out;
  for (const auto& [n, s] : ctx_->contract) out.push_back({n, s});
  return out;
}

Result<Guest> instantiate(const Linker& linker, const Module& module, const Interface& iface,
                          const GuestOptions& options) {
  if (auto ok = verify(module, iface); !ok) return std::move(ok).error();
  auto inst = linker.instantiate(module);
  if (!inst) return std::move(inst).error();
  return Guest::attach(*inst, options);
}

}  // namespace hailmary::ffi
