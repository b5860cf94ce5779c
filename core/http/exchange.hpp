#pragma once
// What a route handler sees and answers: one request, its path parameters,
// and the callback that sends the answer (once; possibly later, from the
// io_context thread, e.g. after ingestion's group commit).
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace herald::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Respond = std::function<void(Response)>;

struct Exchange {
  const Request& request;
  std::string path;                           // decoded target path, without the query
  std::map<std::string, std::string> params;  // {name} segments of the route, decoded
  std::map<std::string, std::string> query;   // ?a=b&c=d, decoded
  std::string remote;                         // the peer's IP address ("" when unknown)
};

// Beast (Boost 1.74) hands out boost::string_view.
inline std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

// A response with `body` and its content type, keep-alive as the request.
Response makeResponse(const Request& req, bhttp::status status, std::string content_type,
                      std::string body);
Response jsonResponse(const Request& req, bhttp::status status, const nlohmann::json& body);

// %XX and '+' (query only) decoding; nullopt for a malformed escape.
std::optional<std::string> percentDecode(std::string_view in, bool plus_is_space);

}  // namespace herald::http
