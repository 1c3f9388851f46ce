// Decoder, module-level validator and name/message functions. Every module is written out as
// bytes (with its WAT in a comment where it has one); `section()` only prepends id and size.
#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <vector>

#include "binary/decoder.hpp"
#include "binary/reader.hpp"
#include "hailmary/error.hpp"
#include "hailmary/types.hpp"
#include "hailmary/value.hpp"

namespace hailmary::detail {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

/// id, LEB size, payload.
Bytes section(uint8_t id, const Bytes& payload) {
  return cat({Bytes{id}, leb(payload.size()), payload});
}

Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const auto& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Common sections.
const Bytes kTypeVoid = section(1, {0x01, 0x60, 0x00, 0x00});  // (type (func))
const Bytes kFunc1 = section(3, {0x01, 0x00});                 // one function of type 0
const Bytes kCode1 = section(10, {0x01, 0x02, 0x00, 0x0b});    // one empty body
const Bytes kTable1 = section(4, {0x01, 0x70, 0x00, 0x01});    // (table 1 funcref)
const Bytes kMemory1 = section(5, {0x01, 0x00, 0x01});         // (memory 1)

struct Outcome {
  std::optional<Error> error;
  ModuleData module;
};

Outcome decode(const Bytes& bytes) {
  Outcome out;
  out.module.bytes = bytes;
  auto r = decode_module(out.module);
  if (!r) out.error = r.error();
  return out;
}

/// Decode then validate; nullopt when both pass.
std::optional<ErrorKind> check(const Bytes& bytes) {
  ModuleData m;
  m.bytes = bytes;
  auto r = decode_module(m);
  if (!r) return r.error().kind();
  auto v = validate_module_level(m);
  if (!v) return v.error().kind();
  return std::nullopt;
}

#define EXPECT_MALFORMED(bytes) EXPECT_EQ(check(bytes), ErrorKind::Malformed)
#define EXPECT_INVALID(bytes) EXPECT_EQ(check(bytes), ErrorKind::Invalid)
#define EXPECT_VALID(bytes) EXPECT_EQ(check(bytes), std::nullopt)

// --- Preamble and section framing ----------------------------------------------------------

TEST(Decoder, EmptyModule) {
  auto out = decode(kHeader);  // (module)
  ASSERT_FALSE(out.error) << *out.error;
  EXPECT_TRUE(out.module.types.empty());
  EXPECT_TRUE(out.module.declared_func_refs.empty());
  EXPECT_VALID(kHeader);
}

TEST(Decoder, Preamble) {
  EXPECT_MALFORMED(Bytes{});
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73}));
  EXPECT_MALFORMED((Bytes{0x61, 0x73, 0x6d, 0x00}));
  EXPECT_MALFORMED((Bytes{0x00, 0x41, 0x53, 0x4d, 0x01, 0x00, 0x00, 0x00}));
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00}));
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}));
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6d, 0x00, 0x00, 0x00, 0x01}));
  auto out = decode(Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x00, 0x00});
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->message(), "unknown binary version");
  EXPECT_EQ(out.error->offset(), 4u);
}

TEST(Decoder, SectionFraming) {
  EXPECT_MALFORMED(module({Bytes{0x0d, 0x00}}));              // malformed section id
  EXPECT_MALFORMED(module({Bytes{0x80, 0x00, 0x01, 0x00}}));  // id is a byte, not a LEB
  EXPECT_MALFORMED(module({Bytes{0x01, 0x05, 0x00}}));        // size past the end
  EXPECT_MALFORMED(module({Bytes{0x01}}));                    // truncated header
  EXPECT_MALFORMED(module({Bytes{0x01, 0x02, 0x00, 0x00}}));  // section size mismatch
  EXPECT_MALFORMED(cat({kHeader, kHeader}));                  // concatenated modules
  auto out = decode(module({section(1, {0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00})}));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->message(), "section size mismatch");
}

TEST(Decoder, SectionOrder) {
  EXPECT_VALID(module({kTypeVoid, kFunc1, kCode1}));
  EXPECT_MALFORMED(module({kFunc1, kTypeVoid, kCode1}));  // out of order
  EXPECT_MALFORMED(module({kTypeVoid, kTypeVoid}));       // duplicate
  // Data count (id 12) goes between element (9) and code (10).
  const Bytes datacount = section(12, {0x00});
  EXPECT_VALID(module({kTypeVoid, kFunc1, datacount, kCode1}));
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, kCode1, datacount}));
  // Multiple start sections.
  const Bytes start = section(8, {0x00});
  auto out = decode(module({kTypeVoid, kFunc1, start, start, kCode1}));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind(), ErrorKind::Malformed);
  EXPECT_EQ(out.error->message(), "unexpected content after last section");
}

TEST(Decoder, CustomSectionsAnywhere) {
  const Bytes custom = section(0, {0x01, 'x', 0xAA, 0xBB});  // name "x", payload AA BB
  auto out = decode(module({custom, kTypeVoid, custom, kFunc1, kCode1, custom}));
  ASSERT_FALSE(out.error) << *out.error;
  ASSERT_EQ(out.module.customs.size(), 3u);
  EXPECT_EQ(out.module.customs[0].name, "x");
  EXPECT_EQ(out.module.customs[0].payload_size, 2u);
  EXPECT_EQ(out.module.bytes[out.module.customs[0].payload_offset], 0xAA);
  // Empty payload; name length past the section; bad UTF-8 name; no name at all.
  EXPECT_VALID(module({section(0, {0x00})}));
  EXPECT_MALFORMED(module({section(0, {0x05, 'x'})}));
  EXPECT_MALFORMED(module({section(0, {0x01, 0xff})}));
  EXPECT_MALFORMED(module({Bytes{0x00, 0x00}}));
}

// --- Types, imports, functions -------------------------------------------------------------

