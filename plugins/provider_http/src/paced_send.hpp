#pragma once
// Sends one provider request at the pace the operator set: asks the host's
// rate limiter for a permit under each key in turn ("provider:<account>",
// then "domain:<recipient domain>", rates from `rate_limits:` in the
// plugin's herald.yaml section), then hands the request to the host's HTTP
// service (pooled keep-alive connections, its own cap on requests in
// flight). A key no rate covers is granted at once; a host without permits
// (older than ABI 1.3) sends at once.
#include <herald/sdk.hpp>
#include <string>
#include <vector>

namespace herald::provider {

// `done` is called exactly once, on the loop; with a retryable transport
// error when the host refused the request.
void pacedSend(const herald::PluginContext& plugin, std::vector<std::string> permit_keys,
               herald::HttpRequest request, herald::Http::Callback done);

}  // namespace herald::provider
