#include "paced_send.hpp"

#include <memory>
#include <utility>

namespace herald::provider {
namespace {

struct Pending {
  herald::PluginContext plugin;
  std::vector<std::string> keys;
  size_t next_key = 0;
  herald::HttpRequest request;
  herald::Http::Callback done;
};

void refused(Pending& p, const char* what) {
  herald::HttpResponse r;
  r.transport_error = true;
  r.retryable = true;
  r.error = what;
  p.done(r);
}

void step(std::shared_ptr<Pending> p) {
  const herald::PluginContext& plugin = p->plugin;
  if (p->next_key < p->keys.size()) {
    const std::string key = p->keys[p->next_key++];
    const herald::Permits permits(plugin.host(), plugin.handle());
    const herald_status s = permits.acquire(key, [p] { step(p); });
    if (s == HERALD_OK) return;
    if (s != HERALD_ERR_UNSUPPORTED) return refused(*p, "the host refused a rate-limit permit");
    p->next_key = p->keys.size();  // no rate limiter here: send at once
  }
  const herald::Http http(plugin.host(), plugin.handle());
  // When the host refuses, the callback is never called: answer here.
  if (http.request(p->request, [p](const herald::HttpResponse& r) { p->done(r); }) != HERALD_OK)
    refused(*p, "the host refused the request");
}

}  // namespace

void pacedSend(const herald::PluginContext& plugin, std::vector<std::string> permit_keys,
               herald::HttpRequest request, herald::Http::Callback done) {
  auto p = std::make_shared<Pending>(
      Pending{plugin, std::move(permit_keys), 0, std::move(request), std::move(done)});
  step(std::move(p));
}

}  // namespace herald::provider
