// The SMTP client against a real server: aiosmtpd (tests/unit/net/
// smtp_test_server.py) on loopback, with STARTTLS, implicit TLS and AUTH.
#include "net/smtp_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "test_smtp_server.hpp"

namespace herald::net {
namespace {

using namespace std::chrono_literals;
using testing::TestSmtpServer;
using testing::TestSmtpSink;

constexpr const char* kPassword = "s3cret-Pa55word";

SmtpServer loopbackServer(std::uint16_t port, SmtpTls tls = SmtpTls::kNone) {
  SmtpServer config;
  config.host = "127.0.0.1";
  config.port = port;
  config.tls = tls;
  return config;
}

SmtpServer localServer(const TestSmtpServer& server, SmtpTls tls = SmtpTls::kNone) {
  return loopbackServer(server.port(), tls);
}

SmtpMessage message(std::vector<std::string> recipients,
                    std::string data = "Subject: hi\n\nhello\n") {
  return SmtpMessage{"sender@herald.test", std::move(recipients), std::move(data)};
}

// Runs the loop until every callback came, then a little longer so a second
// call of any callback would be seen.
class SmtpClientTest : public ::testing::Test {
 protected:
  std::vector<SmtpResult> sendAll(SmtpClient& client, const SmtpServer& server,
                                  std::vector<SmtpMessage> messages) {
    std::vector<std::optional<SmtpResult>> results(messages.size());
    std::vector<int> calls(messages.size(), 0);
    for (std::size_t i = 0; i < messages.size(); ++i) {
      client.send(server, std::move(messages[i]), [&, i](SmtpResult&& result) {
        ++calls[i];
        results[i] = std::move(result);
      });
    }
    loop.restart();  // a loop that ran out of work stays stopped until restarted
    auto done = [&] {
      for (int c : calls) {
        if (c == 0) return false;
      }
      return true;
    };
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!done() && std::chrono::steady_clock::now() < deadline) loop.run_one_for(100ms);
    loop.run_for(50ms);
    std::vector<SmtpResult> out;
    for (std::size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(calls[i], 1) << "callback " << i << " must be called exactly once";
      out.push_back(results[i].value_or(SmtpResult{}));
    }
    return out;
  }

  SmtpResult sendOne(SmtpClient& client, const SmtpServer& server, SmtpMessage one) {
    std::vector<SmtpMessage> messages;
    messages.push_back(std::move(one));
    return sendAll(client, server, std::move(messages)).front();
  }

  boost::asio::io_context loop;
};

void expectDelivered(const SmtpResult& result) {
  EXPECT_FALSE(result.transport_error) << result.error;
  ASSERT_TRUE(result.data.has_value()) << result.error;
  EXPECT_EQ(result.data->code, 250) << result.data->text;
}

// The recipient tests run with the server announcing PIPELINING and without.
class SmtpRecipientsTest : public SmtpClientTest, public ::testing::WithParamInterface<bool> {
 protected:
  std::vector<std::string> serverOptions() const {
    return GetParam() ? std::vector<std::string>{"--pipelining"} : std::vector<std::string>{};
  }
};
INSTANTIATE_TEST_SUITE_P(PipeliningOrNot, SmtpRecipientsTest, ::testing::Bool());

TEST_P(SmtpRecipientsTest, ThreeRecipientsOneRefusedGetTheirOwnRepliesAndTheMessageIsSent) {
  TestSmtpServer server(serverOptions());
  SmtpClient client(loop);
  const SmtpResult result =
      sendOne(client, localServer(server),
              message({"ann@example.test", "reject-bob@example.test", "cleo@example.test"}));

  expectDelivered(result);
  EXPECT_EQ(result.data->enhanced, "2.0.0");
  EXPECT_EQ(result.data->text, "Ok: queued as 1");
  ASSERT_TRUE(result.mail_from.has_value());
  EXPECT_EQ(result.mail_from->code, 250);
  ASSERT_EQ(result.recipients.size(), 3u);
  EXPECT_EQ(result.recipients[0].code, 250);
  EXPECT_EQ(result.recipients[0].enhanced, "2.1.5");
  EXPECT_EQ(result.recipients[1].code, 550);
  EXPECT_EQ(result.recipients[1].enhanced, "5.1.1");
  EXPECT_EQ(result.recipients[1].text,
            "<reject-bob@example.test>: Recipient address rejected: no such user");
  EXPECT_EQ(result.recipients[2].code, 250);

  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope["mail_from"], "sender@herald.test");
  EXPECT_EQ(received[0].envelope["rcpt_tos"],
            nlohmann::json::array({"ann@example.test", "cleo@example.test"}));
}

