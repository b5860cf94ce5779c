// Every route of the admin listener is in docs/openapi.json and every
// operation there is a route, and the served copy is the file in the repo.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "http/admin_routes.hpp"
#include "http/openapi_document.hpp"

namespace herald::http {
namespace {

// Registering routes calls nothing on the daemon: every call here is a bug.
class NoDaemon final : public daemon::Control {
  [[noreturn]] static void unused() { throw std::logic_error("route registration called Control"); }

 public:
  store::Store& store() override { unused(); }
  const config::DaemonConfig& config() override { unused(); }
  const Clock& clock() override { unused(); }
  observe::Metrics& metrics() override { unused(); }
  void ingestEvents(std::vector<daemon::IncomingEvent>,
                    std::function<void(daemon::IngestResult)>) override {
    unused();
  }
  nlohmann::json listWorkflows() override { unused(); }
  std::optional<nlohmann::json> showWorkflow(const std::string&) override { unused(); }
  bool setPaused(const std::string&, bool) override { unused(); }
  Diagnostics validateWorkflowText(const std::string&, const std::string&) override { unused(); }
  Diagnostics reload() override { unused(); }
  daemon::StartResult startRun(const daemon::StartRequest&) override { unused(); }
  bool cancelRun(int64_t) override { unused(); }
  daemon::Health health() override { unused(); }
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, RoutesAndDocumentAgree) {
  std::ifstream f(std::string(HERALD_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), openApiDocument());
  const auto doc = nlohmann::json::parse(text.str());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) documented.insert(lower(method) + " " + path);
  }

  NoDaemon control;
  observe::Metrics m;
  HttpMetrics metrics(m, "admin");
  Router router;
  addAdminRoutes(router, control, metrics);
  std::set<std::string> served;
  for (const auto& r : router.routes()) {
    served.insert(lower(std::string(sv(bhttp::to_string(r.method)))) + " " + r.pattern);
  }
  for (const auto& s : served)
    EXPECT_TRUE(documented.count(s)) << s << " is not in docs/openapi.json";
  for (const auto& d : documented)
    EXPECT_TRUE(served.count(d)) << d << " is documented but not served";
}

}  // namespace
}  // namespace herald::http
