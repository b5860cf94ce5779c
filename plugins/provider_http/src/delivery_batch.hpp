#pragma once
// One delivery batch of an HTTP email provider: a request per contact, built
// by the provider's code; in a dry run its body is the preview; otherwise
// each request is paced (pacedSend) and sent, and its answer becomes the
// contact's outcome (deliveryOutcome). The last answer completes the batch.
#include <functional>
#include <herald/sdk.hpp>
#include <string>
#include <variant>

#include "delivery_outcome.hpp"

namespace herald::provider {

struct DeliveryPlan {
  // The plugin-wide context (nullptr is allowed only in a dry run).
  const herald::PluginContext* plugin = nullptr;
  std::string permit_key;  // "provider:<account>"; "domain:<recipient domain>" is added
  // Contact i's request, or its outcome when there is nothing to send (a
  // missing unsubscribe link).
  std::function<std::variant<herald::HttpRequest, herald::Outcome>(herald::Batch&, size_t)> build;
  // What the provider's answer says (message id, error text).
  std::function<Answer(const herald::HttpResponse&)> read;
};

void deliverBatch(herald::Batch batch, DeliveryPlan plan);

}  // namespace herald::provider
