// Umbrella header: everything an embedder needs.
#pragma once

#include "hailmary/engine.hpp"
#include "hailmary/error.hpp"
#include "hailmary/extern.hpp"
#include "hailmary/instance.hpp"
#include "hailmary/linker.hpp"
#include "hailmary/module.hpp"
#include "hailmary/types.hpp"
#include "hailmary/value.hpp"
