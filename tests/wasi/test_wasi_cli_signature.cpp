// The run-time signatures `hailmary call --sig` takes (ffi::parse_signature): contract text
// round-trips canonically, lowers to the same core types as the typed FFI, and rejects
// malformed input with a column.
#include <gtest/gtest.h>

#include "hailmary/ffi.hpp"

namespace {

using namespace hailmary;

template <class Sig>
void expect_same_as_typed(std::string_view text) {
  auto s = ffi::parse_signature(text);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->text(), ffi::TypedFunc<Sig>::signature());
  EXPECT_EQ(s->lowered(), ffi::TypedFunc<Sig>::wasm_type()) << text;
}

TEST(WasiCliSignature, AgreesWithTheTypedFfi) {
  expect_same_as_typed<std::string(std::string_view)>("(string) -> string");
  expect_same_as_typed<std::vector<uint8_t>(std::span<const uint8_t>, int32_t)>(
      " ( bytes , i32 )->bytes");
  expect_same_as_typed<uint64_t(int64_t, float, double, bool)>("(i64,f32,f64,bool)->u64");
  expect_same_as_typed<std::tuple<int32_t, double>(uint32_t)>("(u32)->(i32,f64)");
  expect_same_as_typed<ffi::Fallible<int64_t>()>("()->result<i64>");
  expect_same_as_typed<ffi::HailMaryError(int32_t)>("(i32)->status");
  expect_same_as_typed<void()>("()->void");
  expect_same_as_typed<ffi::StringResult()>(
      "()->StringResult{ptr:ptr@0,len:u32@4,error:status@8}/12:4");
}

TEST(WasiCliSignature, LayoutsOfResultsAndStructs) {
  auto s = ffi::parse_signature("(handle<ns::Counter>)->result<bool>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->params[0].text, "handle<ns::Counter>");
  EXPECT_EQ(s->result.size, 8u);
  EXPECT_EQ(s->result.fields[1].offset, 4u);
  auto st = ffi::parse_signature("(Stats{count:i64@0,mean:f64@8,flags:u32@16}/24:8)->void");
  ASSERT_TRUE(st);
  ASSERT_EQ(st->params[0].fields.size(), 3u);
  EXPECT_EQ(st->params[0].fields[2].offset, 16u);
  EXPECT_EQ(st->params[0].align, 8u);
}

TEST(WasiCliSignature, Malformed) {
  for (const char* bad :
       {"", "string", "(string)", "(string)->", "(strin)->i32", "(void)->i32", "(result<i32>)->i32",
        "()->result<string>", "()->(string)", "()->i32 extra", "()->P{x:i32@4}/4:4",
        "()->P{x:i33@0}/4:4", "()->P{x:i32@0}/4:3", "()->handle<"}) {
    auto s = ffi::parse_signature(bad);
    EXPECT_FALSE(s) << bad;
    if (!s) {
      EXPECT_EQ(s.error().kind(), ErrorKind::Ffi) << bad;
    }
  }
}

}  // namespace
