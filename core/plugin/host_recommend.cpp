// host->recommend(): the run's recommendations for the contacts of one batch,
// as JSON text the plugin frees with host->free().
#include "plugin/host_recommend.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "plugin/call.hpp"
#include "plugin/host_state.hpp"
#include "plugin/store_access.hpp"
#include "recommend/recommender.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

void logError(const std::string& source, const std::string& message) noexcept {
  try {
    log::error(source, message);
  } catch (...) {
  }
}

}  // namespace

herald_status hostRecommend(herald_call* call, uint32_t count, char** out_json) noexcept {
  if (out_json) *out_json = nullptr;
  try {
    std::shared_ptr<CallState> st = liveCall(call);
    if (!st) {
      logError("plugin", "recommend() for a finished or unknown batch; refused (plugin bug)");
      return HERALD_ERR_INVALID;
    }
    herald_step_ctx& ctx = *st->core->ctx;
    if (!out_json) {
      logError(ctx.log_source, st->who + " called recommend() with out_json = NULL (plugin bug)");
      return HERALD_ERR_INVALID;
    }
    if (count == 0 || count > kMaxRecommendations) {
      logError(ctx.log_source,
               fmt::format("{} asked recommend() for {} products per contact; ask for 1 to {} "
                           "(plugin bug)",
                           st->who, count, kMaxRecommendations));
      return HERALD_ERR_INVALID;
    }
    recommend::Recommender* recommender = st->services.recommender.get();
    if (!recommender) return HERALD_ERR_UNSUPPORTED;
    const herald_batch& batch = *st->batch.get();
    std::vector<int64_t> ids;
    ids.reserve(batch.count);
    for (size_t i = 0; i < batch.count; ++i) ids.push_back(batch.contacts[i]->id);
    std::string text;
    try {
      // The first call of a run builds the model from the store, on the
      // engine's thread like every store access (store_access.hpp).
      const StoreAnswer answer = onStoreThread(*ctx.host, st->io, [&](store::Store&) {
        text = recommender->forContactsText(ids, count);
      });
      if (answer == StoreAnswer::kNoStore) {
        // The recommender brings its own store (a host without one: tests).
        std::lock_guard lock(ctx.host->store_mu);
        text = recommender->forContactsText(ids, count);
      } else if (answer == StoreAnswer::kTimedOut) {
        logError(ctx.log_source, fmt::format("recommendations for step '{}' failed: the engine did "
                                             "not answer within {} s",
                                             ctx.step_id, kStoreWaitLimit.count()));
        return HERALD_ERR_INTERNAL;
      }
    } catch (const std::exception& e) {
      logError(ctx.log_source,
               fmt::format("recommendations for step '{}' failed: {}", ctx.step_id, e.what()));
      return HERALD_ERR_INTERNAL;
    }
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (!copy) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, text.c_str(), text.size() + 1);
    *out_json = copy;
    return HERALD_OK;
  } catch (const std::exception& e) {
    logError("plugin", std::string("recommend() failed: ") + e.what());
  } catch (...) {
    logError("plugin", "recommend() failed");
  }
  return HERALD_ERR_INTERNAL;
}

}  // namespace herald::plugin
