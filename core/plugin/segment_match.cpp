// host->segment_match(): a step's x-segment rule, evaluated by the store for
// the contacts of one batch, on the engine's thread (store_access.hpp).
#include "plugin/segment_match.hpp"

#include <fmt/format.h>

#include <vector>

#include "plugin/call.hpp"
#include "plugin/host_state.hpp"
#include "plugin/store_access.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

std::string knownFields(const SegmentRules& rules) {
  if (rules.empty()) return "this step has no x-segment field";
  std::string out = "its x-segment fields: ";
  bool first = true;
  for (const auto& [pointer, rule] : rules) {
    out += (first ? "'" : ", '") + pointer + "'";
    first = false;
  }
  return out;
}

}  // namespace

herald_status hostSegmentMatch(herald_call* call, const char* json_pointer,
                               uint8_t* out_match) noexcept {
  try {
    std::shared_ptr<CallState> st = liveCall(call);
    if (!st) {
      log::error("plugin", "segment_match() for a finished or unknown batch; refused (plugin bug)");
      return HERALD_ERR_INVALID;
    }
    herald_step_ctx& ctx = *st->core->ctx;
    const herald_batch& batch = *st->batch.get();
    if (!json_pointer || (!out_match && batch.count > 0)) {
      log::error(ctx.log_source,
                 st->who + " called segment_match() with a NULL pointer or output (plugin bug)");
      return HERALD_ERR_INVALID;
    }
    auto it = ctx.segment_rules.find(json_pointer);
    if (it == ctx.segment_rules.end()) {
      log::error(ctx.log_source,
                 fmt::format("{} asked segment_match() for '{}', which is not an x-segment field "
                             "of this step ({}) (plugin bug)",
                             st->who, json_pointer, knownFields(ctx.segment_rules)));
      return HERALD_ERR_INVALID;
    }
    if (batch.count == 0) return HERALD_OK;
    std::vector<int64_t> ids;
    ids.reserve(batch.count);
    for (size_t i = 0; i < batch.count; ++i) ids.push_back(batch.contacts[i]->id);
    // The run's id as the reuse scope: RFM scores are ranked once per run
    // and day, not once per batch (store/sqlite/rfm_cache.hpp).
    const segment::EvalContext eval{batch.now_ms, ctx.timezone,
                                    batch.run_id ? std::string(batch.run_id) : std::string()};
    std::vector<bool> matches;
    const segment::Rule& rule = *it->second;
    switch (onStoreThread(*ctx.host, st->io,
                          [&](store::Store& s) { matches = s.segmentMatch(rule, eval, ids); })) {
      case StoreAnswer::kDone:
        break;
      case StoreAnswer::kNoStore:
        return HERALD_ERR_UNSUPPORTED;
      case StoreAnswer::kTimedOut:
        log::error(ctx.log_source, fmt::format("segment rule '{}' of step '{}': the engine did "
                                               "not answer within {} s",
                                               json_pointer, ctx.step_id, kStoreWaitLimit.count()));
        return HERALD_ERR_INTERNAL;
    }
    if (matches.size() != ids.size()) {
      log::error(ctx.log_source,
                 fmt::format("segment rule '{}' of step '{}': the store answered for {} of {} "
                             "contacts",
                             json_pointer, ctx.step_id, matches.size(), ids.size()));
      return HERALD_ERR_INTERNAL;
    }
    for (size_t i = 0; i < ids.size(); ++i) out_match[i] = matches[i] ? 1 : 0;
    return HERALD_OK;
  } catch (const std::exception& e) {
    try {
      log::error("plugin", std::string("segment_match() failed: ") + e.what());
    } catch (...) {
    }
  } catch (...) {
    try {
      log::error("plugin", "segment_match() failed");
    } catch (...) {
    }
  }
  return HERALD_ERR_INTERNAL;
}

}  // namespace herald::plugin
