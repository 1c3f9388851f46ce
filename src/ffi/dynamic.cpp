// Run-time signatures: parsing contract text, and calls lowered by the rules of
// abi/lowering.hpp without templates. The allocator protocol, return area and string results go
// through the same detail:: functions TypedFunc uses, so both paths behave alike.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "hailmary/ffi/dynamic.hpp"
#include "hailmary/ffi/guest.hpp"

namespace hailmary::ffi {

namespace {

using abi::Kind;

struct ScalarName {
  std::string_view name;
  Kind kind;
  ValType val;
  bool is_unsigned;
};
constexpr ScalarName kScalars[] = {
    {"i32", Kind::Scalar, ValType::I32, false},    {"u32", Kind::Scalar, ValType::I32, true},
    {"i64", Kind::Scalar, ValType::I64, false},    {"u64", Kind::Scalar, ValType::I64, true},
    {"f32", Kind::Scalar, ValType::F32, false},    {"f64", Kind::Scalar, ValType::F64, false},
    {"ptr", Kind::Scalar, ValType::I32, true},     {"bool", Kind::Bool, ValType::I32, false},
    {"status", Kind::Status, ValType::I32, false},
};

// Field types of HM_STRUCT (abi::FieldAbi): size == alignment.
uint32_t field_size(std::string_view t) {
  if (t == "i8" || t == "u8" || t == "bool" || t == "char") return 1;
  if (t == "i16" || t == "u16") return 2;
  if (t == "i32" || t == "u32" || t == "f32" || t == "status" || t == "ptr" || t == "handle") {
    return 4;
  }
  if (t == "i64" || t == "u64" || t == "f64") return 8;
  return 0;
}

bool is_scalar_like(const DynType& t) {
  return t.kind == Kind::Scalar || t.kind == Kind::Bool || t.kind == Kind::Status;
}

// Size (== alignment) of a value type inside a Fallible's return area.
uint32_t value_size(const DynType& t) {
  if (t.kind == Kind::Bool) return 1;
  return t.val == ValType::I64 || t.val == ValType::F64 ? 8 : 4;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<DynSignature> signature() {
    DynSignature sig;
    if (!eat('(')) return fail("expected `(` to open the parameter list");
    if (!eat(')')) {
      do {
        auto t = type();
        if (!t) return std::move(t).error();
        if (!abi_param(*t)) return fail("`" + t->text + "` cannot be a parameter");
        sig.params.push_back(std::move(*t));
      } while (eat(','));
      if (!eat(')')) return fail("expected `,` or `)` in the parameter list");
    }
    if (!eat('-') || !eat_raw('>')) return fail("expected `->` before the result type");
    auto r = type();
    if (!r) return std::move(r).error();
    sig.result = std::move(*r);
    ws();
    if (i_ != s_.size()) return fail("unexpected text after the result type");
    return sig;
  }

 private:
  static bool abi_param(const DynType& t) {
    return t.kind != Kind::Void && t.kind != Kind::Tuple && t.kind != Kind::Fallible;
  }

  Result<DynType> type() {
    DynType t;
    if (eat('(')) {
      t.kind = Kind::Tuple;
      t.text = "(";
      if (!eat(')')) {
        do {
          auto e = type();
          if (!e) return std::move(e).error();
          if (!is_scalar_like(*e)) return fail("a tuple may hold scalars only, not " + e->text);
          t.text += (t.elements.empty() ? "" : ",") + e->text;
          t.elements.push_back(std::move(*e));
        } while (eat(','));
        if (!eat(')')) return fail("expected `,` or `)` in a tuple");
      }
      t.text += ")";
      return t;
    }
    std::string word = ident();
    if (word.empty()) return fail("expected a type");
    for (const auto& s : kScalars) {
      if (word == s.name) {
        t.kind = s.kind;
        t.val = s.val;
        t.is_unsigned = s.is_unsigned;
        t.text = word;
        return t;
      }
    }
    if (word == "void" || word == "string" || word == "bytes") {
      t.kind = word == "void" ? Kind::Void : word == "string" ? Kind::String : Kind::Bytes;
      t.text = word;
      return t;
    }
    if (word == "handle" && eat('<')) {
      std::string name = until('>');
      if (name.empty() || !eat_raw('>')) return fail("expected handle<Name>");
      t.kind = Kind::Handle;
      t.is_unsigned = true;
      t.text = "handle<" + name + ">";
      return t;
    }
    if (word == "result" && eat('<')) {
      auto v = type();
      if (!v) return std::move(v).error();
      if (!is_scalar_like(*v) && v->kind != Kind::Handle) {
        return fail("result<T> needs a scalar, bool or handle, not " + v->text);
      }
      if (!eat('>')) return fail("expected `>` to close result<");
      t.kind = Kind::Fallible;
      t.text = "result<" + v->text + ">";
      uint32_t vs = value_size(*v);
      uint32_t err = abi::align_up(vs, 4);
      t.align = std::max<uint32_t>(vs, 4);
      t.size = abi::align_up(err + 4, t.align);
      t.fields = {{"value", v->text, 0, vs}, {"error", "status", err, 4}};
      t.elements.push_back(std::move(*v));
      return t;
    }
    if (eat('{')) return struct_type(std::move(word));
    return fail("unknown type `" + word + "`");
  }

  // Name{a:i32@0,b:f64@8}/16:8 -- `{` already consumed.
  Result<DynType> struct_type(std::string name) {
    DynType t;
    t.kind = Kind::Struct;
    t.text = name + "{";
    do {
      DynField f;
      f.name = ident();
      if (f.name.empty() || !eat(':')) return fail("expected field:type@offset in " + name);
      f.type = ident();
      f.size = field_size(f.type);
      if (f.size == 0) return fail("unknown field type `" + f.type + "` in " + name);
      if (!eat('@')) return fail("expected @offset after " + name + "." + f.name);
      auto off = number();
      if (!off) return fail("expected a field offset in " + name);
      f.offset = *off;
      t.text += (t.fields.empty() ? "" : ",") + f.name + ":" + f.type + "@" + std::to_string(*off);
      t.fields.push_back(std::move(f));
    } while (eat(','));
    if (!eat('}') || !eat('/')) return fail("expected }/size:align after the fields of " + name);
    auto size = number();
    if (!size || !eat(':')) return fail("expected size:align after " + name);
    auto align = number();
    if (!align || *align == 0 || (*align & (*align - 1)) != 0 || *align > 16 ||
        *size % *align != 0 || *size > 4096) {
      return fail("bad size or alignment for " + name);
    }
    for (const auto& f : t.fields) {
      if (uint64_t{f.offset} + f.size > *size || f.offset % f.size != 0) {
        return fail("field " + f.name + " does not fit the layout of " + name);
      }
    }
    t.size = *size;
    t.align = *align;
    t.text += "}/" + std::to_string(*size) + ":" + std::to_string(*align);
    return t;
  }

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
  }
  bool eat(char c) {
    ws();
    return eat_raw(c);
  }
  bool eat_raw(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  std::string ident() {
    ws();
    size_t b = i_;
    while (i_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == ':')) {
      // `::` belongs to a C++ name; a single `:` ends a field name.
      if (s_[i_] == ':' && !(i_ + 1 < s_.size() && s_[i_ + 1] == ':')) break;
      i_ += s_[i_] == ':' ? 2 : 1;
    }
    return std::string(s_.substr(b, i_ - b));
  }
  std::string until(char c) {
    size_t b = i_;
    while (i_ < s_.size() && s_[i_] != c) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  std::optional<uint32_t> number() {
    ws();
    uint64_t v = 0;
    size_t b = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])) && v <= UINT32_MAX) {
      v = v * 10 + static_cast<uint64_t>(s_[i_++] - '0');
    }
    if (i_ == b || v > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(v);
  }
  Error fail(std::string what) const {
    return ffi_error("signature `" + std::string(s_) + "`: " + what + " (at column " +
                     std::to_string(i_ + 1) + ")");
  }

  std::string_view s_;
  size_t i_ = 0;
};

