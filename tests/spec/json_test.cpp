// The spec runner's JSON reader, checked on its own (it must be right before any spec
// result built on it can be trusted).
#include "json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hailmary::spec {
namespace {

TEST(Json, Scalars) {
  EXPECT_TRUE(parse_json("null")->is_null());
  EXPECT_TRUE(parse_json(" true ")->as_bool());
  EXPECT_FALSE(parse_json("false")->as_bool());
  auto n = parse_json("-12.5e1");
  ASSERT_TRUE(n && n->is_number());
  EXPECT_DOUBLE_EQ(n->as_number(), -125.0);
  EXPECT_EQ(n->as_string(), "-12.5e1");
}

TEST(Json, BigIntegersKeepTheirText) {
  // 2^64-1 is not representable as a double; the literal text keeps it exact.
  auto n = parse_json("18446744073709551615");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->as_string(), "18446744073709551615");
}

TEST(Json, StringEscapes) {
  auto s = parse_json(R"("a\"b\\c\/\n\t\u0041\u00e9\u20ac\ud83d\ude00\u0000z")");
  ASSERT_TRUE(s && s->is_string());
  EXPECT_EQ(s->as_string(), std::string("a\"b\\c/\n\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") +
                                std::string(1, '\0') + "z");
}

TEST(Json, RawUtf8PassesThrough) {
  auto s = parse_json("\"\xE2\x82\xAC\"");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->as_string(), "\xE2\x82\xAC");
}

TEST(Json, ObjectsAndArrays) {
  auto doc = parse_json(R"({"commands": [
      {"type": "module", "line": 3, "filename": "x.0.wasm"},
      {"type": "assert_return", "line": 7, "action": {"type": "invoke", "field": "f",
       "args": []}, "expected": [{"type": "i32", "value": "1"}]}], "empty": {}})");
  ASSERT_TRUE(doc && doc->is_object());
  const Json* commands = doc->find("commands");
  ASSERT_TRUE(commands && commands->is_array());
  ASSERT_EQ(commands->items().size(), 2u);
  EXPECT_EQ(commands->items()[0].get_string("type"), "module");
  EXPECT_EQ(commands->items()[0].find("line")->as_string(), "3");
  const Json& ar = commands->items()[1];
  EXPECT_EQ(ar.find("action")->get_string("field"), "f");
  EXPECT_TRUE(ar.find("action")->find("args")->items().empty());
  EXPECT_EQ(ar.find("expected")->items()[0].get_string("value"), "1");
  EXPECT_EQ(doc->find("missing"), nullptr);
  EXPECT_EQ(doc->get_string("missing", "fallback"), "fallback");
  EXPECT_TRUE(doc->find("empty")->members().empty());
}

TEST(Json, RejectsMalformedInput) {
  const char* bad[] = {
      "",      "{",        "[1,]",  "{\"a\" 1}",     "{\"a\":1,}", "tru",         "01",
      "1.",    "-",        "\"abc", "\"\\x\"",       "\"\\u12\"",  "\"\\ud800\"", "[1] 2",
      "{1:2}", "\"a\nb\"", "nul",   "[\"a\" \"b\"]",
  };
  for (const char* text : bad) {
    JsonError err;
    EXPECT_FALSE(parse_json(text, &err)) << text;
    EXPECT_FALSE(err.message.empty()) << text;
  }
}

TEST(Json, ReportsErrorOffset) {
  JsonError err;
  EXPECT_FALSE(parse_json("[1, 2, x]", &err));
  EXPECT_EQ(err.offset, 7u);
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_FALSE(parse_json(deep));
  std::string ok = std::string(100, '[') + std::string(100, ']');
  EXPECT_TRUE(parse_json(ok));
}

}  // namespace
}  // namespace hailmary::spec
