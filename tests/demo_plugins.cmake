# cmake -DPLUGINS_DIR=... -DDEMO_DEPENDS=a|b -P demo_plugins.cmake: fails
# naming each plugin folder (plugins/NAME/, target NAME, built with
# herald_add_plugin) the demo does not build.
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST) in a -P script
string(REPLACE "|" ";" DEMO_DEPENDS "${DEMO_DEPENDS}")
file(GLOB folders LIST_DIRECTORIES true "${PLUGINS_DIR}/*")
set(missing "")
foreach(folder IN LISTS folders)
  if(IS_DIRECTORY "${folder}" AND EXISTS "${folder}/CMakeLists.txt")
    # A folder that builds no plugin (plugins/provider_http, a library the
    # provider plugins share) is not shipped on its own.
    file(READ "${folder}/CMakeLists.txt" folder_cmake)
    if(NOT folder_cmake MATCHES "herald_add_plugin\\(")
      continue()
    endif()
    get_filename_component(name "${folder}" NAME)
    if(NOT name IN_LIST DEMO_DEPENDS)
      list(APPEND missing "${name}")
    endif()
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "the demo target does not build the shipped plugin(s) ${missing}: the "
                      "shipped workflows need them (list them in plugins/CMakeLists.txt)")
endif()
message(STATUS "the demo builds every shipped plugin: ${DEMO_DEPENDS}")
