// Which curl failures a plugin may retry (docs/ARCHITECTURE.md, core/net).
#include "net/transport_error.hpp"

#include <gtest/gtest.h>

namespace herald::net {
namespace {

TEST(TransportError, NetworkTroubleIsRetryable) {
  for (CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
                        CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                        CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CONNECT_ERROR}) {
    EXPECT_TRUE(isRetryable(code)) << curl_easy_strerror(code);
  }
}

TEST(TransportError, WhatTheSameRequestHitsAgainIsNot) {
  for (CURLcode code : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
                        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
                        CURLE_FILESIZE_EXCEEDED, CURLE_WRITE_ERROR, CURLE_OUT_OF_MEMORY}) {
    EXPECT_FALSE(isRetryable(code)) << curl_easy_strerror(code);
  }
}

TEST(TransportError, CarriesNoStatus) {
  const HttpResult result = transportError("cancelled", false);
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.error, "cancelled");
}

}  // namespace
}  // namespace herald::net
