# herald_warnings(TARGET): the project's warning set, errors when HERALD_WERROR.
# -Wnull-dereference is left out: GCC 12 reports false positives inside libstdc++ at -O2/-O3.
function(herald_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wcast-align
    -Wunused -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    "$<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor;-Wold-style-cast;-Woverloaded-virtual>")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow-based diagnostics report false positives inside libstdc++
    # at -O2/-O3 (GCC bugs 105329, 106199, 105651): keep them from failing builds.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow
      -Wno-array-bounds -Wno-maybe-uninitialized)
  endif()
  if(HERALD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
