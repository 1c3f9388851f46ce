# WasmGuests.cmake — build WebAssembly guest modules (C, C++, Rust) as part of the host build.
#
# Functions
# ---------
#   hm_add_wasm_module(<target> OUTPUT <name.wasm> SOURCES <files...>
#                      [MODE freestanding|reactor|command]   # default: freestanding
#                      [LANG c|cxx]                          # default: cxx if any C++ source
#                      [EXPORTS <names...>]                  # -Wl,--export=<name> each
#                      [FLAGS <compile flags...>] [LINK_FLAGS <link flags...>]
#                      [INCLUDES <dirs...>] [DEPENDS <files/targets...>])
#
#   hm_add_rust_wasm_module(<target> OUTPUT <name.wasm> SOURCE <lib.rs>
#                           [TARGET_TRIPLE wasm32-unknown-unknown|wasm32-wasi]
#                           [FLAGS <extra rustc flags...>] [DEPENDS <files/targets...>])
#
#   hm_target_use_wasm(<consumer> <wasm-target> [DEFINE <MACRO>])
#       Makes <consumer> depend on <wasm-target> and defines MACRO="<full path of the .wasm>"
#       (default MACRO: HM_WASM_<TARGET in upper case, non-alnum -> _>). Does nothing when
#       <wasm-target> does not exist (toolchain missing), so the consumer can `#ifdef` and skip.
#
# Where the .wasm ends up
# -----------------------
#   ${CMAKE_CURRENT_BINARY_DIR}/<name.wasm>. The full path is published three ways:
#   - target property HM_WASM_FILE on <target>: works from any directory, also as a generator
#     expression $<TARGET_PROPERTY:<target>,HM_WASM_FILE>;
#   - variable <target>_PATH in the calling scope;
#   - cache variable <target>_PATH (INTERNAL), so sibling directories (tests/ vs guests/) see it.
#
# Availability flags (set globally)
# ---------------------------------
#   HM_WASM_GUESTS_AVAILABLE  clang-19 (+clang++-19) and wasm-ld-19 found: freestanding modules.
#   HM_WASI_GUESTS_AVAILABLE  additionally wasi-libc (+ libc++ for C++): reactor/command modules.
#   HM_RUST_WASM_AVAILABLE    /usr/bin/rustc with the wasm32-unknown-unknown std.
#   When a flag is off, the matching function prints a status message and creates nothing.
#
# Toolchain quirks handled here (see the brief's TOOLCHAIN.md):
#   - compile with -O2 -c, link WITHOUT -O: on the link line clang runs wasm-opt if binaryen is
#     installed, which rewrites the module and drops the name section we want for traces.
#   - no strip: the name section stays.
#   - -fno-exceptions always: Debian's wasm libc++abi has no __cxa_throw and there is no libunwind.
#   - Rust: /usr/bin/rustc by full path; the rustc first on PATH is a rustup without wasm targets.

include_guard(GLOBAL)

# ---------------------------------------------------------------------------------------------
# Toolchain discovery
find_program(HM_WASM_CLANG NAMES clang-19 DOC "clang able to target wasm32")
find_program(HM_WASM_CLANGXX NAMES clang++-19 DOC "clang++ able to target wasm32")
find_program(HM_WASM_LD NAMES wasm-ld-19 DOC "wasm-ld from lld-19")
set(HM_WASI_SYSROOT_LIB "/usr/lib/wasm32-wasi" CACHE PATH "wasi-libc library folder")

if(HM_WASM_CLANG AND HM_WASM_CLANGXX AND HM_WASM_LD)
  set(HM_WASM_GUESTS_AVAILABLE ON CACHE INTERNAL "")
else()
  set(HM_WASM_GUESTS_AVAILABLE OFF CACHE INTERNAL "")
  message(STATUS "Hail Mary: clang-19/clang++-19/wasm-ld-19 not found; wasm guests will not be built "
                 "(tests that need them skip). Run scripts/setup.sh to install them.")
endif()

if(HM_WASM_GUESTS_AVAILABLE AND EXISTS "${HM_WASI_SYSROOT_LIB}/libc.a"
   AND EXISTS "${HM_WASI_SYSROOT_LIB}/crt1-reactor.o")
  set(HM_WASI_GUESTS_AVAILABLE ON CACHE INTERNAL "")
else()
  set(HM_WASI_GUESTS_AVAILABLE OFF CACHE INTERNAL "")
  if(HM_WASM_GUESTS_AVAILABLE)
    message(STATUS "Hail Mary: wasi-libc not found in ${HM_WASI_SYSROOT_LIB}; "
                   "reactor/command guests will not be built.")
  endif()