TEST_P(SmtpRecipientsTest, AllRecipientsRefusedSendsNoDataAndTheSessionIsResetForTheNext) {
  TestSmtpServer server(serverOptions());
  SmtpClient client(loop);
  // One after the other, so the second message takes the same session.
  std::vector<SmtpResult> results;
  results.push_back(sendOne(client, localServer(server),
                            message({"reject-a@example.test", "defer-b@example.test"})));
  results.push_back(sendOne(client, localServer(server), message({"ann@example.test"})));
  EXPECT_FALSE(results[0].transport_error) << results[0].error;
  EXPECT_FALSE(results[0].data.has_value());
  ASSERT_EQ(results[0].recipients.size(), 2u);
  EXPECT_EQ(results[0].recipients[0].code, 550);
  EXPECT_EQ(results[0].recipients[1].code, 451);
  EXPECT_EQ(results[0].recipients[1].enhanced, "4.7.1");
  expectDelivered(results[1]);
  EXPECT_EQ(client.sessionsOpened(), 1u);
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].envelope["rcpt_tos"], nlohmann::json::array({"ann@example.test"}));
}

TEST_P(SmtpRecipientsTest, FiftyMessagesReuseAtMostMaxSessions) {
  TestSmtpServer server(serverOptions());
  SmtpClientOptions options;
  options.max_sessions_per_server = 3;
  SmtpClient client(loop, options);
  std::vector<SmtpMessage> messages;
  for (int i = 0; i < 50; ++i) {
    messages.push_back(message({"r" + std::to_string(i) + "@example.test"}));
  }
  for (const SmtpResult& result : sendAll(client, localServer(server), std::move(messages))) {
    expectDelivered(result);
  }
  EXPECT_LE(client.sessionsOpened(), 3u);
  EXPECT_EQ(server.received().size(), 50u);
}

TEST_F(SmtpClientTest, ASessionIsReopenedAfterMaxMessagesPerSession) {
  TestSmtpServer server({});
  SmtpClientOptions options;
  options.max_sessions_per_server = 1;
  options.max_messages_per_session = 3;
  SmtpClient client(loop, options);
  std::vector<SmtpMessage> messages;
  for (int i = 0; i < 7; ++i) messages.push_back(message({"ann@example.test"}));
  for (const SmtpResult& result : sendAll(client, localServer(server), std::move(messages))) {
    expectDelivered(result);
  }
  EXPECT_EQ(client.sessionsOpened(), 3u);
  EXPECT_EQ(server.quits(), 2u);  // the third session is still open
}

TEST_F(SmtpClientTest, AnIdleSessionIsQuitAfterTheIdleTimeout) {
  TestSmtpServer server({});
  SmtpClientOptions options;
  options.idle_timeout = 200ms;
  SmtpClient client(loop, options);
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
  EXPECT_EQ(server.quits(), 0u);
  loop.restart();
  loop.run_for(5s);  // returns early: when the session has quit, the loop has no work left
  EXPECT_EQ(server.quits(), 1u);
  EXPECT_TRUE(loop.stopped());  // nothing of the client is left waiting
  expectDelivered(sendOne(client, localServer(server), message({"bob@example.test"})));
  EXPECT_EQ(client.sessionsOpened(), 2u);
}

TEST_F(SmtpClientTest, WorkThatArrivesWhileTheOnlySessionQuitsIsServed) {
  TestSmtpServer server({"--quit-delay", "0.5"});
  SmtpClientOptions options;
  options.max_sessions_per_server = 1;
  options.idle_timeout = 100ms;
  SmtpClient client(loop, options);
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
  loop.run_for(300ms);  // idle too long: QUIT is sent, its answer takes 500 ms
  expectDelivered(sendOne(client, localServer(server), message({"bob@example.test"})));
  EXPECT_EQ(client.sessionsOpened(), 2u);
}

TEST_F(SmtpClientTest, DestroyingTheClientQuitsIdleSessionsAndCallsNoPendingCallback) {
  TestSmtpServer server({});
  int late_calls = 0;
  {
    SmtpClientOptions options;
    options.max_sessions_per_server = 1;
    SmtpClient client(loop, options);
    expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
    client.send(localServer(server), message({"bob@example.test"}),
                [&](SmtpResult&&) { ++late_calls; });
  }
  loop.restart();
  loop.run_for(5s);  // returns when the worker has quit and ended
  EXPECT_TRUE(loop.stopped());
  EXPECT_EQ(late_calls, 0);
  EXPECT_EQ(server.quits(), 1u);
  EXPECT_EQ(server.received().size(), 1u);
}