TEST(Decoder, TypeSection) {
  // (type (func (param i32 i64 v128) (result f32 funcref externref f64)))
  auto out = decode(
      module({section(1, {0x01, 0x60, 0x03, 0x7f, 0x7e, 0x7b, 0x04, 0x7d, 0x70, 0x6f, 0x7c})}));
  ASSERT_FALSE(out.error) << *out.error;
  ASSERT_EQ(out.module.types.size(), 1u);
  const FuncType& t = out.module.types[0];
  EXPECT_EQ(t.params, (std::vector<ValType>{ValType::I32, ValType::I64, ValType::V128}));
  EXPECT_EQ(t.results, (std::vector<ValType>{ValType::F32, ValType::FuncRef, ValType::ExternRef,
                                             ValType::F64}));
  EXPECT_MALFORMED(module({section(1, {0x01, 0x61, 0x00, 0x00})}));        // bad form
  EXPECT_MALFORMED(module({section(1, {0x01, 0xe0, 0x7f, 0x00, 0x00})}));  // form as LEB
  EXPECT_MALFORMED(module({section(1, {0x01, 0x60, 0x01, 0x40, 0x00})}));  // bad value type
  EXPECT_MALFORMED(module({section(1, {0x02, 0x60, 0x00, 0x00})}));        // 2 declared, 1 given
  EXPECT_VALID(module({section(1, {0x00})}));
}

TEST(Decoder, ImportSection) {
  // (import "m" "f" (func (type 0)))  (import "m" "t" (table 1 2 externref))
  // (import "m" "mem" (memory 1))     (import "m" "g" (global (mut i64)))
  auto out = decode(module({kTypeVoid, section(2, {0x04,                              //
                                                   0x01, 'm', 0x01, 'f', 0x00, 0x00,  //
                                                   0x01, 'm', 0x01, 't', 0x01, 0x6f, 0x01, 0x01,
                                                   0x02,  //
                                                   0x01, 'm', 0x03, 'm', 'e',  'm',  0x02, 0x00,
                                                   0x01,  //
                                                   0x01, 'm', 0x01, 'g', 0x03, 0x7e, 0x01})}));
  ASSERT_FALSE(out.error) << *out.error;
  const ModuleData& m = out.module;
  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "m");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[2].name, "mem");
  EXPECT_EQ(m.imported_funcs, 1u);
  EXPECT_EQ(m.imported_tables, 1u);
  EXPECT_EQ(m.imported_memories, 1u);
  EXPECT_EQ(m.imported_globals, 1u);
  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0].element, ValType::ExternRef);
  EXPECT_EQ(m.tables[0].limits.min, 1u);
  EXPECT_EQ(m.tables[0].limits.max, 2u);
  EXPECT_EQ(m.memories[0].limits.min, 1u);
  EXPECT_FALSE(m.memories[0].limits.max);
  EXPECT_EQ(m.globals[0].type.type, ValType::I64);
  EXPECT_TRUE(m.globals[0].type.mutable_);
  EXPECT_EQ(m.declared_func_refs.size(), 1u);
  EXPECT_EQ(check(out.module.bytes), std::nullopt);

  for (uint8_t kind : {0x04, 0x05, 0x80}) {
    EXPECT_MALFORMED(module({section(2, {0x01, 0x00, 0x00, kind})}));  // malformed import kind
  }
  EXPECT_MALFORMED(module({section(2, {0x01, 0x01, 0xc0, 0x00, 0x00, 0x00})}));  // bad UTF-8
  EXPECT_MALFORMED(module({section(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x02})}));  // mutability
  EXPECT_MALFORMED(module({section(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0xff})}));
  EXPECT_MALFORMED(module({section(2, {0x02, 0x00, 0x00, 0x00, 0x00})}));  // 2 declared, 1 given
  EXPECT_INVALID(module({section(2, {0x01, 0x00, 0x00, 0x00, 0x00})}));    // unknown type
}

TEST(Decoder, FunctionAndCodeCounts) {
  // Function section without code section, and the reverse.
  EXPECT_MALFORMED(module({kTypeVoid, section(3, {0x02, 0x00, 0x00})}));
  EXPECT_MALFORMED(module({kCode1}));
  EXPECT_MALFORMED(module({kTypeVoid, section(3, {0x02, 0x00, 0x00}), kCode1}));
  EXPECT_MALFORMED(
      module({kTypeVoid, kFunc1, section(10, {0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b})}));
  EXPECT_VALID(module({section(3, {0x00})}));
  EXPECT_VALID(module({section(10, {0x00})}));
  auto out = decode(module({kTypeVoid, section(3, {0x02, 0x00, 0x00}), kCode1}));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->message(), "function and code section have inconsistent lengths");
  EXPECT_INVALID(module({kTypeVoid, section(3, {0x01, 0x01}), kCode1}));  // unknown type
}

