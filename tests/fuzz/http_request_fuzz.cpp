// libFuzzer target for what the HTTP listeners read from the network: the
// request parser with the listeners' limits, fed in small chunks as a slow or
// hostile client would send them, and the event body decoder (JSON with the
// nesting limit, then POST /api/v1/events' field checks).
//
// The first byte chooses the chunk size (1..64 bytes); the rest is the
// request. A complete request's body goes through parseJsonBody and
// decodeEventBody; so does the whole input, so the decoder is fuzzed even
// when the bytes are no HTTP. Besides the sanitizers, the target checks the
// promises: every refused event names its field by a JSON pointer ("" or
// "/..."), and an accepted one has a type.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/event_body.hpp"
#include "http/json_body.hpp"

namespace {

namespace bhttp = boost::beast::http;

void decodeEvents(std::string_view body) {
  auto json = herald::http::parseJsonBody(body);
  if (!json.value) {
    if (json.error.empty()) std::abort();
    return;
  }
  const auto events = herald::http::decodeEventBody(*json.value, 0, 100);
  for (const auto& e : events.errors) {
    if (!e.pointer.empty() && e.pointer[0] != '/') std::abort();
    if (e.detail.empty()) std::abort();
  }
  if (events.errors.empty()) {
    for (const auto& e : events.events) {
      if (e.type.empty()) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(4096);
  parser.body_limit(65536);
  boost::beast::error_code ec;
  std::string pending;  // bytes the parser has not consumed yet
  size_t pos = 0;
  while (!parser.is_done()) {
    if (pos < input.size()) {
      const size_t n = std::min(chunk, input.size() - pos);
      pending.append(input.substr(pos, n));
      pos += n;
    } else {
      // As Beast's read does: end of stream before any byte is no request
      // (put_eof asserts got_some()).
      if (parser.got_some()) parser.put_eof(ec);
      break;
    }
    const size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
    if (ec == bhttp::error::need_more) ec = {};
    if (ec) break;
    pending.erase(0, used);
  }
  if (!ec && parser.is_done()) decodeEvents(parser.get().body());
  decodeEvents(input);
  return 0;
}
