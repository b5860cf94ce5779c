#pragma once
// Which libcurl failures a plugin may retry, and the HttpResult that reports
// a transport error (no answer from the server).
#include <curl/curl.h>

#include <string>

#include "net/http_client.hpp"

namespace herald::net {

// True for failures a later attempt may cure: the server or the network was
// briefly unreachable, slow or dropped the connection. False for what the
// same request will hit again: a bad URL, a scheme other than http/https,
// a certificate that does not verify, a response over the size limit.
bool isRetryable(CURLcode code);

HttpResult transportError(std::string message, bool retryable);

}  // namespace herald::net
