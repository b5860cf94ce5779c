#include "http/listeners.hpp"

#include <fmt/format.h>

#include "http/admin_routes.hpp"
#include "http/bearer_auth.hpp"
#include "http/listener.hpp"
#include "http/public_routes.hpp"
#include "http/webhook_routes.hpp"
#include "util/log.hpp"

namespace herald::http {

class Listeners::Impl {
 public:
  Impl(boost::asio::io_context& io, daemon::Control& control) : io_(io), control_(control) {}

  void start() {
    const auto& cfg = control_.config();
    auto admin = makeState("admin", cfg.http.limits);
    auth_ = std::make_shared<BearerAuth>(cfg.http.admin_tokens);
    admin->router.setGuard([auth = auth_](const Request& req) { return auth->check(req); });
    addAdminRoutes(admin->router, control_, admin->metrics);

    auto pub = makeState("public", cfg.http.limits);
    if (!cfg.links.keys.empty()) signer_.emplace(cfg.links.keys);
    addPublicRoutes(pub->router, control_, signer_ ? &*signer_ : nullptr, pub->metrics);
    if (auto* plugins = control_.plugins())
      addWebhookRoutes(pub->router, *plugins, pub->limits, pub->metrics);

    admin_ = std::make_unique<Listener>(io_, admin);
    public_ = std::make_unique<Listener>(io_, pub);
    admin_->bind(cfg.http.admin_listen);
    public_->bind(cfg.http.public_listen);
    if (cfg.http.admin_tokens.empty()) {
      log::warn("http",
                "no admin token configured (http.admin.tokens or http.admin.token_file): "
                "the admin API refuses every request under /api/v1/");
    }
    if (!signer_) {
      log::warn("http", "no link keys configured (links.keys): signed links answer 404");
    }
    admin_->start();
    public_->start();
    log::info("http", fmt::format("admin API on {}, public links on {}",
                                  endpointText(adminEndpoint()), endpointText(publicEndpoint())));
  }

  void stop() {
    if (admin_) admin_->stop();
    if (public_) public_->stop();
  }

  boost::asio::ip::tcp::endpoint adminEndpoint() const {
    return admin_ ? admin_->endpoint() : boost::asio::ip::tcp::endpoint{};
  }
  boost::asio::ip::tcp::endpoint publicEndpoint() const {
    return public_ ? public_->endpoint() : boost::asio::ip::tcp::endpoint{};
  }

 private:
  std::shared_ptr<ServerState> makeState(std::string name, const config::HttpLimits& limits) {
    auto metrics = HttpMetrics(control_.metrics(), name);
    return std::make_shared<ServerState>(
        ServerState{std::move(name), limits, Router{}, std::move(metrics), 0, false, {}});
  }

  static std::string endpointText(const boost::asio::ip::tcp::endpoint& ep) {
    const auto a = ep.address();
    return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), ep.port())
                     : fmt::format("{}:{}", a.to_string(), ep.port());
  }

  boost::asio::io_context& io_;
  daemon::Control& control_;
  std::shared_ptr<BearerAuth> auth_;
  std::optional<links::Signer> signer_;
  std::unique_ptr<Listener> admin_;
  std::unique_ptr<Listener> public_;
};

Listeners::Listeners(boost::asio::io_context& io, daemon::Control& control)
    : impl_(std::make_unique<Impl>(io, control)) {}
Listeners::~Listeners() = default;
void Listeners::start() { impl_->start(); }
void Listeners::stop() { impl_->stop(); }
boost::asio::ip::tcp::endpoint Listeners::adminEndpoint() const { return impl_->adminEndpoint(); }
boost::asio::ip::tcp::endpoint Listeners::publicEndpoint() const { return impl_->publicEndpoint(); }

}  // namespace herald::http
