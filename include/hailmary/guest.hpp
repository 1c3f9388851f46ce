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
