# cmake -DPLUGIN=file.so -DNM=nm -DREADELF=readelf -P check_plugin_binary.cmake
# A plugin must export herald_plugin_entry and nothing else (so plugins never
# bind to each other's symbols) and must not ask for an executable stack
# (the hardened unit's MemoryDenyWriteExecute would make dlopen fail).
execute_process(COMMAND ${NM} -D --defined-only ${PLUGIN}
                OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${PLUGIN}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${symbols}")
set(exported "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
  list(APPEND exported ${name})
endforeach()
if(NOT exported STREQUAL "herald_plugin_entry")
  message(FATAL_ERROR "${PLUGIN} exports [${exported}]; expected only herald_plugin_entry")
endif()

execute_process(COMMAND ${READELF} -lW ${PLUGIN} OUTPUT_VARIABLE headers RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf failed on ${PLUGIN}")
endif()
if(NOT headers MATCHES "GNU_STACK[^\n]* RW ")
  string(REGEX MATCH "GNU_STACK[^\n]*" stack "${headers}")
  message(FATAL_ERROR "${PLUGIN} does not have a non-executable stack: '${stack}'")
endif()
message(STATUS "${PLUGIN}: exports only herald_plugin_entry, non-executable stack")
