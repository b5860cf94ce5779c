// ABI 1.3 host services through the real host: servicey.so (a C++ SDK
// plugin) calls a real HTTP server on 127.0.0.1, starts timers, asks for
// rate-limit permits, records events and suppressions in a real SQLite
// store, signs links, serves a webhook, and is told when a batch's deadline
// passed; its plugin-wide init/shutdown see its own herald.yaml section.
// The loop is the test's io_context, as the engine's is in the daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "expected_refusals.hpp"
#include "local_http_server.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "test_batch.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;
using nlohmann::json;
using ::testing::HasSubstr;

class Services : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    });
    ASSERT_TRUE(reg_.loadFile(brokenPath("servicey.so")));
    db_ = (std::filesystem::temp_directory_path() /
           ("herald_services_" + std::to_string(getpid()) + ".db"))
              .string();
    std::filesystem::remove(db_);
    store_ = store::openSqliteStore(db_);
    auto import = store_->beginContactImport();
    store::Contact c;
    c.external_id = "ada";
    c.email = "ada@example.com";
    c.phone = "+14155550100";
    c.consents.push_back({"sms", true, "import:test", 1, ""});
    ada_ = import->upsert(c);
    import->commit();
    reg_.setStore(store_.get());
  }
  void TearDown() override {
    reg_.stopPlugins();
    spin(10);  // handlers still queued find the plugins stopped
    reg_.setStore(nullptr);
    log::setSink(nullptr);
    std::filesystem::remove(db_);
  }

  std::vector<std::string> start(const json& settings = json::object(),
                                 std::vector<config::LinkKey> keys = {}) {
    reg_.setPluginSettings(settings, std::filesystem::temp_directory_path());
    PluginRuntime rt;
    rt.loop = &io_;
    rt.clock = &clock_;
    rt.link_keys = std::move(keys);
    rt.public_base_url = "https://links.example.com";
    return reg_.startPlugins(std::move(rt));
  }

  std::unique_ptr<StepInstance> make(const json& config) {
    std::vector<ConfigProblem> problems;
    auto inst = reg_.instantiate("servicey.call", "s1", config, problems);
    EXPECT_TRUE(problems.empty()) << problems.at(0).message;
    return inst;
  }

  // Runs one batch of contact ada on the loop until it is answered.
  BatchResult run(StepInstance& inst,
                  std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    TestBatch b(1);
    b.contacts[0].id = ada_;
    std::optional<BatchResult> result;
    inst.runBatch(b.batch, deadline, io_, [&](BatchResult r) {
      // From a worker or the loop: hand it to the loop's thread.
      boost::asio::post(io_, [&result, r = std::move(r)]() mutable { result = std::move(r); });
    });
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!result && std::chrono::steady_clock::now() < until) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(result) << "the batch was not answered";
    return result.value_or(BatchResult{false, "no answer", {}, {}});
  }

  // serveWebhook on the loop's thread, as the public listener calls it.
  bool serve(const WebhookRequest& req, WebhookAnswer& answer) {
    std::optional<bool> served;
    boost::asio::post(io_, [&] { served = reg_.serveWebhook(req, answer); });
    while (!served) spin(5);
    return *served;
  }

  // Lets the loop run for `ms` (late callbacks, shutdown).
  void spin(int ms) {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(ms));
  }

  std::string logged() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return all;
  }

  boost::asio::io_context io_;
  SystemClock clock_;
  Registry reg_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
  int64_t ada_ = 0;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(Services, HttpRequestsReachALocalServerOverReusedConnections) {
  ASSERT_TRUE(start().empty());
  herald::test::LocalHttpServer server;
  auto inst = make({{"mode", "http"}, {"url", server.url("/hello")}});
  for (int i = 0; i < 20; ++i) {
    const BatchResult r = run(*inst);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.outcomes.size(), 1u);
    EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
    EXPECT_EQ(r.outcomes[0].vars["status"], 200);
  }
  EXPECT_EQ(server.requestsServed(), 20u);
  EXPECT_LE(server.connectionsAccepted(), 2u) << "keep-alive connections are reused";
}

