#include "delivery_batch.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "batch_countdown.hpp"
#include "encoding.hpp"
#include "paced_send.hpp"

namespace herald::provider {

void deliverBatch(herald::Batch batch, DeliveryPlan plan) {
  if (batch.empty()) {
    batch.complete();
    return;
  }
  if (plan.plugin == nullptr && !batch.dryRun()) {
    batch.fail("the plugin is not started");
    return;
  }
  struct Send {
    size_t i;
    herald::HttpRequest request;
    std::string domain_key;
  };
  auto countdown = std::make_shared<BatchCountdown>(std::move(batch));
  herald::Batch& b = countdown->batch();
  const int64_t now_ms = b.nowMs();
  std::vector<Send> sends;
  std::vector<std::pair<size_t, herald::Outcome>> settled;
  // Every request is built before the first is sent: once answers arrive
  // the batch belongs to the callbacks on the loop.
  for (size_t i = 0; i < b.size(); ++i) {
    auto built = plan.build(b, i);
    if (auto* outcome = std::get_if<herald::Outcome>(&built)) {
      settled.emplace_back(i, std::move(*outcome));
      continue;
    }
    auto& request = std::get<herald::HttpRequest>(built);
    if (b.dryRun()) {
      b.preview(i, request.body);
      settled.emplace_back(i, herald::Continue{});
      continue;
    }
    sends.push_back({i, std::move(request), "domain:" + emailDomain(b.contact(i).email())});
  }
  for (auto& [i, outcome] : settled) countdown->settle(i, std::move(outcome));
  auto read =
      std::make_shared<std::function<Answer(const herald::HttpResponse&)>>(std::move(plan.read));
  for (auto& s : sends) {
    const size_t i = s.i;
    pacedSend(*plan.plugin, {plan.permit_key, std::move(s.domain_key)}, std::move(s.request),
              [countdown, read, i, now_ms](const herald::HttpResponse& r) {
                countdown->settle(i, deliveryOutcome(r, (*read)(r), now_ms));
              });
  }
}

}  // namespace herald::provider