TEST_F(SmtpClientTest, StartTlsWithTheServersCertificateAsCaFile) {
  TestSmtpServer server({"--tls", "starttls"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));

  config.host = "localhost";  // by name: SNI and the DNS name in the certificate
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));
  EXPECT_EQ(server.received().size(), 2u);
}

TEST_F(SmtpClientTest, StartTlsRefusesASelfSignedCertificateByDefault) {
  TestSmtpServer server({"--tls", "starttls"});
  SmtpClient client(loop);
  const SmtpResult result =
      sendOne(client, localServer(server, SmtpTls::kStartTls), message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_NE(result.error.find("TLS certificate verification failed for 127.0.0.1:" +
                              std::to_string(server.port()) + ": self-signed certificate"),
            std::string::npos)
      << result.error;
  EXPECT_NE(result.error.find("set ca_file"), std::string::npos) << result.error;
  EXPECT_TRUE(server.received().empty());
}

TEST_F(SmtpClientTest, StartTlsRefusesACertificateForAnotherHost) {
  TestSmtpServer server({"--tls", "starttls", "--cert-names", "DNS:mail.other.test"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error,
            "TLS certificate verification failed for 127.0.0.1:" + std::to_string(server.port()) +
                ": the certificate does not name 127.0.0.1");
}

TEST_F(SmtpClientTest, StartTlsRequiredButNotOfferedIsRefused) {
  TestSmtpServer server({});
  SmtpClient client(loop);
  const SmtpResult result =
      sendOne(client, localServer(server, SmtpTls::kStartTls), message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(server.port()) +
                              " does not offer STARTTLS; refusing to continue without TLS (tls: "
                              "starttls). Use tls: implicit for a port-465 server, or tls: none "
                              "only for a trusted relay");
}

TEST_F(SmtpClientTest, ImplicitTls) {
  TestSmtpServer server({"--tls", "implicit"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kImplicit);
  config.ca_file = server.certificate();
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));
}

TEST_F(SmtpClientTest, AuthPlainAfterStartTls) {
  TestSmtpServer server({"--tls", "starttls", "--auth", std::string("herald:") + kPassword});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  config.username = "herald";
  config.password = kPassword;
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));
}

TEST_F(SmtpClientTest, AuthLoginWhenOnlyLoginIsOffered) {
  TestSmtpServer server({"--tls", "starttls", "--auth", std::string("herald:") + kPassword,
                         "--exclude-auth", "PLAIN"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  config.username = "herald";
  config.password = kPassword;
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));
}

TEST_F(SmtpClientTest, AServerWithoutPlainOrLoginIsRefused) {
  TestSmtpServer server({"--tls", "starttls", "--auth", std::string("herald:") + kPassword,
                         "--exclude-auth", "PLAIN,LOGIN"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  config.username = "herald";
  config.password = kPassword;
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error,
            "127.0.0.1:" + std::to_string(server.port()) +
                " offers neither AUTH PLAIN nor AUTH LOGIN (its AUTH mechanisms: none)");
}

TEST_F(SmtpClientTest, AWrongPasswordIsNotRetryableAndNeverQuoted) {
  TestSmtpServer server({"--tls", "starttls", "--auth", std::string("herald:") + kPassword});
  SmtpClient client(loop);
  SmtpServer config = localServer(server, SmtpTls::kStartTls);
  config.ca_file = server.certificate();
  config.username = "herald";
  config.password = "wrong-Pa55word";
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error,
            "authentication as user 'herald' failed at 127.0.0.1:" + std::to_string(server.port()) +
                ": 535 5.7.8 Authentication credentials invalid");
  EXPECT_EQ(result.error.find("wrong-Pa55word"), std::string::npos);
}

TEST_F(SmtpClientTest, AuthWithoutTlsOnlyToALoopbackHost) {
  TestSmtpServer server({"--auth", std::string("herald:") + kPassword, "--auth-without-tls"});
  SmtpClient client(loop);
  SmtpServer config = localServer(server);
  config.username = "herald";
  config.password = kPassword;
  expectDelivered(sendOne(client, config, message({"ann@example.test"})));
}

TEST_F(SmtpClientTest, FourTwentyOneOnConnectIsRetryable) {
  TestSmtpServer server({"--greet-421"});
  SmtpClient client(loop);
  const SmtpResult result = sendOne(client, localServer(server), message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(server.port()) +
                              " refused the session: 421 4.3.2 Service not available, closing "
                              "transmission channel");
}

