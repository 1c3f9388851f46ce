// Compile-time checks of the shared type mapping: lowering, sret, contract text, layouts.
#include <gtest/gtest.h>
#include <hailmary/ffi.hpp>

#include "greeter/greeter_api.hpp"

namespace hma = hailmary::abi;
using greeter::Counter;
using greeter::Point;
using greeter::Stats;

// The seed's trap: a struct result is a hidden first parameter, and nothing is returned.
static_assert(hma::Signature<hma::StringResult()>::sret);
static_assert(hma::Signature<hma::StringResult()>::param_count == 1);
static_assert(hma::Signature<hma::StringResult()>::result_count == 0);
static_assert(sizeof(hma::StringResult) == 12 && alignof(hma::StringResult) == 4);
static_assert(hma::Signature<std::string(std::string_view)>::param_count == 3);
static_assert(hma::Signature<int32_t(int32_t, int32_t)>::slot_count == 2);
static_assert(hma::Signature<std::tuple<int32_t, int64_t, double>(int32_t)>::result_count == 3);
static_assert(sizeof(Stats) == 24 && hma::AbiOf<Stats>::align == 8);

TEST(Abi, SignatureTextNamesLayouts) {
  auto t = hma::Signature<Stats(Point, hma::Handle<Counter>)>::text();
  EXPECT_EQ(std::string(t.data, t.size),
            "(Point{x:i32@0,y:i32@4}/8:4,handle<greeter::Counter>)->"
            "Stats{count:i64@0,mean:f64@8,flags:u32@16}/24:8");
}

TEST(Abi, LoweredFuncType) {
  using hailmary::ValType;
  auto t = hailmary::ffi::detail::func_type_of<std::string(std::string_view, int64_t)>();
  EXPECT_EQ(t.params,
            (std::vector<ValType>{ValType::I32, ValType::I32, ValType::I32, ValType::I64}));
  EXPECT_TRUE(t.results.empty());
}

TEST(Abi, ErrorNames) {
  EXPECT_EQ(hailmary::ffi::error_code_name(2), "InvalidUtf8");
  EXPECT_EQ(hailmary::ffi::error_code_name(1004), "user error 1004");
  EXPECT_EQ(hailmary::ffi::error_code_name(77), "unknown code 77");
  EXPECT_TRUE(hailmary::ffi::is_valid_utf8(reinterpret_cast<const uint8_t*>("h\xc3\xa9"), 3));
  EXPECT_FALSE(hailmary::ffi::is_valid_utf8(reinterpret_cast<const uint8_t*>("\xff\xfe"), 2));
  EXPECT_FALSE(hailmary::ffi::is_valid_utf8(reinterpret_cast<const uint8_t*>("\xed\xa0\x80"), 3));
  EXPECT_FALSE(hailmary::ffi::is_valid_utf8(reinterpret_cast<const uint8_t*>("\xc0\xaf"), 2));
}

// Long text goes through the ASCII fast paths (32 and 8 bytes a step): a non-ASCII byte
// anywhere, on either side of a step's boundary, must still be checked.
TEST(Abi, Utf8ValidationAtEveryPositionOfLongText) {
  auto valid = [](const std::string& s) {
    return hailmary::ffi::is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  for (size_t n : {31u, 32u, 33u, 40u, 64u, 71u, 100u}) {
    const std::string ascii(n, 'a');
    EXPECT_TRUE(valid(ascii)) << n;
    for (size_t k = 0; k < n; ++k) {
      std::string bad = ascii;
      bad[k] = '\xff';
      EXPECT_FALSE(valid(bad)) << n << " at " << k;
      if (k + 1 < n) {
        std::string two = ascii;  // U+00E9, well-formed
        two[k] = '\xc3';
        two[k + 1] = '\xa9';
        EXPECT_TRUE(valid(two)) << n << " at " << k;
        std::string lone = ascii;  // a lead byte whose continuation is missing
        lone[k] = '\xc3';
        EXPECT_FALSE(valid(lone)) << n << " at " << k;
      }
    }
  }
}
