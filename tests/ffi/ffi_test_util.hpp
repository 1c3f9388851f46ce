// Shared helpers for the FFI tests: load a guest built by guests/CMakeLists.txt.
#pragma once

#include <gtest/gtest.h>
#include <hailmary/ffi.hpp>
#include <hailmary/hailmary.hpp>

#include <memory>
#include <string>

namespace hm_test {

namespace ffi = hailmary::ffi;

/// Engine, store and linker for one test; the guest path comes from a compile definition.
struct Env {
  hailmary::Engine engine;
  hailmary::Store store{engine};
  hailmary::Linker linker{store};

  hailmary::Module load(const char* path) {
    auto m = hailmary::Module::from_file(engine, path);
    if (!m) ADD_FAILURE() << m.error();
    return std::move(*m);
  }
  ffi::Guest attach(const char* path, const ffi::GuestOptions& o = {}) {
    auto mod = load(path);
    auto inst = linker.instantiate(mod);
    if (!inst) ADD_FAILURE() << inst.error();
    auto g = ffi::Guest::attach(*inst, o);
    if (!g) ADD_FAILURE() << g.error();
    return std::move(*g);
  }
};

template <class T>
T must(hailmary::Result<T> r) {
  if (!r) {
    ADD_FAILURE() << r.error();
    std::abort();
  }
  return std::move(*r);
}

inline bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

}  // namespace hm_test
