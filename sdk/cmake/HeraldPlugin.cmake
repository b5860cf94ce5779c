# herald_add_plugin(NAME SOURCES src...
#                   [LINK_LIBRARIES lib...]
#                   [OUTPUT_DIRECTORY dir] [INSTALL_DESTINATION dir] [COMPONENT comp]
#                   [NO_INSTALL])
#
# Builds a Herald plugin: a MODULE library named NAME.so (no `lib` prefix) that
# links Herald::SDK, hides every symbol but herald_plugin_entry (hidden
# visibility plus a linker version script), asks for a non-executable stack
# (the hardened service unit refuses executable stacks) and installs into
# lib/herald/plugins, where the herald binary looks for plugins.
#
# Output directory: OUTPUT_DIRECTORY, else ${HERALD_PLUGIN_OUTPUT_DIR} when
# defined (the Herald tree sets it to <build>/lib/herald/plugins so the
# freshly built binary finds its plugins), else the current binary dir.
# Used unchanged by in-tree plugins and by out-of-tree plugins through
# find_package(HeraldSDK).
include_guard(GLOBAL)

# A global property, not a variable: herald_add_plugin() is called from
# directories that do not see this file's variables (sibling folders in-tree).
set_property(GLOBAL PROPERTY HERALD_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(HERALD_PLUGIN_INSTALL_DIR "lib/herald/plugins"
    CACHE STRING "Where herald_add_plugin() installs plugins, relative to the install prefix")

function(herald_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL"
                        "OUTPUT_DIRECTORY;INSTALL_DESTINATION;COMPONENT" "SOURCES;LINK_LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "herald_add_plugin(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "herald_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT TARGET Herald::SDK)
    message(FATAL_ERROR "herald_add_plugin(${name}): Herald::SDK is not defined; "
                        "call find_package(HeraldSDK REQUIRED) first")
  endif()

  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE Herald::SDK ${arg_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  target_compile_features(${name} PRIVATE cxx_std_20)

  if(NOT APPLE AND NOT WIN32)
    get_property(cmake_dir GLOBAL PROPERTY HERALD_PLUGIN_CMAKE_DIR)
    set(map ${cmake_dir}/herald_plugin.map)
    target_link_options(${name} PRIVATE
      "LINKER:-z,noexecstack"
      "LINKER:--exclude-libs,ALL"
      "LINKER:--version-script=${map}")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${map})
  endif()

  if(arg_OUTPUT_DIRECTORY)
    set(out ${arg_OUTPUT_DIRECTORY})
  elseif(DEFINED HERALD_PLUGIN_OUTPUT_DIR)
    set(out ${HERALD_PLUGIN_OUTPUT_DIR})
  endif()
  if(DEFINED out)
    # The generator expression keeps multi-config generators from appending
    # a per-configuration subdirectory.
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "$<1:${out}>")
  endif()

  if(NOT arg_NO_INSTALL)
    if(arg_INSTALL_DESTINATION)
      set(dest ${arg_INSTALL_DESTINATION})
    else()
      set(dest ${HERALD_PLUGIN_INSTALL_DIR})
    endif()
    if(arg_COMPONENT)
      install(TARGETS ${name} LIBRARY DESTINATION ${dest} COMPONENT ${arg_COMPONENT})
    else()
      install(TARGETS ${name} LIBRARY DESTINATION ${dest})
    endif()
  endif()
endfunction()