TEST_F(SmtpClientTest, AnIdleSessionTheServerClosedIsReopenedTransparently) {
  TestSmtpServer server({"--idle-timeout", "0.3"});
  SmtpClient client(loop);
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
  loop.run_for(1500ms);  // the server drops the idle session meanwhile
  expectDelivered(sendOne(client, localServer(server), message({"bob@example.test"})));
  EXPECT_EQ(client.sessionsOpened(), 2u);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST_P(SmtpRecipientsTest, ASessionTheServerEndsWith421IsReopenedTransparently) {
  std::vector<std::string> options = serverOptions();
  options.insert(options.end(), {"--messages-per-session", "1"});
  TestSmtpServer server(options);
  SmtpClient client(loop);
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
  expectDelivered(sendOne(client, localServer(server), message({"bob@example.test"})));
  EXPECT_EQ(client.sessionsOpened(), 2u);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST_P(SmtpRecipientsTest, DotsAreStuffedAndLineEndsBecomeCrlf) {
  TestSmtpServer server(serverOptions());
  SmtpClient client(loop);
  const std::string data = "Subject: dots\n\n.hidden line\n.\n..two\r\nbare cr\rlast line";
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"}, data)));
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].data,
            "Subject: dots\r\n\r\n.hidden line\r\n.\r\n..two\r\nbare cr\r\nlast line\r\n");
}

TEST_F(SmtpClientTest, AKoreanUtf8BodyArrivesIntactAs8BitMime) {
  TestSmtpServer server({});
  SmtpClient client(loop);
  const std::string body = "안녕하세요, 김민준 님!\r\n이번 주 할인 소식을 알려 드립니다.\r\n";
  const std::string data =
      "Subject: =?UTF-8?B?7JWI64WV?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n" +
      body;
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"}, data)));
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].data, data);
  EXPECT_EQ(received[0].envelope["mail_options"], nlohmann::json::array({"BODY=8BITMIME"}));
}