TEST(Decoder, CodeBodies) {
  // (func (local i32 i32 i64) (local f32) nop) as groups {2 i32, 1 i64, 1 f32} — two groups
  // of the same type are kept as written.
  auto out = decode(
      module({kTypeVoid, kFunc1,
              section(10, {0x01, 0x09, 0x03, 0x02, 0x7f, 0x01, 0x7e, 0x01, 0x7d, 0x01, 0x0b})}));
  ASSERT_FALSE(out.error) << *out.error;
  ASSERT_EQ(out.module.bodies.size(), 1u);
  const FunctionBody& body = out.module.bodies[0];
  ASSERT_EQ(body.locals.size(), 3u);
  EXPECT_EQ(body.locals[0].count, 2u);
  EXPECT_EQ(body.locals[0].type, ValType::I32);
  EXPECT_EQ(body.locals[2].type, ValType::F32);
  EXPECT_EQ(body.local_count, 4u);
  EXPECT_EQ(out.module.bytes[body.body_offset], 0x01);  // nop
  EXPECT_EQ(body.body_end - body.body_offset, 2u);
  EXPECT_EQ(body.body_end, out.module.bytes.size());

  // Local count can be 0.
  EXPECT_VALID(module({kTypeVoid, kFunc1,
                       section(10, {0x01, 0x08, 0x03, 0x00, 0x7f, 0x00, 0x7e, 0x02, 0x7d, 0x0b})}));
  // Missing end (between functions, and at the end).
  EXPECT_MALFORMED(module(
      {kTypeVoid, section(3, {0x02, 0x00, 0x00}),
       section(10, {0x02, 0x04, 0x00, 0x41, 0x01, 0x1a, 0x05, 0x00, 0x41, 0x01, 0x1a, 0x0b})}));
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, section(10, {0x01, 0x01, 0x00})}));
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, section(10, {0x01, 0x00})}));  // empty body
  // Body size past the section.
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, section(10, {0x01, 0x09, 0x00, 0x0b})}));
  // Bad local type; local count LEB over 32 bits.
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, section(10, {0x01, 0x04, 0x01, 0x01, 0x40, 0x0b})}));
  EXPECT_MALFORMED(module(
      {kTypeVoid, kFunc1,
       section(10, {0x01, 0x0a, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7f, 0x02, 0x7e, 0x0b})}));
}

TEST(Decoder, TooManyLocals) {
  // 0xFFFFFFFF i32 + 2 i64: the sum overflows 32 bits.
  auto out = decode(module(
      {kTypeVoid, kFunc1,
       section(10, {0x01, 0x0a, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e, 0x0b})}));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->kind(), ErrorKind::Malformed);
  EXPECT_EQ(out.error->message(), "too many locals");
  // 4 x 0x40000000: each fits, the total does not.
  EXPECT_MALFORMED(module(
      {kTypeVoid, kFunc1, section(10, {0x01, 0x1a, 0x04, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7f, 0x80,
                                       0x80, 0x80, 0x80, 0x04, 0x7e, 0x80, 0x80, 0x80, 0x80, 0x04,
                                       0x7d, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7c, 0x0b})}));
  // Exactly kMaxLocals is fine; one more is not.
  const Bytes max = leb(kMaxLocals);
  const Bytes over = leb(kMaxLocals + 1);
  EXPECT_VALID(module(
      {kTypeVoid, kFunc1,
       section(10, cat({{0x01, static_cast<uint8_t>(max.size() + 3), 0x01}, max, {0x7f, 0x0b}}))}));
  EXPECT_MALFORMED(module(
      {kTypeVoid, kFunc1,
       section(10,
               cat({{0x01, static_cast<uint8_t>(over.size() + 3), 0x01}, over, {0x7f, 0x0b}}))}));
}

// --- Tables, memories, limits --------------------------------------------------------------

TEST(Decoder, Limits) {
  EXPECT_VALID(module({section(5, {0x01, 0x00, 0x82, 0x00})}));  // non-minimal LEB min
  EXPECT_VALID(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00})}));
  EXPECT_MALFORMED(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00})}));
  EXPECT_MALFORMED(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70})}));
  EXPECT_MALFORMED(module({section(5, {0x01, 0x02})}));  // flags 2
  EXPECT_MALFORMED(module({section(5, {0x01, 0x02, 0x00})}));
  EXPECT_MALFORMED(module({section(5, {0x01, 0x81, 0x00, 0x00, 0x00})}));  // flags as LEB
  EXPECT_MALFORMED(module({section(4, {0x01, 0x70, 0x02})}));
  EXPECT_MALFORMED(module({section(4, {0x01, 0x70, 0x81, 0x00, 0x00, 0x00})}));
  EXPECT_MALFORMED(module({section(4, {0x01, 0x7f, 0x00, 0x00})}));  // table of i32
  EXPECT_MALFORMED(module({section(5, {0x01})}));                    // 1 declared, 0 given
  EXPECT_MALFORMED(module({section(4, {0x01})}));

  EXPECT_VALID(module({section(5, {0x01, 0x01, 0x00, 0x80, 0x80, 0x04})}));  // max 65536
  EXPECT_INVALID(module({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})}));      // min 65537
  EXPECT_INVALID(module({section(5, {0x01, 0x01, 0x00, 0x81, 0x80, 0x04})}));
  EXPECT_INVALID(module({section(5, {0x01, 0x01, 0x02, 0x01})}));  // min > max
  EXPECT_INVALID(module({section(4, {0x01, 0x70, 0x01, 0x02, 0x01})}));
  EXPECT_VALID(module({section(4, {0x01, 0x70, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff,
                                   0xff, 0x0f})}));  // table 0xFFFFFFFF 0xFFFFFFFF
  EXPECT_VALID(module({section(4, {0x02, 0x70, 0x00, 0x00, 0x6f, 0x00, 0x00})}));  // 2 tables
  EXPECT_INVALID(module({section(5, {0x02, 0x00, 0x00, 0x00, 0x00})}));  // multiple memories
  EXPECT_INVALID(module({section(2, {0x01, 0x00, 0x00, 0x02, 0x00, 0x00}), kMemory1}));
  auto out = decode(module({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})}));
  ASSERT_FALSE(out.error);
  auto v = validate_module_level(out.module);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message(), "memory size must be at most 65536 pages (4GiB)");
  EXPECT_EQ(v.error().offset(), 11u);  // the memory type
}

// --- Globals and constant expressions ------------------------------------------------------

