// Every route of the admin listener is in docs/openapi.json and every
// operation there is a route, and the served copy is the file in the repo.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "http/admin_routes.hpp"
#include "http/openapi_document.hpp"
#include "test_control.hpp"

namespace herald::http {
namespace {

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

  const auto dir = std::filesystem::temp_directory_path() / "herald-openapi-test";
  std::filesystem::create_directories(dir);
  config::DaemonConfig cfg;
  cfg.database = dir / "herald.db";
  boost::asio::io_context io;
  testing::TestControl control(io, cfg);
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
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace herald::http
