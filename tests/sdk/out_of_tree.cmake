# The out-of-tree promise, end to end (run by ctest as sdk.out_of_tree_example
# for sdk/examples/hello and sdk.postbird_example for sdk/examples/postbird):
#  1. install the SDK component of this build tree into a fresh prefix;
#  2. configure and build the example against that prefix alone;
#  3. run the example's own unit test (which uses the installed testing.hpp);
#  4. check the plugin binary (one export, no executable stack);
#  5. `herald plugins --json --plugin-dir <example build>` lists its step type;
#  6. with -DSERVE_TEST=<script.py>: run it with /usr/bin/python3 as
#     `script.py <herald> <example build> <HARNESS_DIR>` (the plugin in the
#     real `herald serve`).
# -DPLUGIN (default hello) and -DSTEP_TYPE (default hello.greet) name what
# the example builds; its version must be 1.0.0.
foreach(var BUILD_DIR EXAMPLE WORK_DIR GENERATOR CXX_COMPILER CTEST HERALD)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "out_of_tree.cmake needs -D${var}=...")
  endif()
endforeach()
if(NOT DEFINED PLUGIN)
  set(PLUGIN hello)
endif()
if(NOT DEFINED STEP_TYPE)
  set(STEP_TYPE hello.greet)
endif()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/${PLUGIN}-build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run("installing the SDK" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component sdk)
foreach(file include/herald/abi.h include/herald/sdk.hpp include/herald/testing.hpp)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the SDK install lacks ${file}")
  endif()
endforeach()
file(GLOB_RECURSE config ${prefix}/*/HeraldSDKConfig.cmake)
if(NOT config)
  message(FATAL_ERROR "the SDK install lacks HeraldSDKConfig.cmake")
endif()

set(configure ${CMAKE_COMMAND} -S ${EXAMPLE} -B ${build} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_PREFIX_PATH=${prefix})
if(MAKE_PROGRAM)
  list(APPEND configure -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
run("configuring the ${PLUGIN} example against the installed SDK" ${configure})
file(STRINGS ${build}/CMakeCache.txt sdk_dir REGEX "^HeraldSDK_DIR:")
if(NOT sdk_dir MATCHES "${prefix}")
  message(FATAL_ERROR "the example found the SDK elsewhere: ${sdk_dir}")
endif()
run("building the ${PLUGIN} example" ${CMAKE_COMMAND} --build ${build})
run("running the ${PLUGIN} example's unit test" ${CTEST} --test-dir ${build} --output-on-failure)

set(plugin ${build}/${PLUGIN}.so)
if(NOT EXISTS ${plugin})
  message(FATAL_ERROR "herald_add_plugin() did not produce ${plugin}")
endif()
if(NM AND READELF)
  run("checking the plugin binary" ${CMAKE_COMMAND} -DPLUGIN=${plugin} -DNM=${NM}
      -DREADELF=${READELF} -P ${CMAKE_CURRENT_LIST_DIR}/check_plugin_binary.cmake)
endif()

run("herald plugins --json" ${HERALD} plugins --json --plugin-dir ${build})
set(json "${last_output}")
string(JSON count ERROR_VARIABLE error LENGTH "${json}" plugins)
if(error)
  message(FATAL_ERROR "herald plugins --json printed no plugins array (${error}):\n${json}")
endif()
set(found FALSE)
if(count GREATER 0)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${json}" plugins ${i} name)
    if(name STREQUAL "${PLUGIN}")
      set(found TRUE)
      string(JSON abi GET "${json}" plugins ${i} abi)
      string(JSON version GET "${json}" plugins ${i} version)
      string(JSON path GET "${json}" plugins ${i} path)
      string(JSON types GET "${json}" plugins ${i} step_types)
      # The ABI the installed headers declare (the example is built against them).
      file(STRINGS ${prefix}/include/herald/abi.h abi_lines REGEX "#define HERALD_ABI_M(AJ|IN)OR ")
      string(REGEX REPLACE ".*HERALD_ABI_MAJOR ([0-9]+).*" "\\1" abi_major "${abi_lines}")
      string(REGEX REPLACE ".*HERALD_ABI_MINOR ([0-9]+).*" "\\1" abi_minor "${abi_lines}")
      if(NOT abi STREQUAL "${abi_major}.${abi_minor}")
        message(FATAL_ERROR
                "${PLUGIN} is listed with ABI '${abi}', expected ${abi_major}.${abi_minor}:\n${json}")
      endif()
      if(NOT version STREQUAL "1.0.0")
        message(FATAL_ERROR "${PLUGIN} is listed with version '${version}', expected 1.0.0")
      endif()
      file(REAL_PATH "${path}" real_path)
      file(REAL_PATH "${plugin}" real_plugin)
      if(NOT real_path STREQUAL real_plugin)
        message(FATAL_ERROR "${PLUGIN} is listed at '${path}', expected ${plugin}")
      endif()
      string(FIND "${types}" "\"${STEP_TYPE}\"" at)
      if(at EQUAL -1)
        message(FATAL_ERROR "${PLUGIN} does not list step type ${STEP_TYPE}: ${types}")
      endif()
    endif()
  endforeach()
endif()
if(NOT found)
  message(FATAL_ERROR "herald plugins --json does not list plugin ${PLUGIN}:\n${json}")
endif()
string(JSON refused_count ERROR_VARIABLE error LENGTH "${json}" refused)
if(NOT error AND refused_count GREATER 0)
  string(JSON refused GET "${json}" refused)
  string(FIND "${refused}" "${PLUGIN}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "herald refused the ${PLUGIN} plugin: ${refused}")
  endif()
endif()
message(STATUS "${PLUGIN} built against the installed SDK and loaded by herald")

if(SERVE_TEST)
  run("${SERVE_TEST} (${PLUGIN} in herald serve)" /usr/bin/python3 ${SERVE_TEST} ${HERALD} ${build}
      ${HARNESS_DIR})
endif()