TEST(Decoder, GlobalConstExprs) {
  // (global i32 (i32.const -1)) (global (mut i64) (i64.const 5)) (global f32 (f32.const 1))
  // (global f64 (f64.const 1)) (global externref (ref.null extern))
  // (global funcref (ref.func 0)) (func)
  auto out = decode(module(
      {kTypeVoid, kFunc1,
       section(6, {0x06,                                                                    //
                   0x7f, 0x00, 0x41, 0x7f, 0x0b,                                            //
                   0x7e, 0x01, 0x42, 0x05, 0x0b,                                            //
                   0x7d, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3f, 0x0b,                          //
                   0x7c, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x0b,  //
                   0x6f, 0x00, 0xd0, 0x6f, 0x0b,                                            //
                   0x70, 0x00, 0xd2, 0x00, 0x0b}),
       kCode1}));
  ASSERT_FALSE(out.error) << *out.error;
  const auto& g = out.module.globals;
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g[0].init.op, ConstExpr::Op::I32Const);
  EXPECT_EQ(g[0].init.bits, 0xffffffffu);
  EXPECT_TRUE(g[1].type.mutable_);
  EXPECT_EQ(g[1].init.bits, 5u);
  EXPECT_EQ(g[2].init.op, ConstExpr::Op::F32Const);
  EXPECT_EQ(g[2].init.bits, 0x3f800000u);
  EXPECT_EQ(g[3].init.bits, 0x3ff0000000000000u);
  EXPECT_EQ(g[4].init.op, ConstExpr::Op::RefNull);
  EXPECT_EQ(g[4].init.type, ValType::ExternRef);
  EXPECT_EQ(g[5].init.op, ConstExpr::Op::RefFunc);
  ASSERT_EQ(out.module.declared_func_refs.size(), 1u);
  EXPECT_TRUE(out.module.declared_func_refs[0]);
  EXPECT_EQ(validate_module_level(out.module).ok(), true);
}

Bytes global_i32(const Bytes& expr) {
  return module({section(6, cat({{0x01, 0x7f, 0x00}, expr}))});
}

TEST(Decoder, ConstExprLeb) {
  EXPECT_VALID(global_i32({0x41, 0x80, 0x00, 0x0b}));                              // non-minimal 0
  EXPECT_VALID(global_i32({0x41, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x0b}));            // 5-byte -1
  EXPECT_MALFORMED(global_i32({0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b}));  // too long
  EXPECT_MALFORMED(global_i32({0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0b}));  // unused bits set
  EXPECT_MALFORMED(global_i32({0x41, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b}));  // unused bits unset
  const Bytes i64_ok = {0x01, 0x7e, 0x00, 0x42, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x0b};
  EXPECT_VALID(module({section(6, i64_ok)}));
  const Bytes i64_bad = {0x01, 0x7e, 0x00, 0x42, 0xff, 0xff, 0xff, 0xff,
                         0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x0b};
  EXPECT_MALFORMED(module({section(6, i64_bad)}));
  EXPECT_MALFORMED(global_i32({0x41}));              // truncated
  EXPECT_MALFORMED(global_i32({0x41, 0x00}));        // no end
  EXPECT_MALFORMED(global_i32({0x43, 0x00, 0x00}));  // truncated f32
  EXPECT_MALFORMED(global_i32({0x06, 0x0b}));        // not an opcode of 2.0
  EXPECT_MALFORMED(global_i32({0xd0, 0x7f, 0x0b}));  // ref.null i32
  EXPECT_MALFORMED(module({section(6, {0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b})}));  // mutability
}

TEST(Decoder, ConstExprInvalid) {
  // Non-constant instructions decode and fail validation.
  EXPECT_INVALID(global_i32({0x01, 0x0b}));                          // (nop)
  EXPECT_INVALID(global_i32({0x20, 0x00, 0x0b}));                    // (local.get 0)
  EXPECT_INVALID(global_i32({0x41, 0x00, 0x68, 0x0b}));              // (i32.ctz (i32.const 0))
  EXPECT_INVALID(global_i32({0x41, 0x00, 0x01, 0x0b}));              // (i32.const 0) (nop)
  EXPECT_INVALID(global_i32({0x41, 0x00, 0x41, 0x01, 0x6a, 0x0b}));  // i32.add
  EXPECT_INVALID(global_i32({0x10, 0x00, 0x0b}));                    // call 0
  EXPECT_INVALID(global_i32({0x02, 0x40, 0x0b, 0x41, 0x00, 0x0b}));  // block end, i32.const
  EXPECT_INVALID(global_i32({0x28, 0x02, 0x00, 0x0b}));              // i32.load
  EXPECT_INVALID(global_i32({0xfd, 0x0c, 0x0b}));                    // SIMD: cannot step over
  EXPECT_INVALID(global_i32({0x0b}));                                // empty
  EXPECT_INVALID(global_i32({0x41, 0x00, 0x41, 0x00, 0x0b}));        // two values
  EXPECT_INVALID(global_i32({0x43, 0x00, 0x00, 0x00, 0x00, 0x0b}));  // f32 for i32
  EXPECT_INVALID(global_i32({0xd0, 0x70, 0x0b}));                    // funcref for i32
  EXPECT_INVALID(global_i32({0x23, 0x00, 0x0b}));                    // unknown global
  // Only imported globals may be read, and only immutable ones.
  const Bytes import_g = section(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x00});
  const Bytes import_mut = section(2, {0x01, 0x00, 0x00, 0x03, 0x7f, 0x01});
  EXPECT_VALID(module({import_g, section(6, {0x01, 0x7f, 0x00, 0x23, 0x00, 0x0b})}));
  EXPECT_INVALID(module({import_mut, section(6, {0x01, 0x7f, 0x00, 0x23, 0x00, 0x0b})}));
  EXPECT_INVALID(module({import_g, section(6, {0x01, 0x7e, 0x00, 0x23, 0x00, 0x0b})}));
  EXPECT_INVALID(module({section(6, {0x02, 0x7f, 0x00, 0x41, 0x00, 0x0b,  //
                                     0x7f, 0x00, 0x23, 0x00, 0x0b})}));
  EXPECT_INVALID(module({section(6, {0x01, 0x70, 0x00, 0xd2, 0x00, 0x0b})}));  // unknown func

  ModuleData m;
  m.bytes = global_i32({0x01, 0x0b});
  ASSERT_TRUE(decode_module(m).ok());
  auto v = validate_module_level(m);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message(), "constant expression required");
  EXPECT_EQ(v.error().offset(), 13u);
}

