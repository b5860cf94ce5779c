#include "net/transport_error.hpp"

#include <utility>

namespace herald::net {

bool isRetryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:     // refused or unreachable: the server may be restarting
    case CURLE_OPERATION_TIMEDOUT:  // slow now, maybe not later
    case CURLE_SEND_ERROR:          // reset while sending
    case CURLE_RECV_ERROR:          // reset while receiving
    case CURLE_GOT_NOTHING:         // closed without a byte of answer
    case CURLE_PARTIAL_FILE:        // closed before the announced body ended
    case CURLE_SSL_CONNECT_ERROR:   // its commonest cause is a reset during the handshake
    case CURLE_HTTP2:               // the connection failed under the stream
    case CURLE_HTTP2_STREAM:        // the server reset the stream
    case CURLE_AGAIN:
    // Name resolution: curl does not tell a temporary failure (EAI_AGAIN,
    // resolver down) from "no such host". A misspelt host is a config error
    // the plugin's own checks should catch; an outage of the resolver is
    // common and passes, so both count as retryable and the engine's bounded
    // retries cap what a permanent one costs.
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return true;
    default:
      // URL_MALFORMAT, UNSUPPORTED_PROTOCOL, PEER_FAILED_VERIFICATION,
      // SSL_CACERT_BADFILE, FILESIZE_EXCEEDED, WRITE_ERROR (our size limit),
      // and whatever curl adds later: a retry would fail the same way.
      return false;
  }
}

HttpResult transportError(std::string message, bool retryable) {
  HttpResult result;
  result.transport_error = true;
  result.retryable = retryable;
  result.error = std::move(message);
  return result;
}

}  // namespace herald::net
