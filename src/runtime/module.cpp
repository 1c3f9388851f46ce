// Module: decode, validate, compile.
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include "binary/decoder.hpp"
#include "execution/code.hpp"
#include "hailmary/module.hpp"
#include "runtime/store.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary {

namespace detail {
ModuleData::ModuleData() = default;
ModuleData::~ModuleData() = default;
ModuleData::ModuleData(ModuleData&&) noexcept = default;
ModuleData& ModuleData::operator=(ModuleData&&) noexcept = default;

ExternType extern_type_of(const ModuleData& m, ExternKind kind, uint32_t index) {
  ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::Func:
      t.func = m.types[m.func_types[index]];
      break;
    case ExternKind::Table:
      t.table = m.tables[index];
      break;
    case ExternKind::Memory:
      t.memory = m.memories[index];
      break;
    case ExternKind::Global:
      t.global = m.globals[index].type;
      break;
  }
  return t;
}
const CompiledFunc* translate_lazily(StoreData& store, FuncInst* f) noexcept {
  const ModuleData& m = *f->instance->mod;
  const uint32_t defined = f->func_index - m.imported_funcs;
  try {
    auto code = translate_function(m, defined);
    if (!code) {
      Error e = std::move(code).error();
      e.with_context("translating function " + std::to_string(f->func_index));
      store.pending_error = std::move(e);
      return nullptr;
    }
    f->instance->set_code(f, *code);
    return *code;
  } catch (const std::bad_alloc&) {
    store.pending_error = Error(ErrorKind::Instantiate, "out of memory translating function " +
                                                            std::to_string(f->func_index));
    return nullptr;
  }
}
}  // namespace detail

Result<Module> Module::from_bytes(const Engine& engine, std::span<const uint8_t> bytes) {
  return from_vector(engine, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Result<Module> Module::from_vector(const Engine& engine, std::vector<uint8_t> bytes) {
  auto data = std::make_shared<detail::ModuleData>();
  data->bytes = std::move(bytes);
  if (auto r = detail::decode_module(*data); !r) return std::move(r).error();
  if (auto r = detail::validate_module_level(*data); !r) return std::move(r).error();
  if (auto r = detail::compile_module(*data, engine.config().eager_translation,
                                      engine.config().compile_threads);
      !r)
    return std::move(r).error();
  data->type_ids.reserve(data->types.size());
  for (const FuncType& t : data->types) data->type_ids.push_back(engine.data().intern(t));
  return Module(std::move(data));
}

Result<Module> Module::from_file(const Engine& engine, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, path.string() + ": cannot open file");
  // One read of the whole file (a stream iterator goes byte by byte: 15M instructions for
  // 1 MB); a file whose size cannot be told (a pipe) is read in chunks.
  std::vector<uint8_t> bytes;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size > 0) {
    bytes.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), size);
    if (in.gcount() != size) return Error(ErrorKind::Io, path.string() + ": read error");
  } else {
    in.clear();
    in.seekg(0);
    in.clear();
    char chunk[65536];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
      bytes.insert(bytes.end(), chunk, chunk + in.gcount());
    if (in.bad()) return Error(ErrorKind::Io, path.string() + ": read error");
  }
  auto m = from_vector(engine, std::move(bytes));
  if (!m) {
    Error e = std::move(m).error();
    e.with_context(path.string());
    return e;
  }
  return m;
}

std::vector<ImportType> Module::imports() const {
  std::vector<ImportType> out;
  for (const auto& i : data_->imports) {
    ImportType t{i.module, i.name, {}};
    t.type.kind = i.kind;
    switch (i.kind) {
      case ExternKind::Func:
        t.type.func = data_->types[i.type_index];
        break;
      case ExternKind::Table:
        t.type.table = i.table;
        break;
      case ExternKind::Memory:
        t.type.memory = i.memory;
        break;
      case ExternKind::Global:
        t.type.global = i.global;
        break;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  std::vector<ExportType> out;
  for (const auto& e : data_->exports)
    out.push_back({e.name, detail::extern_type_of(*data_, e.kind, e.index)});
  return out;
}

std::optional<ExportType> Module::export_type(std::string_view name) const {
  for (const auto& e : data_->exports)
    if (e.name == name) return ExportType{e.name, detail::extern_type_of(*data_, e.kind, e.index)};
  return std::nullopt;
}

std::vector<CustomSection> Module::custom_sections() const {
  std::vector<CustomSection> out;
  for (const auto& c : data_->customs)
    out.push_back({c.name, {data_->bytes.data() + c.payload_offset, c.payload_size}});
  return out;
}

std::vector<std::span<const uint8_t>> Module::custom_sections(std::string_view name) const {
  std::vector<std::span<const uint8_t>> out;
  for (const auto& c : data_->customs)
    if (c.name == name) out.emplace_back(data_->bytes.data() + c.payload_offset, c.payload_size);
  return out;
}

std::string_view Module::function_name(uint32_t func_index) const {
  return data_->function_name(func_index);
}

}  // namespace hailmary