// --- Exports and start ---------------------------------------------------------------------

TEST(Decoder, Exports) {
  // (func (export "f")) (table (export "t") 1 funcref) (memory (export "m") 1)
  // (global (export "g") i32 (i32.const 0))
  const Bytes exports = section(7, {0x04, 0x01, 'f', 0x00, 0x00, 0x01, 't', 0x01, 0x00, 0x01, 'm',
                                    0x02, 0x00, 0x01, 'g', 0x03, 0x00});
  const Bytes global = section(6, {0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b});
  auto out = decode(module({kTypeVoid, kFunc1, kTable1, kMemory1, global, exports, kCode1}));
  ASSERT_FALSE(out.error) << *out.error;
  ASSERT_EQ(out.module.exports.size(), 4u);
  EXPECT_EQ(out.module.exports[1].name, "t");
  EXPECT_EQ(out.module.exports[1].kind, ExternKind::Table);
  EXPECT_EQ(out.module.exports[3].kind, ExternKind::Global);
  EXPECT_TRUE(out.module.declared_func_refs[0]);
  EXPECT_TRUE(validate_module_level(out.module).ok());

  EXPECT_MALFORMED(module({section(7, {0x01, 0x01, 'f', 0x04, 0x00})}));  // export kind
  EXPECT_MALFORMED(module({section(7, {0x02, 0x01, 'f', 0x00, 0x00})}));  // 2 declared, 1 given
  for (uint8_t kind : {0x00, 0x01, 0x02, 0x03}) {
    EXPECT_INVALID(module({section(7, {0x01, 0x01, 'x', kind, 0x00})}));  // unknown index
  }
  // Duplicate names.
  auto dup =
      decode(module({kTypeVoid, kFunc1,
                     section(7, {0x02, 0x01, 'a', 0x00, 0x00, 0x01, 'a', 0x00, 0x00}), kCode1}));
  ASSERT_FALSE(dup.error);
  auto v = validate_module_level(dup.module);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind(), ErrorKind::Invalid);
  EXPECT_EQ(v.error().message(), "duplicate export name");
}

TEST(Decoder, Start) {
  auto out = decode(module({kTypeVoid, kFunc1, section(8, {0x00}), kCode1}));
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.module.start, 0u);
  EXPECT_TRUE(validate_module_level(out.module).ok());
  EXPECT_INVALID(module({kTypeVoid, kFunc1, section(8, {0x01}), kCode1}));  // unknown function
  // (func (param i32)) as start
  EXPECT_INVALID(module({section(1, {0x01, 0x60, 0x01, 0x7f, 0x00}), kFunc1, section(8, {0x00}),
                         section(10, {0x01, 0x02, 0x00, 0x0b})}));
  EXPECT_MALFORMED(module({section(8, {0x00, 0x00})}));  // section size mismatch
}

// --- Element segments ----------------------------------------------------------------------

TEST(Decoder, ElementAllEncodings) {
  // (table 2 funcref) (func $f) and one segment of each of the 8 encodings.
  const Bytes elems = section(9, {
                                     0x08,                                //
                                     0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,  // 0: active t0
                                     0x01, 0x00, 0x01, 0x00,              // 1: passive
                                     0x02, 0x00, 0x41, 0x01, 0x0b, 0x00, 0x01, 0x00,  // 2
                                     0x03, 0x00, 0x01, 0x00,                          // 3: declare
                                     0x04, 0x41, 0x00, 0x0b, 0x01, 0xd2, 0x00, 0x0b,  // 4
                                     0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b,  // 5: passive exprs
                                     0x06, 0x00, 0x41, 0x01, 0x0b, 0x70, 0x01, 0xd2, 0x00,
                                     0x0b,                                // 6
                                     0x07, 0x70, 0x01, 0xd2, 0x00, 0x0b,  // 7: declare exprs
                                 });
  auto out =
      decode(module({kTypeVoid, kFunc1, section(4, {0x01, 0x70, 0x00, 0x02}), elems, kCode1}));
  ASSERT_FALSE(out.error) << *out.error;
  const auto& e = out.module.elems;
  ASSERT_EQ(e.size(), 8u);
  const SegmentMode modes[] = {
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative,
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(e[i].mode, modes[i]) << i;
    EXPECT_EQ(e[i].type, ValType::FuncRef) << i;
    ASSERT_EQ(e[i].items.size(), 1u) << i;
  }
  EXPECT_EQ(e[0].items[0].op, ConstExpr::Op::RefFunc);
  EXPECT_EQ(e[2].offset.bits, 1u);
  EXPECT_EQ(e[5].items[0].op, ConstExpr::Op::RefNull);
  EXPECT_EQ(e[6].items[0].op, ConstExpr::Op::RefFunc);
  EXPECT_TRUE(out.module.declared_func_refs[0]);
  EXPECT_TRUE(validate_module_level(out.module).ok());
}

