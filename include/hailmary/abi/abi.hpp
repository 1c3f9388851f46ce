// The shared host/guest type mapping: include this from headers that declare an interface
// (structs with HM_STRUCT, handles with HM_HANDLE) used by both sides.
#pragma once

#include "hailmary/abi/error.hpp"
#include "hailmary/abi/lowering.hpp"
#include "hailmary/abi/meta.hpp"
#include "hailmary/abi/types.hpp"