endif()
if(HM_WASI_GUESTS_AVAILABLE AND EXISTS "${HM_WASI_SYSROOT_LIB}/libc++.a")
  set(HM_WASI_CXX_AVAILABLE ON CACHE INTERNAL "")
else()
  set(HM_WASI_CXX_AVAILABLE OFF CACHE INTERNAL "")
endif()

set(HM_RUSTC "/usr/bin/rustc" CACHE FILEPATH
    "rustc with wasm32 std (Debian's; not the rustup one on PATH)")
file(GLOB _hm_rust_wasm_std "/usr/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib")
if(EXISTS "${HM_RUSTC}" AND _hm_rust_wasm_std)
  set(HM_RUST_WASM_AVAILABLE ON CACHE INTERNAL "")
else()
  set(HM_RUST_WASM_AVAILABLE OFF CACHE INTERNAL "")
  message(STATUS "Hail Mary: ${HM_RUSTC} or the wasm32-unknown-unknown Rust std not found; "
                 "Rust guests will not be built.")
endif()
unset(_hm_rust_wasm_std)

# ---------------------------------------------------------------------------------------------
# Publishes the output path of a guest target (see the header for the three ways).
function(_hm_publish_wasm target path)
  set_target_properties(${target} PROPERTIES HM_WASM_FILE "${path}")
  set(${target}_PATH "${path}" CACHE INTERNAL "Full path of the ${target} wasm module")
  set(${target}_PATH "${path}" PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------------------------------------
function(hm_add_wasm_module target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT;MODE;LANG"
                        "SOURCES;EXPORTS;FLAGS;LINK_FLAGS;INCLUDES;DEPENDS")
  if(NOT ARG_OUTPUT OR NOT ARG_SOURCES)
    message(FATAL_ERROR "hm_add_wasm_module(${target}): OUTPUT and SOURCES are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hm_add_wasm_module(${target}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODE)
    set(ARG_MODE freestanding)
  endif()
  if(NOT ARG_MODE MATCHES "^(freestanding|reactor|command)$")
    message(FATAL_ERROR "hm_add_wasm_module(${target}): MODE must be freestanding, reactor or command")
  endif()

  # Language: explicit, or C++ as soon as one source is C++ (the C++ driver links libc++).
  if(NOT ARG_LANG)
    set(ARG_LANG c)
    foreach(src IN LISTS ARG_SOURCES)
      if(src MATCHES "\\.(cc|cpp|cxx|C|c\\+\\+)$")
        set(ARG_LANG cxx)
      endif()
    endforeach()
  endif()
  if(NOT ARG_LANG MATCHES "^(c|cxx)$")
    message(FATAL_ERROR "hm_add_wasm_module(${target}): LANG must be c or cxx")
  endif()

  if(NOT HM_WASM_GUESTS_AVAILABLE)
    message(STATUS "Hail Mary: skipping wasm guest ${target} (no clang-19/wasm-ld-19)")
    return()
  endif()
  if(NOT ARG_MODE STREQUAL "freestanding" AND NOT HM_WASI_GUESTS_AVAILABLE)
    message(STATUS "Hail Mary: skipping wasm guest ${target} (no wasi-libc)")
    return()
  endif()
  if(NOT ARG_MODE STREQUAL "freestanding" AND ARG_LANG STREQUAL "cxx" AND NOT HM_WASI_CXX_AVAILABLE)
    message(STATUS "Hail Mary: skipping wasm guest ${target} (no wasm32 libc++)")
    return()
  endif()

  if(ARG_LANG STREQUAL "cxx")
    set(driver "${HM_WASM_CLANGXX}")
    set(lang_flags -std=c++20 -fno-exceptions)
  else()
    set(driver "${HM_WASM_CLANG}")
    set(lang_flags -std=c17)
  endif()

  if(ARG_MODE STREQUAL "freestanding")
    set(triple --target=wasm32)
    if(ARG_LANG STREQUAL "cxx")
      list(APPEND lang_flags -fno-rtti)
    endif()
    set(mode_link_flags -nostdlib -Wl,--no-entry)
  elseif(ARG_MODE STREQUAL "reactor")
    set(triple --target=wasm32-wasi)
    set(mode_link_flags -mexec-model=reactor)
  else()
    set(triple --target=wasm32-wasi)
    set(mode_link_flags)
  endif()

  set(include_flags)
  foreach(dir IN LISTS ARG_INCLUDES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND include_flags "-I${dir}")
  endforeach()

  set(export_flags)
  foreach(name IN LISTS ARG_EXPORTS)
    list(APPEND export_flags "-Wl,--export=${name}")
  endforeach()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_OUTPUT}")
  set(obj_dir "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.wasm.dir")
  file(MAKE_DIRECTORY "${obj_dir}")

  # One compile per source, each with a depfile so edits to included headers rebuild it.
  set(objects)
  set(index 0)
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(src "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(base "${src}" NAME)
    # The index keeps a.c from two folders apart.
    set(obj "${obj_dir}/${index}_${base}.o")
    math(EXPR index "${index} + 1")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${driver}" ${triple} -O2 ${lang_flags} ${include_flags} ${ARG_FLAGS}
              -MD -MF "${obj}.d" -c "${src}" -o "${obj}"
      DEPENDS "${src}" ${ARG_DEPENDS}
      DEPFILE "${obj}.d"
      COMMENT "Compiling wasm32 object ${base} for ${target}"
      VERBATIM COMMAND_EXPAND_LISTS)
    list(APPEND objects "${obj}")
  endforeach()

  # Link without -O (see header); -fno-exceptions also matters here for the libc++ driver.
  add_custom_command(
    OUTPUT "${out}"
    COMMAND "${driver}" ${triple} ${lang_flags} ${mode_link_flags} ${export_flags}
            ${ARG_LINK_FLAGS} ${objects} -o "${out}"
    DEPENDS ${objects}
    COMMENT "Linking wasm module ${ARG_OUTPUT}"
    VERBATIM COMMAND_EXPAND_LISTS)

  add_custom_target(${target} ALL DEPENDS "${out}")
  _hm_publish_wasm(${target} "${out}")
  set(${target}_PATH "${out}" PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------------------------------------
function(hm_add_rust_wasm_module target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT;SOURCE;TARGET_TRIPLE" "FLAGS;DEPENDS")
  if(NOT ARG_OUTPUT OR NOT ARG_SOURCE)
    message(FATAL_ERROR "hm_add_rust_wasm_module(${target}): OUTPUT and SOURCE are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hm_add_rust_wasm_module(${target}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_TARGET_TRIPLE)
    set(ARG_TARGET_TRIPLE wasm32-unknown-unknown)
  endif()
  if(NOT HM_RUST_WASM_AVAILABLE)
    message(STATUS "Hail Mary: skipping Rust wasm guest ${target} (no ${HM_RUSTC} with wasm32 std)")
    return()
  endif()
  if(NOT EXISTS "/usr/lib/rustlib/${ARG_TARGET_TRIPLE}/lib")
    message(STATUS "Hail Mary: skipping Rust wasm guest ${target} (no std for ${ARG_TARGET_TRIPLE})")
    return()
  endif()

  get_filename_component(src "${ARG_SOURCE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_OUTPUT}")
  set(dep "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.rs.d")
  # The flags of the seed's own build (TOOLCHAIN.md); strip=debuginfo keeps the name section.
  # --emit dep-info lists the modules lib.rs pulls in, so editing them rebuilds the guest.
  add_custom_command(
    OUTPUT "${out}"
    COMMAND "${CMAKE_COMMAND}" -E env --unset=RUSTUP_TOOLCHAIN --unset=CARGO
            "${HM_RUSTC}" --edition 2018 --crate-type cdylib --target ${ARG_TARGET_TRIPLE}
            -C opt-level=z -C lto -C panic=abort -C codegen-units=1 -C strip=debuginfo
            ${ARG_FLAGS} --emit "link=${out},dep-info=${dep}" "${src}"
    # rustc 1.63 names the depfile's target after the crate (lib.wasm), not the link path, and
    # adds rules for the .d itself, which Ninja rejects. Keep line 1 (all sources, one line),
    # retargeted at our output.
    COMMAND sed -i -e "1s|^[^:]*:|${out}:|" -e "1!d" "${dep}"
    DEPENDS "${src}" ${ARG_DEPENDS}
    DEPFILE "${dep}"
    COMMENT "Compiling Rust wasm module ${ARG_OUTPUT}"
    VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(${target} ALL DEPENDS "${out}")
  _hm_publish_wasm(${target} "${out}")
  set(${target}_PATH "${out}" PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------------------------------------
function(hm_target_use_wasm consumer wasm_target)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "DEFINE" "")
  if(NOT TARGET ${wasm_target})
    return()  # toolchain missing: the consumer sees no macro and skips its wasm tests
  endif()
  if(NOT ARG_DEFINE)
    string(TOUPPER "${wasm_target}" upper)
    string(MAKE_C_IDENTIFIER "${upper}" upper)
    set(ARG_DEFINE "HM_WASM_${upper}")
  endif()
  get_target_property(path ${wasm_target} HM_WASM_FILE)
  add_dependencies(${consumer} ${wasm_target})
  target_compile_definitions(${consumer} PRIVATE ${ARG_DEFINE}="${path}")
endfunction()
