// Hail Mary's first example: a C++ host calling two WebAssembly guests through the typed FFI.
//   1. The seed's Rust guest (rust-wasm/src/lib.rs, unchanged): hello_world_safe returns a
//      StringResult through a hidden return-area pointer, which the host derives from the C++
//      type; the string is freed with the guest's own free_string_safe.
//   2. A C++ guest built with the SDK (guests/greeter): strings both ways, a struct, a handle
//      with its lifetime, an error code, and a host function the guest calls.
// Usage: hello [rust.wasm] [greeter.wasm]
#include <hailmary/ffi.hpp>
#include <hailmary/hailmary.hpp>

#include <iostream>
#include <string>
#include <string_view>

#include "greeter/greeter_api.hpp"

namespace ffi = hailmary::ffi;
using greeter::Counter;
using greeter::Point;

#ifndef HM_HELLO_RUST_WASM
#define HM_HELLO_RUST_WASM "hail_mary.wasm"
#endif
#ifndef HM_HELLO_CPP_WASM
#define HM_HELLO_CPP_WASM "greeter.wasm"
#endif

namespace {

int fail(const hailmary::Error& e) {
  std::cerr << "error: " << e << '\n';
  return 1;
}

int run_rust(hailmary::Engine& engine, const char* path) {
  auto module = hailmary::Module::from_file(engine, path);
  if (!module) return fail(module.error());
  hailmary::Store store(engine);
  hailmary::Linker linker(store);
  // The seed's guest has no contract section: the C++ declarations are the contract, and
  // the host checks the module's real wasm types against them before any call.
  auto iface = ffi::Interface()
                   .func<std::string()>("hello_world_safe")
                   .func<ffi::HailMaryError(ffi::Ptr<char>)>("free_string_safe");
  auto guest = ffi::instantiate(linker, *module, iface);
  if (!guest) return fail(guest.error());

  // std::string() lowers to (param i32): the StringResult return area the Go host missed.
  auto hello = guest->func<std::string()>("hello_world_safe", {.release = "free_string_safe"});
  if (!hello) return fail(hello.error());
  auto text = (*hello)();
  if (!text) return fail(text.error());
  std::cout << "rust guest: " << *text << '\n';

  // An error code from the guest: free_string_safe(NULL) says NullPointer.
  auto free_safe = guest->func<ffi::HailMaryError(ffi::Ptr<char>)>("free_string_safe");
  if (!free_safe) return fail(free_safe.error());
  auto r = (*free_safe)(ffi::Ptr<char>(0));
  std::cout << "rust guest: free_string_safe(NULL) -> "
            << (r ? std::string("Success") : r.error().message()) << '\n';
  return 0;
}

int run_cpp(hailmary::Engine& engine, const char* path) {
  auto module = hailmary::Module::from_file(engine, path);
  if (!module) return fail(module.error());
  hailmary::Store store(engine);
  hailmary::Linker linker(store);
  ffi::define(linker, "env", "log",
              [](std::string_view msg) { std::cout << "[guest log] " << msg << '\n'; });
  ffi::define(linker, "env", "twice", [](int32_t x) { return 2 * x; });
  ffi::define(linker, "env", "decorate",
              [](std::string_view s) { return "*" + std::string(s) + "*"; });

  // The C++ guest carries an ABI contract; instantiate() checks it against these declarations.
  auto iface = ffi::Interface()
                   .func<std::string()>("hello")
                   .func<std::string(std::string_view)>("greet")
                   .func<Point(Point, Point)>("point_add")
                   .func<ffi::Handle<Counter>(int32_t)>("counter_new")
                   .func<ffi::Fallible<int32_t>(ffi::Handle<Counter>)>("counter_increment");
  auto guest = ffi::instantiate(linker, *module, iface);
  if (!guest) return fail(guest.error());

  auto hello = guest->func<std::string()>("hello");
  auto greet = guest->func<std::string(std::string_view)>("greet");
  auto point_add = guest->func<Point(Point, Point)>("point_add");
  auto increment = guest->func<ffi::Fallible<int32_t>(ffi::Handle<Counter>)>("counter_increment");
  auto log_twice = guest->func<int32_t(std::string_view)>("log_twice");
  if (!hello || !greet || !point_add || !increment || !log_twice) {
    return fail(!hello       ? hello.error()
                : !greet     ? greet.error()
                : !point_add ? point_add.error()
                : !increment ? increment.error()
                             : log_twice.error());
  }

  auto text = (*hello)();
  if (!text) return fail(text.error());
  std::cout << "c++ guest:  " << *text << '\n';

  auto greeting = (*greet)("Hail Mary");
  if (!greeting) return fail(greeting.error());
  std::cout << "c++ guest:  greet(\"Hail Mary\") -> " << *greeting << '\n';
  auto empty = (*greet)("");
  std::cout << "c++ guest:  greet(\"\") -> " << (empty ? *empty : empty.error().message()) << '\n';

  auto p = (*point_add)(Point{1, 2}, Point{30, 40});
  if (!p) return fail(p.error());
  std::cout << "c++ guest:  point_add({1,2}, {30,40}) -> {" << p->x << ", " << p->y << "}\n";

  ffi::Handle<Counter> stale;
  {
    auto counter = guest->make<Counter>("counter_new", 10);
    if (!counter) return fail(counter.error());
    for (int i = 0; i < 3; ++i) {
      auto v = (*increment)(counter->get());
      if (!v) return fail(v.error());
      std::cout << "c++ guest:  counter -> " << *v << '\n';
    }
    stale = counter->get();
  }  // Owned<Counter> calls counter_free here
  auto after = (*increment)(stale);
  std::cout << "c++ guest:  counter after destroy -> "
            << (after ? std::to_string(*after) : after.error().message()) << '\n';

  auto n = (*log_twice)("called back from the guest");
  if (!n) return fail(n.error());
  std::cout << "c++ guest:  twice(21) via the host -> " << *n << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* rust = argc > 1 ? argv[1] : HM_HELLO_RUST_WASM;
  const char* cpp = argc > 2 ? argv[2] : HM_HELLO_CPP_WASM;
  hailmary::Engine engine;
  if (int rc = run_rust(engine, rust); rc != 0) return rc;
  return run_cpp(engine, cpp);
}