ValType field_val(std::string_view t) {
  if (t == "i64" || t == "u64") return ValType::I64;
  if (t == "f32") return ValType::F32;
  if (t == "f64") return ValType::F64;
  return ValType::I32;
}

Value read_field(const uint8_t* p, const DynField& f) {
  uint64_t raw = 0;
  std::memcpy(&raw, p + f.offset, f.size);  // little-endian host, like wasm
  if (f.type == "i8") raw = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(raw)));
  if (f.type == "i16") {
    raw = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(raw)));
  }
  return Value::from_bits(field_val(f.type), raw);
}

Value from_slot(ValType t, uint64_t s) {
  bool narrow = t == ValType::I32 || t == ValType::F32;
  return Value::from_bits(t, narrow ? static_cast<uint32_t>(s) : s);
}

}  // namespace

Result<DynSignature> parse_signature(std::string_view text) {
  return Parser(text).signature();
}

std::string DynSignature::text() const {
  std::string t = "(";
  for (size_t i = 0; i < params.size(); ++i) t += (i ? "," : "") + params[i].text;
  return t + ")->" + result.text;
}

bool DynSignature::sret() const {
  Kind k = result.kind;
  return k == Kind::String || k == Kind::Bytes || k == Kind::Struct || k == Kind::Fallible;
}

