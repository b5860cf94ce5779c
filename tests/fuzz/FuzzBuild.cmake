# Included by the top-level CMakeLists.txt when HERALD_FUZZ is ON (the `fuzz`
# preset): builds only the template library, what it and the other fuzz
# targets need, and the fuzzers (tests/fuzz), all instrumented for
# libFuzzer, AddressSanitizer and UBSan.
# The rest of the tree (plugins, the daemon, tests, benchmarks) is skipped so
# the build stays small and fast.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "HERALD_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                      "use `cmake --preset fuzz` (Debian packages clang and libclang-rt-14-dev)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
find_package(date REQUIRED)
# What herald_template links (core/CMakeLists.txt order): keep in step with
# core/template/CMakeLists.txt.
# herald_util uses the SDK's header-only config validator
# (herald/config_schema.hpp): the SDK's headers, without its install rules.
add_library(herald_sdk INTERFACE)
target_include_directories(herald_sdk INTERFACE ${PROJECT_SOURCE_DIR}/sdk/include)
add_subdirectory(core/util)
add_subdirectory(core/template)
enable_testing()
add_subdirectory(tests/fuzz)
