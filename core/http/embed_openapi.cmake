# Writes OUT: a .cpp defining herald::http::openApiDocument() with the text of
# IN (docs/openapi.json) as a raw string literal.
file(READ ${IN} text)
string(FIND "${text}" ")openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )openapi\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from docs/openapi.json; do not edit.\n#include \"http/openapi_document.hpp\"\n\nnamespace herald::http {\n\nstd::string_view openApiDocument() {\n  static constexpr std::string_view kText = R\"openapi(${text})openapi\";\n  return kText;\n}\n\n}  // namespace herald::http\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
