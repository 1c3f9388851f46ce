// The type-safe FFI: typed calls into guests, host functions from C++ callables, strings,
// bytes and structs through the guest's allocator, bounds-checked memory views, error codes,
// typed handles and a verified ABI contract. The type mapping is shared with the guest SDK
// (hailmary/guest.hpp) through hailmary/abi/.
#pragma once

#include "hailmary/abi/abi.hpp"
#include "hailmary/abi/std.hpp"
#include "hailmary/ffi/context.hpp"
#include "hailmary/ffi/contract.hpp"
#include "hailmary/ffi/dynamic.hpp"
#include "hailmary/ffi/error.hpp"
#include "hailmary/ffi/guest.hpp"
#include "hailmary/ffi/host_func.hpp"
#include "hailmary/ffi/marshal.hpp"
#include "hailmary/ffi/memory.hpp"
#include "hailmary/ffi/typed_func.hpp"
