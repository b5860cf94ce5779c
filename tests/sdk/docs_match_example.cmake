# cmake -DDOC=docs/plugins.md -DEXAMPLE=sdk/examples/hello [-DFILES=a;b] -P docs_match_example.cmake
# The tutorial quotes the example's files verbatim: a reader who copies the
# doc gets exactly what the test suite builds. FILES (default: hello's)
# lists the files, relative to EXAMPLE.
if(NOT DEFINED FILES)
  set(FILES CMakeLists.txt src/hello.cpp tests/hello_test.cpp)
endif()
file(READ ${DOC} doc)
foreach(file ${FILES})
  file(READ ${EXAMPLE}/${file} content)
  string(FIND "${doc}" "${content}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${DOC} does not quote ${EXAMPLE}/${file} verbatim; "
                        "copy the file into the doc's code block again")
  endif()
endforeach()
message(STATUS "${DOC} quotes ${EXAMPLE} verbatim")