TEST(Decoder, ElementErrors) {
  const Bytes pre_t = section(4, {0x01, 0x70, 0x00, 0x01});
  auto with = [&](const Bytes& elem_payload) {
    return module({kTypeVoid, kFunc1, pre_t, section(9, elem_payload), kCode1});
  };
  EXPECT_VALID(with({0x01, 0x80, 0x00, 0x41, 0x00, 0x0b, 0x00}));          // flags as 2-byte LEB
  EXPECT_MALFORMED(with({0x01, 0x08, 0x00}));                              // flags 8
  EXPECT_MALFORMED(with({0x01, 0x01, 0x01, 0x00}));                        // elemkind 1
  EXPECT_MALFORMED(with({0x01, 0x05, 0x70, 0x01, 0xf3, 0x00, 0x0b}));      // illegal opcode
  EXPECT_MALFORMED(with({0x01, 0x05, 0x7f, 0x01, 0xd2, 0x00, 0x0b}));      // reference type i32
  EXPECT_MALFORMED(with({0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}));      // 2 declared, 1 given
  EXPECT_INVALID(with({0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00, 0x00}));  // unknown table 1
  EXPECT_INVALID(with({0x01, 0x00, 0x42, 0x00, 0x0b, 0x00}));              // i64 offset
  EXPECT_INVALID(with({0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x05}));        // unknown function
  EXPECT_INVALID(with({0x01, 0x05, 0x70, 0x01, 0xd0, 0x6f, 0x0b}));        // externref item
  EXPECT_INVALID(with({0x01, 0x05, 0x70, 0x01, 0x41, 0x00, 0x0b}));        // i32 item
  EXPECT_INVALID(with({0x01, 0x05, 0x70, 0x01, 0x10, 0x00, 0x0b}));        // (call 0) item
  EXPECT_INVALID(with({0x01, 0x06, 0x00, 0x41, 0x00, 0x0b, 0x6f, 0x00}));  // externref seg
  EXPECT_INVALID(module(
      {kTypeVoid, kFunc1, section(9, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00}), kCode1}));  // no table
  // funcref elements into an externref table.
  EXPECT_INVALID(module({kTypeVoid, kFunc1, section(4, {0x01, 0x6f, 0x00, 0x01}),
                         section(9, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}), kCode1}));
  // global.get item of an imported immutable funcref global is fine.
  EXPECT_VALID(module({kTypeVoid, section(2, {0x01, 0x00, 0x00, 0x03, 0x70, 0x00}), kFunc1,
                       section(9, {0x01, 0x05, 0x70, 0x01, 0x23, 0x00, 0x0b}), kCode1}));
}

// --- Data count and data -------------------------------------------------------------------

TEST(Decoder, DataSegments) {
  // (memory 1) (data (i32.const 3) "ab") (data "c") (data (memory 0) (i32.const 0) "")
  const Bytes data = section(11, {0x03,                                    //
                                  0x00, 0x41, 0x03, 0x0b, 0x02, 'a', 'b',  //
                                  0x01, 0x01, 'c',                         //
                                  0x02, 0x00, 0x41, 0x00, 0x0b, 0x00});
  auto out = decode(module({kMemory1, section(12, {0x03}), data}));
  ASSERT_FALSE(out.error) << *out.error;
  const auto& d = out.module.datas;
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(out.module.data_count, 3u);
  EXPECT_EQ(d[0].mode, SegmentMode::Active);
  EXPECT_EQ(d[0].offset.bits, 3u);
  EXPECT_EQ(d[0].size, 2u);
  EXPECT_EQ(out.module.bytes[d[0].bytes_offset], 'a');
  EXPECT_EQ(d[1].mode, SegmentMode::Passive);
  EXPECT_EQ(out.module.bytes[d[1].bytes_offset], 'c');
  EXPECT_EQ(d[2].mode, SegmentMode::Active);
  EXPECT_EQ(d[2].size, 0u);
  EXPECT_TRUE(validate_module_level(out.module).ok());
  EXPECT_FALSE(decode(module({kMemory1, data})).module.data_count.has_value());
}

TEST(Decoder, DataErrors) {
  const Bytes passive2 = section(11, {0x02, 0x01, 0x00, 0x01, 0x00});
  EXPECT_MALFORMED(module({section(12, {0x03}), passive2}));
  EXPECT_MALFORMED(module({section(12, {0x01}), passive2}));
  EXPECT_MALFORMED(module({section(12, {0x01})}));  // count 1, no data section
  EXPECT_VALID(module({section(12, {0x00})}));
  auto out = decode(module({section(12, {0x01}), passive2}));
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->message(), "data count and data section have inconsistent lengths");

  EXPECT_MALFORMED(module({kMemory1, section(11, {0x01, 0x03, 0x00})}));  // flags 3
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x01, 0x00, 0x41, 0x03, 0x0b, 0x07, 'a'})}));
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00, 'a'})}));
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x02, 0x00, 0x41, 0x00, 0x0b, 0x00})}));
  EXPECT_VALID(module({kMemory1, section(11, {0x01, 0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0b,
                                              0x00})}));  // non-minimal flags and index
  // Memory index 1 decodes (2.0 has a memidx field) and is invalid.
  EXPECT_INVALID(module({kMemory1, section(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00})}));
  EXPECT_INVALID(module({section(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})}));  // no memory
  EXPECT_INVALID(module({kMemory1, section(11, {0x01, 0x00, 0x42, 0x00, 0x0b, 0x00})}));
  EXPECT_INVALID(module({kMemory1, section(11, {0x01, 0x00, 0x01, 0x0b, 0x00})}));  // nop
}

// --- Name section --------------------------------------------------------------------------

TEST(Decoder, NameSection) {
  // (module $m (func $f (param $x i32) (local $y i64)))   wat2wasm --debug-names
  const Bytes bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01,
                       0x60, 0x01, 0x7f, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x06, 0x01,
                       0x04, 0x01, 0x01, 0x7e, 0x0b, 0x00, 0x1a, 0x04, 0x6e, 0x61, 0x6d,
                       0x65, 0x00, 0x02, 0x01, 0x6d, 0x01, 0x04, 0x01, 0x00, 0x01, 0x66,
                       0x02, 0x09, 0x01, 0x00, 0x02, 0x00, 0x01, 0x78, 0x01, 0x01, 0x79};
  auto out = decode(bytes);
  ASSERT_FALSE(out.error) << *out.error;
  EXPECT_EQ(out.module.module_name, "m");
  EXPECT_EQ(out.module.function_name(0), "f");
  EXPECT_EQ(out.module.local_names.at(0).at(0), "x");
  EXPECT_EQ(out.module.local_names.at(0).at(1), "y");
  ASSERT_EQ(out.module.customs.size(), 1u);
  EXPECT_EQ(out.module.customs[0].name, "name");
}