TEST_F(Services, A429WithRetryAfterBecomesARetryAfterOutcome) {
  ASSERT_TRUE(start().empty());
  herald::test::LocalHttpServer server;
  auto inst = make({{"mode", "http"}, {"url", server.url("/retry")}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(r.outcomes[0].retry_after_ms, 7000);
  EXPECT_EQ(r.outcomes[0].reason, "provider throttled (429)");
}

TEST_F(Services, ATransportErrorReachesThePluginAsRetryable) {
  ASSERT_TRUE(start().empty());
  // A port nobody listens on: connection refused.
  unsigned short port = 0;
  {
    herald::test::LocalHttpServer gone;
    port = gone.port();
  }
  auto inst = make({{"mode", "http"}, {"url", "http://127.0.0.1:" + std::to_string(port) + "/x"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_FAIL_RETRYABLE);
}

TEST_F(Services, ATimerCallsBackOnTheLoopAfterItsDelay) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "timer"}, {"delay_ms", 40}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["timer"], "fired");
  EXPECT_GE(r.outcomes[0].vars["waited_ms"].get<int64_t>(), 35);
}

TEST_F(Services, RetryAfterCarriesItsDelayToTheEngine) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "retry"}, {"delay_ms", 1500}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_RETRY_AFTER);
  EXPECT_EQ(r.outcomes[0].retry_after_ms, 1500);
}

TEST_F(Services, RecordedEventsLandInTheStore) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "event"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["recorded"], true);
  const auto events = store_->eventsOf(ada_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "delivered");
  EXPECT_EQ(events[0].properties["provider"], "servicey");
}

TEST_F(Services, SuppressPutsTheAddressOnTheSuppressionList) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "suppress"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["suppressed"], true);
  EXPECT_TRUE(store_->isSuppressed("email", "ada@example.com"));
}

TEST_F(Services, SetConsentWithdrawsConsentThroughTheStoreAndPhonesFindContacts) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "consent"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["stop"], HERALD_OK);
  EXPECT_EQ(r.outcomes[0].vars["unknown"], HERALD_ERR_NOT_FOUND);  // nothing recorded
  EXPECT_EQ(r.outcomes[0].vars["invalid"], HERALD_ERR_INVALID);
  EXPECT_EQ(r.outcomes[0].vars["reply"], HERALD_OK);
  const auto ada = store_->contactById(ada_);
  ASSERT_TRUE(ada);
  ASSERT_EQ(ada->consents.size(), 1u);  // the current answer per channel
  EXPECT_EQ(ada->consents[0].channel, "sms");
  EXPECT_FALSE(ada->consents[0].granted);
  EXPECT_EQ(ada->consents[0].source, "sms-reply:test:STOP");
  EXPECT_EQ(ada->consents[0].wording, "Stop");
  const auto events = store_->eventsOf(ada_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "sms_reply");
  EXPECT_THAT(logged(), HasSubstr("set_consent: 'not an address' is neither an email address"));
}

TEST_F(Services, PermitsArePacedByTheConfiguredTokenBucket) {
  ASSERT_TRUE(
      start({{"servicey", {{"rate_limits", {{"domain:*", {{"per_second", 20}, {"burst", 1}}}}}}}})
          .empty());
  auto inst = make({{"mode", "permits"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  // One token at once, two more at 20/s: about 100 ms.
  EXPECT_GE(r.outcomes[0].vars["permits_ms"].get<int64_t>(), 90);
}

TEST_F(Services, PermitsWithoutALimitAreGrantedAtOnce) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "permits"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_LT(r.outcomes[0].vars["permits_ms"].get<int64_t>(), 50);
}

TEST_F(Services, ABadRateLimitIsRefusedWithItsPlace) {
  const auto problems = start({{"servicey", {{"rate_limits", {{"domain:*", {{"burst", 3}}}}}}}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("plugins.servicey: rate_limits/domain:*: needs per_second"));
}

TEST_F(Services, BadHttpAndSmtpHostSettingsAreRefusedWithTheirPlace) {
  const auto problems = start({{"servicey",
                                {{"http", {{"max_in_flight", 0}, {"pool", 3}}},
                                 {"smtp", {{"host", "mail.example.com"}, {"sessions", 100}}}}}});
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_THAT(problems[0], HasSubstr("plugins.servicey: smtp/sessions: must be a whole number "
                                     "from 1 to 64 (sessions at once)"));
  EXPECT_THAT(problems[1], HasSubstr("plugins.servicey: http/max_in_flight: must be a whole "
                                     "number from 1 to 256"));
  EXPECT_THAT(problems[2],
              HasSubstr("plugins.servicey: http: unknown key 'pool'; known keys: max_in_flight"));
}

TEST_F(Services, GoodHttpAndSmtpHostSettingsAreNotThePluginsConcern) {
  // Host keys never reach the plugin's own schema (which has no such keys).
  ASSERT_TRUE(start({{"servicey",
                      {{"http", {{"max_in_flight", 4}}},
                       {"smtp", {{"host", "mail.example.com"}, {"sessions", 2}}}}}})
                  .empty());
}

TEST_F(Services, LinksAreSignedOnlyWithLinkKeys) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "link"}});
  BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["link_status"], HERALD_ERR_UNSUPPORTED);
  EXPECT_THAT(logged(), HasSubstr("sign_link is not available: no link keys are configured"));

  reg_.stopPlugins();
  ASSERT_TRUE(start({}, {{"k1", std::string(40, 's')}}).empty());
  r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["link_status"], HERALD_OK);
  EXPECT_THAT(r.outcomes[0].vars["url"].get<std::string>(),
              ::testing::StartsWith("https://links.example.com/u/"));
}

