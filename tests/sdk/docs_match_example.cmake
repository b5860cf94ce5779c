# cmake -DDOC=docs/plugins.md -DEXAMPLE=sdk/examples/hello -P docs_match_example.cmake
# The tutorial quotes the example's files verbatim: a reader who copies the
# doc gets exactly what the test suite builds.
file(READ ${DOC} doc)
foreach(file CMakeLists.txt src/hello.cpp tests/hello_test.cpp)
  file(READ ${EXAMPLE}/${file} content)
  string(FIND "${doc}" "${content}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${DOC} does not quote ${EXAMPLE}/${file} verbatim; "
                        "copy the file into the doc's code block again")
  endif()
endforeach()
message(STATUS "docs/plugins.md quotes the hello example verbatim")