TEST(Decoder, MalformedNameSectionIsIgnored) {
  const Bytes name = {0x04, 'n', 'a', 'm', 'e'};
  // Function names with a bad UTF-8 name; truncated subsection; decreasing indices; a huge
  // count.
  const Bytes bad_payloads[] = {
      {0x01, 0x04, 0x01, 0x00, 0x01, 0xff},
      {0x01, 0x09, 0x01},
      {0x01, 0x07, 0x02, 0x01, 0x01, 'a', 0x00, 0x01, 'b'},
      {0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f},
  };
  for (const auto& payload : bad_payloads) {
    auto out = decode(module({section(0, cat({name, payload}))}));
    EXPECT_FALSE(out.error) << *out.error;
    EXPECT_TRUE(out.module.func_names.empty());
    EXPECT_TRUE(out.module.module_name.empty());
  }
  // Subsections out of order: the ones before the disorder are kept.
  auto disorder = decode(module(
      {section(0, cat({name, {0x01, 0x04, 0x01, 0x00, 0x01, 'a', 0x00, 0x02, 0x01, 'm'}}))}));
  ASSERT_FALSE(disorder.error);
  EXPECT_EQ(disorder.module.function_name(0), "a");
  EXPECT_TRUE(disorder.module.module_name.empty());
  // A good module name survives a bad function-name subsection after it.
  auto out = decode(module({section(0, cat({name, {0x00, 0x02, 0x01, 'm', 0x01, 0x01, 0x05}}))}));
  ASSERT_FALSE(out.error);
  EXPECT_EQ(out.module.module_name, "m");
}

// --- Hostile inputs ------------------------------------------------------------------------

TEST(Decoder, HostileCounts) {
  const Bytes huge = {0xff, 0xff, 0xff, 0xff, 0x0f};  // 4294967295
  const auto start = std::chrono::steady_clock::now();
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    EXPECT_MALFORMED(module({section(id, huge)})) << int(id);
  }
  // Vector counts nested inside entries.
  EXPECT_MALFORMED(module({section(1, cat({{0x01, 0x60}, huge, {0x00}}))}));  // params
  EXPECT_MALFORMED(module({kTypeVoid, kFunc1, section(10, cat({{0x01, 0x06}, huge, {0x0b}}))}));
  EXPECT_MALFORMED(module({kTable1, section(9, cat({{0x01, 0x01, 0x00}, huge}))}));
  EXPECT_MALFORMED(module({section(2, cat({{0x01}, huge, {0x00}}))}));  // name length
  // A 4 GiB - 1 data segment and a 4 GiB - 1 section size.
  EXPECT_MALFORMED(module({kMemory1, section(11, cat({{0x01, 0x01}, huge}))}));
  EXPECT_MALFORMED(module({cat({{0x0b}, huge, {0x01}})}));
  EXPECT_MALFORMED(module({cat({{0x00}, huge, {0x01, 'x'}})}));
  // Over-wide LEBs for counts.
  EXPECT_MALFORMED(module({section(1, {0xff, 0xff, 0xff, 0xff, 0x1f})}));
  EXPECT_MALFORMED(module({section(1, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00})}));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(Decoder, EveryTruncationFails) {
  // Every proper prefix of a module using most sections is rejected, never crashes.
  const Bytes full =
      module({kTypeVoid, section(2, {0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7f, 0x00}), kFunc1,
              kTable1, kMemory1, section(6, {0x01, 0x7f, 0x00, 0x23, 0x00, 0x0b}),
              section(7, {0x01, 0x01, 'f', 0x00, 0x00}), section(8, {0x00}),
              section(9, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}), section(12, {0x01}), kCode1,
              section(11, {0x01, 0x01, 0x01, 'x'}), section(0, {0x01, 'c'})});
  ASSERT_EQ(check(full), std::nullopt);
  for (size_t n = 0; n < full.size(); ++n) {
    const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto kind = check(prefix);
    // A prefix ending exactly at a section boundary may be a valid (smaller) module, or
    // fail a cross-section count check; anything else must be malformed.
    if (kind) {
      EXPECT_EQ(*kind, ErrorKind::Malformed) << n;
    }
  }
}

// --- Reader --------------------------------------------------------------------------------

TEST(Reader, Utf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF
  EXPECT_FALSE(is_valid_utf8("\x80"));             // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));         // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate D800
  EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));           // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));       // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x28\xa1"));   // bad continuation
  EXPECT_FALSE(is_valid_utf8("a\xf0\x9f\x98"));  // truncated at end
}

TEST(Reader, Name) {
  const Bytes bytes = {0x03, 'a', 'b', 'c', 0x05, 'x'};
  Reader r{std::span<const uint8_t>(bytes)};
  EXPECT_EQ(r.name(), "abc");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.pos(), 4u);
  EXPECT_EQ(r.name(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind(), ErrorKind::Malformed);
  EXPECT_EQ(r.error().message(), "length out of bounds");

  const Bytes bad = {0x02, 0xc3, 0x28};
  Reader r2{std::span<const uint8_t>(bad)};
  r2.name();
  EXPECT_EQ(r2.error().message(), "malformed UTF-8 encoding");
}

