// A decoded and validated module, ready to instantiate any number of times.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hailmary/engine.hpp"
#include "hailmary/error.hpp"
#include "hailmary/types.hpp"

namespace hailmary {

namespace detail {
struct ModuleData;
}

struct CustomSection {
  std::string name;
  std::span<const uint8_t> bytes;  ///< payload after the name; valid while the Module lives
};

/// Immutable and cheap to copy; may be shared between stores and threads.
class Module {
 public:
  /// Decode and validate. Errors carry the byte offset and what was expected there.
  static Result<Module> from_bytes(const Engine& engine, std::span<const uint8_t> bytes);
  /// Read a file, then from_bytes; errors are prefixed with the path.
  static Result<Module> from_file(const Engine& engine, const std::filesystem::path& path);

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;
  std::optional<ExportType> export_type(std::string_view name) const;
  /// Every custom section, in order (the name section included).
  std::vector<CustomSection> custom_sections() const;
  /// Payloads of the custom sections called `name`.
  std::vector<std::span<const uint8_t>> custom_sections(std::string_view name) const;
  /// The function's name from the name section, or empty.
  std::string_view function_name(uint32_t func_index) const;

  const detail::ModuleData& data() const noexcept { return *data_; }
  std::shared_ptr<const detail::ModuleData> shared_data() const noexcept { return data_; }

 private:
  explicit Module(std::shared_ptr<const detail::ModuleData> data) : data_(std::move(data)) {}
  /// from_bytes without the copy.
  static Result<Module> from_vector(const Engine& engine, std::vector<uint8_t> bytes);
  std::shared_ptr<const detail::ModuleData> data_;
};

}  // namespace hailmary
