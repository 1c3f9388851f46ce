// `hailmary inspect` and `hailmary validate`.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "binary/module_data.hpp"
#include "cli/cli.hpp"
#include "hailmary/ffi/contract.hpp"

namespace hailmary::cli {
namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string limits(const Limits& l) {
  return l.max ? std::to_string(l.min) + ".." + std::to_string(*l.max)
               : std::to_string(l.min) + "..";
}

std::string limits_json(const Limits& l) {
  return "\"min\":" + std::to_string(l.min) +
         ",\"max\":" + (l.max ? std::to_string(*l.max) : "null");
}

}  // namespace

int inspect(const InspectOptions& o) {
  Engine engine;
  auto module = load(engine, o.module);
  if (!module) return kExitError;
  const detail::ModuleData& d = module->data();
  auto imports = module->imports();
  auto exports = module->exports();
  auto customs = module->custom_sections();
  size_t defined_funcs = d.func_types.size() - d.imported_funcs;
  std::ostringstream out;

  if (o.json) {
    out << "{\"file\":" << json_string(o.module) << ",\"imports\":[";
    for (size_t i = 0; i < imports.size(); ++i) {
      out << (i ? "," : "") << "{\"module\":" << json_string(imports[i].module)
          << ",\"name\":" << json_string(imports[i].name)
          << ",\"kind\":" << json_string(to_string(imports[i].type.kind))
          << ",\"type\":" << json_string(to_string(imports[i].type)) << "}";
    }
    out << "],\"exports\":[";
    for (size_t i = 0; i < exports.size(); ++i) {
      out << (i ? "," : "") << "{\"name\":" << json_string(exports[i].name)
          << ",\"kind\":" << json_string(to_string(exports[i].type.kind))
          << ",\"type\":" << json_string(to_string(exports[i].type)) << "}";
    }
    out << "],\"functions\":{\"imported\":" << d.imported_funcs << ",\"defined\":" << defined_funcs
        << "},\"memories\":[";
    for (size_t i = 0; i < d.memories.size(); ++i) {
      out << (i ? "," : "") << "{" << limits_json(d.memories[i].limits)
          << ",\"imported\":" << (i < d.imported_memories ? "true" : "false") << "}";
    }
    out << "],\"tables\":[";
    for (size_t i = 0; i < d.tables.size(); ++i) {
      out << (i ? "," : "") << "{\"element\":" << json_string(to_string(d.tables[i].element)) << ","
          << limits_json(d.tables[i].limits)
          << ",\"imported\":" << (i < d.imported_tables ? "true" : "false") << "}";
    }
    out << "],\"globals\":[";
    for (size_t i = 0; i < d.globals.size(); ++i) {
      out << (i ? "," : "") << "{\"type\":" << json_string(to_string(d.globals[i].type.type))
          << ",\"mutable\":" << (d.globals[i].type.mutable_ ? "true" : "false")
          << ",\"imported\":" << (i < d.imported_globals ? "true" : "false") << "}";
    }
    out << "],\"start\":" << (d.start ? std::to_string(*d.start) : "null")
        << ",\"custom_sections\":[";
    for (size_t i = 0; i < customs.size(); ++i) {
      out << (i ? "," : "") << "{\"name\":" << json_string(customs[i].name)
          << ",\"size\":" << customs[i].bytes.size() << "}";
    }
    out << "],\"abi_contract\":";
    if (!ffi::has_contract(*module)) {
      out << "null";
    } else if (auto contract = ffi::read_contract(*module); !contract) {
      out << "{\"error\":" << json_string(one_line(contract.error())) << "}";
    } else {
      out << "[";
      for (size_t i = 0; i < contract->size(); ++i) {
        out << (i ? "," : "") << "{\"name\":" << json_string((*contract)[i].name)
            << ",\"signature\":" << json_string((*contract)[i].signature) << "}";
      }
      out << "]";
    }
    out << "}\n";
    std::cout << out.str();
    return 0;
  }

  out << "module " << o.module << "\n";
  out << "imports (" << imports.size() << "):\n";
  for (const auto& i : imports) {
    out << "  " << i.module << "." << i.name << ": " << to_string(i.type) << "\n";
  }
  out << "exports (" << exports.size() << "):\n";
  for (const auto& e : exports) out << "  " << e.name << ": " << to_string(e.type) << "\n";
  out << "functions: " << d.imported_funcs << " imported, " << defined_funcs << " defined\n";
  out << "memories (" << d.memories.size() << "):\n";
  for (size_t i = 0; i < d.memories.size(); ++i) {
    out << "  " << i << ": pages " << limits(d.memories[i].limits)
        << (i < d.imported_memories ? " (imported)" : "") << "\n";
  }
  out << "tables (" << d.tables.size() << "):\n";
  for (size_t i = 0; i < d.tables.size(); ++i) {
    out << "  " << i << ": " << to_string(d.tables[i].element) << " " << limits(d.tables[i].limits)
        << (i < d.imported_tables ? " (imported)" : "") << "\n";
  }
  out << "globals (" << d.globals.size() << "):\n";
  for (size_t i = 0; i < d.globals.size(); ++i) {
    out << "  " << i << ": " << (d.globals[i].type.mutable_ ? "mut " : "")
        << to_string(d.globals[i].type.type) << (i < d.imported_globals ? " (imported)" : "")
        << "\n";
  }
  if (d.start) out << "start: func " << *d.start << "\n";
  out << "custom sections (" << customs.size() << "):\n";
  for (const auto& c : customs) out << "  " << c.name << ": " << c.bytes.size() << " bytes\n";
  if (ffi::has_contract(*module)) {
    auto contract = ffi::read_contract(*module);
    if (!contract) {
      out << "abi contract: invalid: " << one_line(contract.error()) << "\n";
    } else {
      out << "abi contract (" << contract->size() << "):\n";
      for (const auto& e : *contract) out << "  " << e.name << ": " << e.signature << "\n";
    }
  }
  std::cout << out.str();
  return 0;
}

int validate(const std::string& path) {
  Engine engine;
  return load(engine, path) ? 0 : kExitError;
}

}  // namespace hailmary::cli
