# cmake -DPLUGINS_DIR=... -DDEMO_DEPENDS=a|b -P demo_plugins.cmake: fails
# naming each plugin folder (plugins/NAME/, target NAME) the demo does not build.
# A folder whose CMakeLists.txt makes no plugin (herald_add_plugin) is a
# library the plugins share (email_mime, provider_http), not a plugin.
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST) in a -P script
string(REPLACE "|" ";" DEMO_DEPENDS "${DEMO_DEPENDS}")
file(GLOB folders LIST_DIRECTORIES true "${PLUGINS_DIR}/*")
set(missing "")
foreach(folder IN LISTS folders)
  if(IS_DIRECTORY "${folder}" AND EXISTS "${folder}/CMakeLists.txt")
    get_filename_component(name "${folder}" NAME)
    file(READ "${folder}/CMakeLists.txt" lists)
    string(FIND "${lists}" "herald_add_plugin(" makes_plugin)
    if(makes_plugin GREATER -1 AND NOT name IN_LIST DEMO_DEPENDS)
      list(APPEND missing "${name}")
    endif()
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "the demo target does not build the shipped plugin(s) ${missing}: the "
                      "shipped workflows need them (list them in plugins/CMakeLists.txt)")
endif()
message(STATUS "the demo builds every shipped plugin: ${DEMO_DEPENDS}")