TEST_F(SmtpClientTest, AnEnvelopeWithALineBreakIsRefusedBeforeConnecting) {
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(9);  // nothing is sent
  const SmtpResult result =
      sendOne(client, config, message({"ann@example.test", "bob@example.test\r\nDATA"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error, "recipient 2 is empty or contains a line break or an angle bracket");
  EXPECT_EQ(client.sessionsOpened(), 0u);
}

TEST_F(SmtpClientTest, AMissingOrUnreadableCaFileIsReported) {
  SmtpClient client(loop);
  SmtpServer config = loopbackServer(9, SmtpTls::kStartTls);  // nothing is sent
  config.ca_file = "/nonexistent/herald-ca.pem";
  SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_EQ(result.error, "ca_file /nonexistent/herald-ca.pem is not a file");

  config.ca_file = HERALD_SMTP_TEST_SERVER;  // a file, but no certificate
  result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_EQ(result.error,
            "ca_file " + config.ca_file + " holds no PEM certificate OpenSSL can read");
  EXPECT_EQ(client.sessionsOpened(), 0u);
}

TEST_F(SmtpClientTest, ARefusedConnectionIsRetryable) {
  // A port nobody listens on: bind one, note it, close it.
  boost::asio::ip::tcp::acceptor probe(loop, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(port);
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error,
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_F(SmtpClientTest, AServerThatNeverAnswersTimesOut) {
  // Accepts the connection and says nothing.
  boost::asio::ip::tcp::acceptor silent(loop, {boost::asio::ip::make_address("127.0.0.1"), 0});
  boost::asio::ip::tcp::socket accepted(loop);
  silent.async_accept(accepted, [](const boost::system::error_code&) {});
  SmtpClientOptions options;
  options.command_timeout = 300ms;
  SmtpClient client(loop, options);
  const SmtpServer config = loopbackServer(silent.local_endpoint().port());
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error, "no answer from 127.0.0.1:" + std::to_string(config.port) +
                              " within 300 ms (waiting for the greeting)");
}

// Postfix's smtp-sink: forced answers and drops the aiosmtpd server does not make.

TEST_F(SmtpClientTest, HeloWhenTheServerRefusesEhlo) {
  TestSmtpSink sink({"-f", "EHLO"});
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(sink.port());
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  expectDelivered(result);
  EXPECT_EQ(result.data->enhanced, "");  // no EHLO, so no ENHANCEDSTATUSCODES
}

TEST_F(SmtpClientTest, FourTwentyOneOnRcptIsARetryableTransportError) {
  TestSmtpSink sink({"-Q", "RCPT"});
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(sink.port());
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(sink.port()) +
                              " refused RCPT TO: 421 4.0.0 Server closing connection");
  ASSERT_TRUE(result.mail_from.has_value());
  EXPECT_EQ(result.mail_from->code, 250);
}

TEST_F(SmtpClientTest, AConnectionDroppedAfterTheMessageIsARetryableTransportError) {
  TestSmtpSink sink({"-q", "."});
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(sink.port());
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_TRUE(result.transport_error);
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.error, "127.0.0.1:" + std::to_string(sink.port()) +
                              " closed the connection (waiting for the reply to the message)");
  ASSERT_EQ(result.recipients.size(), 1u);
  EXPECT_FALSE(result.data.has_value());  // its fate is unknown: no final reply
}

TEST_F(SmtpClientTest, ASoftRejectOfMailFromIsTheMessagesAnswer) {
  TestSmtpSink sink({"-r", "MAIL"});
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(sink.port());
  const SmtpResult result = sendOne(client, config, message({"ann@example.test"}));
  EXPECT_FALSE(result.transport_error) << result.error;
  ASSERT_TRUE(result.mail_from.has_value());
  EXPECT_EQ(result.mail_from->code, 450);
  EXPECT_EQ(result.mail_from->enhanced, "4.3.0");
  EXPECT_EQ(result.mail_from->text, "Error: command failed");
  EXPECT_TRUE(result.recipients.empty());
  EXPECT_FALSE(result.data.has_value());
}

TEST_F(SmtpClientTest, TwoThousandMessagesToSmtpSinkOverFourSessions) {
  TestSmtpSink sink({});
  SmtpClient client(loop);
  const SmtpServer config = loopbackServer(sink.port());
  std::vector<SmtpMessage> messages;
  for (int i = 0; i < 2000; ++i) {
    messages.push_back(message({"r" + std::to_string(i) + "@example.test"},
                               "Subject: load\r\n\r\n" + std::string(2000, 'x') + "\r\n"));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto results = sendAll(client, config, std::move(messages));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  for (const SmtpResult& result : results) expectDelivered(result);
  EXPECT_LE(client.sessionsOpened(), 4u);
  std::cout << "2000 messages in " << took.count() << " s (" << 2000 / took.count() << "/s)\n";
}

// ---- the pool's pace (net/aimd_pace.hpp) ----

TEST_F(SmtpClientTest, AFourFiftyOneSlowsThePoolDownForABackoff) {
  TestSmtpServer server({});
  SmtpClient client(loop);
  const SmtpResult deferred =
      sendOne(client, localServer(server), message({"defer-a@example.test"}));
  ASSERT_EQ(deferred.recipients.size(), 1u);
  EXPECT_EQ(deferred.recipients[0].code, 451);
  EXPECT_EQ(client.throttles(), 1u);
  // The next message waits out the first backoff (1 s, +-20%).
  const auto begin = std::chrono::steady_clock::now();
  expectDelivered(sendOne(client, localServer(server), message({"ann@example.test"})));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 750ms);
  EXPECT_EQ(client.throttles(), 1u);
}

TEST_F(SmtpClientTest, AThrottleWithMessagesQueuedNarrowsThePoolButServesThemAll) {
  TestSmtpServer server({});
  SmtpClient client(loop);  // four sessions
  std::vector<SmtpMessage> messages;
  messages.push_back(message({"defer-first@example.test"}));
  for (int i = 0; i < 30; ++i)
    messages.push_back(message({"r" + std::to_string(i) + "@example.test"}));
  const auto results = sendAll(client, localServer(server), std::move(messages));
  ASSERT_EQ(results.size(), 31u);
  EXPECT_EQ(results[0].recipients.at(0).code, 451);
  for (std::size_t i = 1; i < results.size(); ++i) expectDelivered(results[i]);
  EXPECT_GE(client.throttles(), 1u);
  EXPECT_EQ(server.received().size(), 30u);
}

TEST_F(SmtpClientTest, AServersSessionsSettingCapsItsPool) {
  TestSmtpServer server({});
  SmtpClient client(loop);
  SmtpServer two = localServer(server);
  two.max_sessions = 2;
  std::vector<SmtpMessage> messages;
  for (int i = 0; i < 20; ++i)
    messages.push_back(message({"r" + std::to_string(i) + "@example.test"}));
  for (const SmtpResult& result : sendAll(client, two, std::move(messages)))
    expectDelivered(result);
  EXPECT_LE(client.sessionsOpened(), 2u);
  EXPECT_EQ(server.received().size(), 20u);
}

}  // namespace
}  // namespace herald::net
