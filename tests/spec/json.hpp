// A small JSON reader for wast2json's output (and anything else of that shape).
//
// Written here rather than pulled in so the test suite has no third-party code. It builds a
// plain DOM: wast2json files are at most a few MB, so a DOM is simpler than streaming and fast
// enough. Errors are values (no exceptions), with the byte offset where parsing stopped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hailmary::spec {

class Json {
 public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json make_bool(bool b);
  static Json make_number(double n, std::string text);
  static Json make_string(std::string s);
  static Json make_array(std::vector<Json> items);
  static Json make_object(std::vector<Member> members);

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::Null; }
  bool is_bool() const noexcept { return kind_ == Kind::Bool; }
  bool is_number() const noexcept { return kind_ == Kind::Number; }
  bool is_string() const noexcept { return kind_ == Kind::String; }
  bool is_array() const noexcept { return kind_ == Kind::Array; }
  bool is_object() const noexcept { return kind_ == Kind::Object; }

  bool as_bool() const noexcept { return bool_; }
  double as_number() const noexcept { return number_; }
  /// For strings the decoded text; for numbers the literal as written (keeps 64-bit
  /// integers exact, which a double would not).
  const std::string& as_string() const noexcept { return text_; }
  /// Elements of an array (empty for other kinds).
  const std::vector<Json>& items() const noexcept { return items_; }
  /// Members of an object in document order (empty for other kinds).
  const std::vector<Member>& members() const noexcept { return members_; }

  /// The first member called `key`, or null when absent or when this is not an object.
  const Json* find(std::string_view key) const noexcept;
  /// The member `key` when it is a string, else `fallback`.
  std::string_view get_string(std::string_view key, std::string_view fallback = {}) const noexcept;

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string text_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

struct JsonError {
  size_t offset = 0;
  std::string message;
};

/// Parse one JSON document (surrounding whitespace allowed). Nesting deeper than 256 levels is
/// rejected so hostile input cannot overflow the stack.
std::optional<Json> parse_json(std::string_view text, JsonError* error = nullptr);

}  // namespace hailmary::spec
