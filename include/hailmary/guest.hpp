// The Hail Mary guest SDK: header-only, for C++ guests compiled with clang to wasm32
// (freestanding, --target=wasm32) or wasm32-wasi (wasi-libc/libc++), with -fno-exceptions.
// It provides the allocator exports, error codes, result types, typed handle tables, HM_EXPORT
// / HM_IMPORT, and the ABI contract section; the type mapping is shared with the host through
// hailmary/abi/.
#pragma once

#include "hailmary/guest/alloc.hpp"
#include "hailmary/guest/config.hpp"
#include "hailmary/guest/export.hpp"
#include "hailmary/guest/handles.hpp"
#include "hailmary/guest/import.hpp"
#include "hailmary/guest/marshal.hpp"
#include "hailmary/guest/types.hpp"

#if !defined(HM_GUEST_NO_ALLOCATOR)
// Contract records of the allocator exports (duplicates across object files are merged by the
// host's reader).
namespace hailmary::guest::detail::allocator_contract {
inline constexpr abi::meta::Text alloc_record =
    make_record("hail_mary_alloc", abi::Signature<Ptr<void>(uint32_t)>::text());
inline constexpr abi::meta::Text free_record =
    make_record("hail_mary_free", abi::Signature<void(Ptr<void>, uint32_t)>::text());
inline constexpr abi::meta::Text live_record =
    make_record("hail_mary_live_allocations", abi::Signature<uint32_t()>::text());
[[gnu::used]] static void emit_contract() {
  Emitter<alloc_record>::emit_all(abi::meta::make_index_seq<alloc_record.size>{});
  Emitter<free_record>::emit_all(abi::meta::make_index_seq<free_record.size>{});
  Emitter<live_record>::emit_all(abi::meta::make_index_seq<live_record.size>{});
}
}  // namespace hailmary::guest::detail::allocator_contract
#endif