TEST_F(Services, AMissedDeadlineTellsThePlugin) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "hang"}});
  const BatchResult r = run(*inst, std::chrono::milliseconds(100));
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("did not complete the batch within the step_deadline"));
  spin(20);
  EXPECT_THAT(logged(), HasSubstr("cancelled by the host"));
}

TEST_F(Services, InitGetsThePluginsOwnValidatedSettings) {
  ASSERT_TRUE(start({{"servicey", {{"greeting", "hej"}}}}).empty());
  EXPECT_THAT(logged(), HasSubstr("servicey started with greeting hej"));
  auto inst = make({{"mode", "state"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["greeting"], "hej");
  reg_.stopPlugins();
  EXPECT_THAT(logged(), HasSubstr("servicey shut down"));
}

TEST_F(Services, SettingsTheSchemaRefusesAreReportedAndThePluginIsNotStarted) {
  const auto problems = start({{"servicey", {{"greting", "hej"}}}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("plugins.servicey: unknown key 'greting'"));
  EXPECT_THAT(problems[0], HasSubstr("(plugin 'servicey' is not started)"));
  EXPECT_EQ(reg_.checkPluginSettings().size(), 1u);
  auto inst = make({{"mode", "state"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["greeting"], "(no state)");
}

TEST_F(Services, WithoutALoopTheServicesAreUnsupported) {
  auto inst = make({{"mode", "timer"}});
  const BatchResult r = run(*inst);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("host service refused: status 4"));
  EXPECT_THAT(logged(), HasSubstr("timer_start is not available here"));
}

TEST_F(Services, SmtpWithoutSettingsFailsWithWhatToWrite) {
  ASSERT_TRUE(start().empty());
  auto inst = make({{"mode", "smtp"}});
  const BatchResult r = run(*inst);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["transport_error"], true);
  EXPECT_THAT(logged(), HasSubstr("has no `smtp:` settings in herald.yaml"));
}

TEST_F(Services, WebhooksReachThePluginWhichRecordsAndSuppresses) {
  ASSERT_TRUE(start({{"servicey", {{"token", "s3cret"}}}}).empty());
  EXPECT_EQ(reg_.webhookPrefixes(), std::vector<std::string>{"/hooks/servicey/"});
  WebhookRequest req;
  req.method = "POST";
  req.path = "/hooks/servicey/events";
  req.headers = {{"X-Token", "s3cret"}};
  req.body = R"({"email": "ada@example.com", "event": "bounced", "why": "5.1.1", "id": "e1"})";
  req.remote_address = "127.0.0.1";
  WebhookAnswer answer;
  ASSERT_TRUE(serve(req, answer));
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.body, R"({"accepted":true})");
  spin(50);  // the event is stored on the loop
  const auto events = store_->eventsOf(ada_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "bounced");
  EXPECT_EQ(events[0].properties["remote"], "127.0.0.1");
  EXPECT_TRUE(store_->isSuppressed("email", "ada@example.com"));

  req.headers = {{"X-Token", "forged"}};
  ASSERT_TRUE(serve(req, answer));
  EXPECT_EQ(answer.status, 401);

  req.path = "/hooks/other/x";
  EXPECT_FALSE(serve(req, answer));
}

TEST_F(Services, AWebhookOfAPluginNotStartedAnswers503) {
  WebhookRequest req;
  req.method = "POST";
  req.path = "/hooks/servicey/events";
  WebhookAnswer answer;
  ASSERT_TRUE(serve(req, answer));
  EXPECT_EQ(answer.status, 503);
}

}  // namespace
}  // namespace herald::plugin
