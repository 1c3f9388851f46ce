// The decoded form of a module: what the decoder produces, the validator checks, and
// instantiation reads. Index spaces include imports first, as in the spec.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hailmary/types.hpp"

namespace hailmary::detail {

struct CompiledFunc;  // execution/code.hpp
struct ModuleCode;    // validation/function_compiler.hpp

/// A constant expression of WebAssembly 2.0: exactly one instruction before `end`.
struct ConstExpr {
  enum class Op : uint8_t { I32Const, I64Const, F32Const, F64Const, RefNull, RefFunc, GlobalGet };
  Op op = Op::I32Const;
  uint64_t bits = 0;            ///< the constant's raw bits (i32/f32 zero-extended)
  uint32_t index = 0;           ///< function index (RefFunc) or global index (GlobalGet)
  ValType type = ValType::I32;  ///< RefNull: the reference type; otherwise the result type
  uint64_t offset = 0;          ///< byte offset of the expression, for error messages
  /// Non-null when the bytes decoded but are not a valid constant expression (a non-constant
  /// instruction, none, or several): the reason, which validation reports as Invalid.
  const char* invalid = nullptr;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ImportDesc {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  ///< Func: index into ModuleData::types
  TableType table;
  MemoryType memory;
  GlobalType global;
  uint64_t offset = 0;  ///< byte offset of the import entry
};

struct ExportDesc {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint64_t offset = 0;  ///< byte offset of the export entry
};

struct GlobalDesc {
  GlobalType type;
  ConstExpr init;
};

struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;
  ConstExpr offset;  ///< Active only
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> items;  ///< each a RefFunc, RefNull or GlobalGet
  uint64_t segment_offset = 0;   ///< byte offset of the segment
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t memory = 0;
  ConstExpr offset;           ///< Active only
  uint64_t bytes_offset = 0;  ///< where the payload starts in ModuleData::bytes
  uint64_t size = 0;
  uint64_t segment_offset = 0;  ///< byte offset of the segment
};

/// Locals as the binary declares them: run-length groups.
struct LocalGroup {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

struct FunctionBody {
  std::vector<LocalGroup> locals;
  uint32_t local_count = 0;  ///< sum of the groups (bounded by kMaxLocals)
  uint64_t body_offset = 0;  ///< first instruction byte in ModuleData::bytes
  uint64_t body_end = 0;     ///< one past the final `end`
};

struct CustomSectionDesc {
  std::string name;
  uint64_t payload_offset = 0;  ///< into ModuleData::bytes
  uint64_t payload_size = 0;
};

/// Limits on declared counts, so hostile inputs are errors, not allocations.
inline constexpr uint32_t kMaxLocals = 50000;
inline constexpr uint32_t kMaxFunctions = 1000000;
inline constexpr uint32_t kMaxTypes = 1000000;
inline constexpr uint32_t kMaxParams = 1000;
inline constexpr uint32_t kMaxResults = 1000;
inline constexpr uint64_t kMaxPages = 65536;

struct ModuleData {
  std::vector<uint8_t> bytes;  ///< the whole binary, owned

  std::vector<FuncType> types;
  std::vector<ImportDesc> imports;
  /// Type index of every function, imported ones first.
  std::vector<uint32_t> func_types;
  uint32_t imported_funcs = 0;
  std::vector<TableType> tables;  ///< imported first
  uint32_t imported_tables = 0;
  std::vector<MemoryType> memories;  ///< imported first
  uint32_t imported_memories = 0;
  std::vector<GlobalDesc> globals;  ///< imported first (their init is unused)
  uint32_t imported_globals = 0;
  std::vector<ExportDesc> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<DataSegment> datas;
  std::vector<FunctionBody> bodies;  ///< one per defined (non-imported) function
  std::vector<CustomSectionDesc> customs;

  /// Byte offsets of declarations, parallel to the vectors above (imported entries point at
  /// their import), so validation errors can say where.
  std::vector<uint64_t> func_type_offsets;  ///< parallel to func_types
  std::vector<uint64_t> table_offsets;      ///< parallel to tables
  std::vector<uint64_t> memory_offsets;     ///< parallel to memories
  uint64_t start_offset = 0;

  /// From the `name` custom section (malformed name sections are ignored, as the spec allows).
  std::string module_name;
  /// Function names as views into `bytes`, sorted by function index (the section requires
  /// increasing indices): no allocation per name when a large module loads.
  struct FuncName {
    uint32_t func_index;
    uint32_t offset;  // into bytes
    uint32_t size;
  };
  std::vector<FuncName> func_names;
  /// The name of function `func_index` from the name section; empty if it has none.
  std::string_view function_name(uint32_t func_index) const {
    auto it = std::lower_bound(func_names.begin(), func_names.end(), func_index,
                               [](const FuncName& n, uint32_t i) { return n.func_index < i; });
    if (it == func_names.end() || it->func_index != func_index) return {};
    return {reinterpret_cast<const char*>(bytes.data()) + it->offset, it->size};
  }
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>> local_names;

  /// Functions referenced outside function bodies (exports, elements, global inits): the set
  /// `ref.func` may name. Filled by the decoder.
  std::vector<bool> declared_func_refs;

  /// Engine-wide canonical id of each entry of `types` (structurally equal types share an
  /// id), so call_indirect compares one integer. Filled by Module::from_bytes.
  std::vector<uint32_t> type_ids;

  /// Filled by validation: the executable code of the defined functions, translated at load
  /// (eager) or on each function's first call (lazy), and shared by every instance.
  std::unique_ptr<ModuleCode> code;

  ModuleData();
  ~ModuleData();
  ModuleData(ModuleData&&) noexcept;
  ModuleData& operator=(ModuleData&&) noexcept;
};

}  // namespace hailmary::detail
