// WebAssembly types as the embedder sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hailmary {

/// Value types; the enumerator values are the binary encoding.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

std::string_view to_string(ValType type) noexcept;
constexpr bool is_ref(ValType t) noexcept {
  return t == ValType::FuncRef || t == ValType::ExternRef;
}
constexpr bool is_num(ValType t) noexcept {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};
/// "(i32, i32) -> (i64)"
std::string to_string(const FuncType& type);

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  friend bool operator==(const Limits&, const Limits&) = default;
};

struct MemoryType {
  Limits limits;  ///< in 64 KiB pages
  friend bool operator==(const MemoryType&, const MemoryType&) = default;
};

struct TableType {
  ValType element = ValType::FuncRef;
  Limits limits;
  friend bool operator==(const TableType&, const TableType&) = default;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mutable_ = false;
  friend bool operator==(const GlobalType&, const GlobalType&) = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
std::string_view to_string(ExternKind kind) noexcept;

/// What an import or export refers to, with its type.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;      ///< when kind == Func
  TableType table;    ///< when kind == Table
  MemoryType memory;  ///< when kind == Memory
  GlobalType global;  ///< when kind == Global
};
std::string to_string(const ExternType& type);

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

inline constexpr uint64_t kPageSize = 65536;

}  // namespace hailmary
