// See json.hpp. RFC 8259 grammar, strict: no comments, no trailing commas.
#include "json.hpp"

#include <charconv>
#include <cstdlib>

namespace hailmary::spec {

Json Json::make_bool(bool b) {
  Json j;
  j.kind_ = Kind::Bool;
  j.bool_ = b;
  return j;
}

Json Json::make_number(double n, std::string text) {
  Json j;
  j.kind_ = Kind::Number;
  j.number_ = n;
  j.text_ = std::move(text);
  return j;
}

Json Json::make_string(std::string s) {
  Json j;
  j.kind_ = Kind::String;
  j.text_ = std::move(s);
  return j;
}

Json Json::make_array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::Array;
  j.items_ = std::move(items);
  return j;
}

Json Json::make_object(std::vector<Member> members) {
  Json j;
  j.kind_ = Kind::Object;
  j.members_ = std::move(members);
  return j;
}

const Json* Json::find(std::string_view key) const noexcept {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::string_view Json::get_string(std::string_view key, std::string_view fallback) const noexcept {
  const Json* j = find(key);
  return j != nullptr && j->is_string() ? std::string_view(j->as_string()) : fallback;
}

namespace {

constexpr int kMaxDepth = 256;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<Json> parse_document() {
    skip_ws();
    std::optional<Json> v = parse_value(0);
    if (!v) return std::nullopt;
    skip_ws();
    if (pos_ != text_.size()) return fail("trailing characters after the document");
    return v;
  }

  JsonError error() const { return {pos_, message_}; }

 private:
  std::nullopt_t fail(const char* message) {
    if (message_.empty()) message_ = message;
    return std::nullopt;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_ws() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }

  bool consume_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Json> parse_value(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    switch (peek()) {
      case '{':
        return parse_object(depth);
      case '[':
        return parse_array(depth);
      case '"': {
        std::optional<std::string> s = parse_string();
        if (!s) return std::nullopt;
        return Json::make_string(std::move(*s));
      }
      case 't':
        if (consume_literal("true")) return Json::make_bool(true);
        return fail("invalid literal");
      case 'f':
        if (consume_literal("false")) return Json::make_bool(false);
        return fail("invalid literal");
      case 'n':
        if (consume_literal("null")) return Json();
        return fail("invalid literal");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        return fail(at_end() ? "unexpected end of input" : "unexpected character");
    }
  }

  std::optional<Json> parse_object(int depth) {
    ++pos_;  // '{'
    std::vector<Json::Member> members;
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return Json::make_object(std::move(members));
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') return fail("expected a string key");
      std::optional<std::string> key = parse_string();
      if (!key) return std::nullopt;
      skip_ws();
      if (peek() != ':') return fail("expected ':'");
      ++pos_;
      skip_ws();
      std::optional<Json> value = parse_value(depth + 1);
      if (!value) return std::nullopt;
      members.emplace_back(std::move(*key), std::move(*value));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return Json::make_object(std::move(members));
      }
      return fail("expected ',' or '}'");
    }
  }

  std::optional<Json> parse_array(int depth) {
    ++pos_;  // '['
    std::vector<Json> items;
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return Json::make_array(std::move(items));
    }
    for (;;) {
      skip_ws();
      std::optional<Json> value = parse_value(depth + 1);
      if (!value) return std::nullopt;
      items.push_back(std::move(*value));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return Json::make_array(std::move(items));
      }
      return fail("expected ',' or ']'");
    }
  }

  std::optional<Json> parse_number() {
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      return fail("invalid number");
    }
    if (peek() == '.') {
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) return fail("invalid number");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) return fail("invalid number");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    std::string literal(text_.substr(start, pos_ - start));
    // strtod rather than from_chars<double>: the latter is missing from older libstdc++.
    double value = std::strtod(literal.c_str(), nullptr);
    return Json::make_number(value, std::move(literal));
  }

  std::optional<uint32_t> parse_hex4() {
    if (pos_ + 4 > text_.size()) return fail("truncated \\u escape");
    uint32_t v = 0;
    auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, v, 16);
    if (ec != std::errc() || ptr != text_.data() + pos_ + 4) return fail("invalid \\u escape");
    pos_ += 4;
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::optional<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (at_end()) return fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out += c;  // UTF-8 passes through byte by byte
        continue;
      }
      if (at_end()) return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::optional<uint32_t> cp = parse_hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xD800 && *cp <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low surrogate.
            if (!consume_literal("\\u")) return fail("unpaired surrogate");
            std::optional<uint32_t> lo = parse_hex4();
            if (!lo) return std::nullopt;
            if (*lo < 0xDC00 || *lo > 0xDFFF) return fail("unpaired surrogate");
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*lo - 0xDC00);
          } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
            return fail("unpaired surrogate");
          }
          append_utf8(out, *cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string message_;
};

}  // namespace

std::optional<Json> parse_json(std::string_view text, JsonError* error) {
  Parser parser(text);
  std::optional<Json> result = parser.parse_document();
  if (!result && error != nullptr) *error = parser.error();
  return result;
}

}  // namespace hailmary::spec