// Multi-byte LEBs decode without per-byte bounds checks when the longest encoding fits in
// the input, and byte by byte otherwise: both must give the same value, length and error.
TEST(Reader, LebWithAndWithoutRoomForTheLongestEncoding) {
  struct Case {
    Bytes bytes;
    int bits;  // 32, 33, 64 signed (negative: unsigned 32 or 64)
    int64_t value;
    const char* error;  // nullptr: valid
  };
  const Bytes ff9 = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const Bytes x80_9 = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};
  const Case cases[] = {
      {{0x80, 0x00}, -32, 0, nullptr},
      {{0xe5, 0x8e, 0x26}, -32, 624485, nullptr},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, -32, 0xffffffff, nullptr},
      {{0x80, 0x80, 0x80, 0x80, 0x10}, -32, 0, "integer too large"},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, -32, 0, "integer representation too long"},
      {{0xff, 0x7f}, 32, -1, nullptr},
      {{0xc0, 0xbb, 0x78}, 32, -123456, nullptr},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, 32, INT32_MIN, nullptr},
      {{0xff, 0xff, 0xff, 0xff, 0x07}, 32, INT32_MAX, nullptr},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, 32, 0, "integer too large"},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, 0, "integer representation too long"},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 33, 0xffffffff, nullptr},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, 33, -(int64_t{1} << 32), nullptr},
      {{0x80, 0x80, 0x80, 0x80, 0x60}, 33, 0, "integer too large"},
      {cat({x80_9, {0x7f}}), 64, INT64_MIN, nullptr},
      {cat({ff9, {0x00}}), 64, INT64_MAX, nullptr},
      {cat({x80_9, {0x01}}), 64, 0, "integer too large"},
      {cat({ff9, {0x01}}), -64, -1, nullptr},
      {cat({ff9, {0x02}}), -64, 0, "integer too large"},
      {cat({ff9, {0x81, 0x00}}), -64, 0, "integer representation too long"},
  };
  auto read = [](Reader& r, int bits) -> int64_t {
    switch (bits) {
      case -32:
        return r.u32();
      case -64:
        return static_cast<int64_t>(r.u64());
      case 32:
        return r.s32();
      case 33:
        return r.s33();
      default:
        return r.s64();
    }
  };
  for (const Case& c : cases) {
    const Bytes padded = cat({{0x01}, c.bytes, Bytes(10, 0x80)});  // starts at offset 1
    for (size_t end : {c.bytes.size() + 1, padded.size()}) {
      Reader r{std::span<const uint8_t>(padded.data(), end), 1};
      const int64_t v = read(r, c.bits);
      const std::string what = ::testing::PrintToString(c.bytes) + " end " + std::to_string(end);
      if (c.error) {
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_EQ(r.error().message(), c.error) << what;
        EXPECT_EQ(r.error().offset(), 1u) << what;
      } else {
        ASSERT_TRUE(r.ok()) << what;
        EXPECT_EQ(v, c.value) << what;
        EXPECT_EQ(r.pos(), c.bytes.size() + 1) << what;
      }
    }
  }
  // Cut short: the byte loop reports where the input ends.
  const Bytes cut = {0x80, 0x80};
  Reader r{std::span<const uint8_t>(cut)};
  r.u32();
  EXPECT_EQ(r.error().message(), "unexpected end");
  EXPECT_EQ(r.error().offset(), 2u);
}

// --- Names and messages --------------------------------------------------------------------

TEST(Names, TrapsAndErrors) {
  EXPECT_EQ(trap_message(TrapKind::IntegerDivideByZero), "integer divide by zero");
  EXPECT_EQ(trap_message(TrapKind::MemoryOutOfBounds), "out of bounds memory access");
  EXPECT_EQ(trap_message(TrapKind::CallStackExhausted), "call stack exhausted");
  EXPECT_EQ(trap_message(TrapKind::IndirectCallTypeMismatch), "indirect call type mismatch");
  EXPECT_EQ(error_kind_name(ErrorKind::Malformed), "malformed");

  Error trap = Error::trap(TrapKind::Unreachable);
  EXPECT_EQ(trap.kind(), ErrorKind::Trap);
  EXPECT_EQ(trap.trap_kind(), TrapKind::Unreachable);
  EXPECT_EQ(trap.message(), "unreachable");
  Error host = Error::trap(TrapKind::HostError, "boom");
  EXPECT_EQ(host.message(), "host function failed: boom");

  Error exit = Error::exit(3);
  EXPECT_EQ(exit.kind(), ErrorKind::Exit);
  EXPECT_EQ(exit.exit_code(), 3);

  Error e(ErrorKind::Malformed, "unexpected end", 0x1f3);
  e.with_context("a.wasm");
  EXPECT_EQ(e.to_string(), "a.wasm: malformed: byte 0x1f3: unexpected end");
  trap.backtrace().push_back(Frame{2, "inner"});
  trap.backtrace().push_back(Frame{0, ""});
  EXPECT_EQ(trap.to_string(), "trap: unreachable\n  at #2 inner\n  at #0");
  std::ostringstream os;
  os << Error(ErrorKind::Link, "missing import");
  EXPECT_EQ(os.str(), "link: missing import");
}

TEST(Names, Types) {
  EXPECT_EQ(to_string(ValType::ExternRef), "externref");
  EXPECT_EQ(to_string(FuncType{{ValType::I32, ValType::I32}, {ValType::I64}}),
            "(i32, i32) -> (i64)");
  EXPECT_EQ(to_string(FuncType{}), "() -> ()");
  EXPECT_EQ(to_string(ExternKind::Memory), "memory");
  ExternType t;
  t.kind = ExternKind::Table;
  t.table = TableType{ValType::FuncRef, Limits{1, 10}};
  EXPECT_EQ(to_string(t), "table 1..10 funcref");
  t.kind = ExternKind::Global;
  t.global = GlobalType{ValType::F32, true};
  EXPECT_EQ(to_string(t), "global mut f32");
  EXPECT_EQ(to_string(Value::i32(-42)), "i32:-42");
  EXPECT_EQ(to_string(Value::i64(7)), "i64:7");
  EXPECT_EQ(to_string(Value::f64(1.5)), "f64:1.5");
  EXPECT_EQ(to_string(Value::f32(0.1f)), "f32:0.1");
  EXPECT_EQ(to_string(Value::null(ValType::FuncRef)), "funcref:null");
}

}  // namespace
}  // namespace hailmary::detail
