# herald_test_directory(): call first in a folder that builds tests.
# Release builds compile test code at -Og instead of -O3: the code under test
# (core, plugins, SDK) keeps the release optimisation, while the test bodies
# (gtest macros, lambdas) compile about twice as fast. CI builds the suite on
# two cores; see docs/PERFORMANCE.md "Build time".
macro(herald_test_directory)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options("$<$<CONFIG:Release>:-Og>")
  endif()
endmacro()
