// The `name` custom section: module, function and local names for backtraces and tools.
// https://webassembly.github.io/spec/core/appendix/custom.html#name-section
#include "binary/decode_sections.hpp"

namespace hailmary::detail {

namespace {

using NameMap = std::unordered_map<uint32_t, std::string>;

// namemap ::= vec(idx name); indices must strictly increase, which the spec requires and
// which also rules out duplicates.
bool read_name_map(Reader& r, NameMap& out) {
  uint32_t count;
  if (!read_count(r, count, 2)) return false;
  bool first = true;
  uint32_t last = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t index = r.u32();
    std::string name = r.name();
    if (!r.ok()) return false;
    if (!first && index <= last) return false;
    first = false;
    last = index;
    out.emplace(index, std::move(name));
  }
  return true;
}

}  // namespace

void decode_name_section(ModuleData& m, uint64_t pos, uint64_t end) {
  Reader r = sub_reader(m, pos, end);
  int last_id = -1;
  while (!r.at_end()) {
    const uint8_t id = r.u8();
    const uint32_t size = r.u32();
    if (!r.ok() || size > r.remaining()) return;
    Reader sub = sub_reader(m, r.pos(), r.pos() + size);
    r.skip(size);
    // Subsections come in increasing id order, each at most once.
    if (static_cast<int>(id) <= last_id) return;
    last_id = id;
    switch (id) {
      case 0: {
        std::string name = sub.name();
        if (!sub.ok() || !sub.at_end()) return;
        m.module_name = std::move(name);
        break;
      }
      case 1: {
        std::vector<ModuleData::FuncName> names;
        uint32_t count;
        if (!read_count(sub, count, 2)) return;
        names.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
          const uint32_t index = sub.u32();
          const std::string_view name = sub.name_view();
          if (!sub.ok() || (!names.empty() && index <= names.back().func_index)) return;
          names.push_back({index,
                           static_cast<uint32_t>(reinterpret_cast<const uint8_t*>(name.data()) -
                                                 m.bytes.data()),
                           static_cast<uint32_t>(name.size())});
        }
        if (!sub.at_end()) return;
        m.func_names = std::move(names);
        break;
      }
      case 2: {
        std::unordered_map<uint32_t, NameMap> locals;
        uint32_t count;
        if (!read_count(sub, count, 2)) return;
        bool first = true;
        uint32_t last = 0;
        for (uint32_t i = 0; i < count; ++i) {
          const uint32_t func = sub.u32();
          if (!sub.ok() || (!first && func <= last)) return;
          first = false;
          last = func;
          if (!read_name_map(sub, locals[func])) return;
        }
        if (!sub.at_end()) return;
        m.local_names = std::move(locals);
        break;
      }
      default:
        break;  // later extensions (labels, types, ...): not used
    }
  }
}

}  // namespace hailmary::detail