FuncType DynSignature::lowered() const {
  FuncType f;
  if (sret()) f.params.push_back(ValType::I32);
  for (const auto& p : params) {
    f.params.push_back(p.val);  // I32 for strings/bytes (ptr), structs (ptr), handles
    if (p.kind == Kind::String || p.kind == Kind::Bytes) f.params.push_back(ValType::I32);
  }
  if (result.kind == Kind::Tuple) {
    for (const auto& e : result.elements) f.results.push_back(e.val);
  } else if (result.kind != Kind::Void && !sret()) {
    f.results.push_back(result.val);
  }
  return f;
}

Result<DynValue> DynamicFunc::operator()(std::span<const DynValue> args) const {
  const auto& params = sig_.params;
  auto where = [&](size_t i) { return "call to " + name_ + ": argument " + std::to_string(i + 1); };
  if (args.size() != params.size()) {
    return ffi_error("call to " + name_ + ": " + std::to_string(params.size()) +
                     " argument(s) expected, " + std::to_string(args.size()) + " given");
  }
  FuncType type = sig_.lowered();
  std::vector<uint64_t> slots(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  detail::GuestContext& ctx = *ctx_;
  detail::CallBuffers buffers(ctx);
  size_t off = sig_.sret() ? 1 : 0;  // slots[0]: the return area, taken after the arguments
  for (size_t i = 0; i < params.size(); ++i) {
    const DynType& p = params[i];
    const DynValue& a = args[i];
    if (p.kind == Kind::String || p.kind == Kind::Bytes) {
      const uint8_t* data = nullptr;
      size_t size = 0;
      if (p.kind == Kind::String) {
        const auto* s = std::get_if<std::string>(&a);
        if (s == nullptr) return ffi_error(where(i) + " must be a string");
        data = reinterpret_cast<const uint8_t*>(s->data());
        size = s->size();
        if (!is_valid_utf8(data, size)) return ffi_error(where(i) + " is not valid UTF-8");
      } else {
        const auto* b = std::get_if<std::vector<uint8_t>>(&a);
        if (b == nullptr) return ffi_error(where(i) + " must be bytes");
        data = b->data();
        size = b->size();
      }
      if (size > UINT32_MAX) return ffi_error(where(i) + " is larger than 4 GiB");
      auto g = buffers.copy_in(data, size, 1);
      if (!g) return std::move(g).error();
      slots[off++] = *g;
      slots[off++] = static_cast<uint32_t>(size);
    } else if (p.kind == Kind::Struct) {
      const auto* fields = std::get_if<std::vector<Value>>(&a);
      if (fields == nullptr || fields->size() != p.fields.size()) {
        return ffi_error(where(i) + " must be " + std::to_string(p.fields.size()) +
                         " field value(s) of " + p.text);
      }
      std::vector<uint8_t> bytes(p.size);
      for (size_t f = 0; f < fields->size(); ++f) {
        if ((*fields)[f].type() != field_val(p.fields[f].type)) {
          return ffi_error(where(i) + ": field " + p.fields[f].name + " must be " +
                           std::string(to_string(field_val(p.fields[f].type))));
        }
        uint64_t raw = (*fields)[f].bits();
        std::memcpy(bytes.data() + p.fields[f].offset, &raw, p.fields[f].size);
      }
      auto g = buffers.copy_in(bytes.data(), bytes.size(), p.align);
      if (!g) return std::move(g).error();
      slots[off++] = *g;
    } else {
      const auto* v = std::get_if<Value>(&a);
      if (v == nullptr || v->type() != p.val) {
        return ffi_error(where(i) + " must be " + std::string(to_string(p.val)) + " (" + p.text +
                         ")");
      }
      slots[off++] = v->bits();
    }
  }

  uint32_t ret = 0;
  if (sig_.sret()) {
    // After the arguments, as typed calls do, so that they start the arena's free part.
    bool text = sig_.result.kind == Kind::String || sig_.result.kind == Kind::Bytes;
    uint32_t size = text ? sizeof(StringResult) : sig_.result.size;
    uint32_t align = text ? alignof(StringResult) : sig_.result.align;
    auto area = buffers.copy_in(nullptr, size, align);
    if (!area) return std::move(area).error();
    ret = *area;
    slots[0] = ret;
  }
  ++*ctx.epoch;
  if (auto r = func_.call_raw(slots.data()); !r) return std::move(r).error();

  const DynType& r = sig_.result;
  Result<DynValue> out = DynValue{};
  switch (r.kind) {
    case Kind::Void:
      break;
    case Kind::Status:
      if (auto code = static_cast<uint32_t>(slots[0]); code != 0) {
        out = guest_code_error(code, name_);
      }
      break;
    case Kind::Tuple: {
      std::vector<Value> vs;
      for (size_t i = 0; i < r.elements.size(); ++i) {
        vs.push_back(from_slot(r.elements[i].val, slots[i]));
      }
      out = DynValue(std::move(vs));
      break;
    }
    case Kind::String:
    case Kind::Bytes: {
      if (r.kind == Kind::String) {
        auto s = detail::take_string_result(ctx, ret, release_, shape_, release_name_, name_);
        out =
            s ? Result<DynValue>(DynValue(std::move(*s))) : Result<DynValue>(std::move(s).error());
      } else {
        auto b = detail::take_bytes_result(ctx, ret, release_, shape_, release_name_, name_);
        out =
            b ? Result<DynValue>(DynValue(std::move(*b))) : Result<DynValue>(std::move(b).error());
      }
      break;
    }
    case Kind::Struct:
    case Kind::Fallible: {
      auto bytes = ctx.guest_memory().read_bytes(ret, r.size);
      if (!bytes) {
        out = std::move(bytes).error();
        break;
      }
      if (r.kind == Kind::Fallible) {
        auto code = static_cast<uint32_t>(read_field(bytes->data(), r.fields[1]).i32());
        if (code != 0) {
          out = guest_code_error(code, name_);
        } else {
          Value v = read_field(bytes->data(), r.fields[0]);
          out = DynValue(Value::from_bits(r.elements[0].val, v.bits()));
        }
        break;
      }
      std::vector<Value> vs;
      for (const auto& f : r.fields) vs.push_back(read_field(bytes->data(), f));
      out = DynValue(std::move(vs));
      break;
    }
    default:
      out = DynValue(from_slot(r.val, slots[0]));
      break;
  }
  auto freed = buffers.free_all();
  if (out && !freed) return std::move(freed).error();
  return out;
}

Result<DynamicFunc> Guest::dynamic_func(std::string_view name, DynSignature sig,
                                        const FuncOptions& options) const {
  auto f = check(name, sig.lowered(), sig.text());
  if (!f) return std::move(f).error();
  auto release = release_for(options);
  if (!release) return std::move(release).error();
  return DynamicFunc(*f, ctx_, std::string(name), std::move(sig), release->func, release->shape,
                     std::move(release->name));
}

}  // namespace hailmary::ffi
