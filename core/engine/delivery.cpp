#include "engine/delivery.hpp"

#include "engine/delivery_policy.hpp"

namespace herald::engine {
namespace {

using store::LedgerStatus;

constexpr const char* kUnknownReason =
    "delivery outcome unknown after a crash (or a step that missed its deadline); not resent";

}  // namespace

store::LedgerEntry settle(const store::LedgerKey& key, const StepRuntime& step,
                          const store::Run& run, LedgerStatus status, std::string detail,
                          int64_t now_ms) {
  store::LedgerEntry e;
  e.key = key;
  e.channel = step.type->channel;
  e.status = status;
  e.decision = "allowed";
  e.detail = std::move(detail);
  e.run_id = run.id;
  e.updated_ms = now_ms;
  return e;
}

LedgerStatus ledgerStatusFor(herald_outcome_kind kind) {
  switch (kind) {
    case HERALD_OUTCOME_CONTINUE:
    case HERALD_OUTCOME_BRANCH:
    case HERALD_OUTCOME_EXIT:
      return LedgerStatus::kSent;
    case HERALD_OUTCOME_WAIT:
      return LedgerStatus::kSkipped;  // deferred: the next entry has its own key
    case HERALD_OUTCOME_RETRY_AFTER:
      // Nothing was handed over: the key reopens when the journey is retried.
      return LedgerStatus::kSkipped;
    case HERALD_OUTCOME_FAIL_RETRYABLE:
    case HERALD_OUTCOME_FAIL:
      return LedgerStatus::kFailed;
  }
  return LedgerStatus::kFailed;
}

DeliveryPlan planDeliveries(const DeliveryContext& ctx,
                            const std::vector<store::DueJourney>& journeys,
                            StepActivity& activity) {
  const size_t n = journeys.size();
  DeliveryPlan plan;
  plan.call.assign(n, false);
  plan.settled.resize(n);
  plan.keys.resize(n);
  const std::string& channel = ctx.step.type->channel;
  const int64_t now = ctx.moves.now_ms;

  std::vector<PolicyDecision> decisions;
  decisions.reserve(n);
  DeliveryRules rules;
  rules.require_consent = ctx.moves.workflow.require_consent;
  for (const auto& j : journeys) decisions.push_back(decideDelivery(j.contact, channel, rules));

  if (ctx.dry_run) {
    for (size_t i = 0; i < n; ++i) {
      if (decisions[i].allowed) {
        plan.call[i] = true;
      } else {
        ++activity.refused;
        ++activity.refused_by[decisions[i].decision];
        plan.settled[i] = refusalMove(ctx.moves, journeys[i], decisions[i].reason);
      }
    }
    return plan;
  }

  std::vector<store::LedgerEntry> wanted;
  wanted.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    store::LedgerEntry e;
    e.key.workflow = ctx.run.workflow;
    e.key.revision = ctx.run.revision;
    e.key.step_id = ctx.step.step->id;
    e.key.contact_id = journeys[i].contact.id;
    e.key.occurrence = store::ledgerOccurrence(journeys[i].entry, journeys[i].occurrence);
    e.channel = channel;
    e.status = LedgerStatus::kSending;
    e.decision = decisions[i].decision;
    e.detail = decisions[i].reason;
    e.run_id = ctx.run.id;
    e.updated_ms = now;
    wanted.push_back(std::move(e));
  }
  const auto claims = ctx.store.claimDeliveries(wanted);

  for (size_t i = 0; i < n; ++i) {
    const auto& j = journeys[i];
    const auto& claim = claims.at(i);
    const store::LedgerEntry& entry = claim.entry;
    plan.keys[i] = entry.key;
    if (entry.decision != "allowed") {
      // Refused by policy (now, or in an attempt a crash cut short).
      ++activity.refused;
      ++activity.refused_by[entry.decision];
      std::string reason = decisions[i].allowed ? "delivery refused earlier: " + entry.decision
                                                : decisions[i].reason;
      plan.settled[i] = refusalMove(ctx.moves, j, reason);
      if (entry.status == LedgerStatus::kSending || entry.status == LedgerStatus::kUnknown) {
        store::LedgerEntry s = entry;
        s.status = LedgerStatus::kSkipped;
        s.detail = reason;
        s.updated_ms = now;
        plan.ledger_updates.push_back(std::move(s));
      }
      continue;
    }
    if (claim.created) {
      plan.call[i] = true;
      continue;
    }
    switch (entry.status) {
      case LedgerStatus::kSent:
        ++activity.already_sent;
        plan.settled[i] = continueMove(ctx.moves, j, "already sent");
        break;
      case LedgerStatus::kSending:
      case LedgerStatus::kUnknown:
        if (ctx.step.idempotent()) {
          // Same key, same effect: the step promises a repeat changes nothing.
          ++activity.redelivered;
          plan.call[i] = true;
        } else {
          ++activity.unknown;
          plan.settled[i] = failureMove(ctx.moves, j, kUnknownReason, false, j.vars);
        }
        break;
      case LedgerStatus::kFailed:
        // The store reopens failed and skipped keys (they delivered
        // nothing) as created claims; a backend that hands them back
        // unchanged gets them settled as failures here.
        plan.settled[i] = failureMove(
            ctx.moves, j,
            "delivery failed earlier" + (entry.detail.empty() ? "" : ": " + entry.detail), false,
            j.vars);
        break;
      case LedgerStatus::kSkipped:
        plan.settled[i] = failureMove(
            ctx.moves, j,
            "delivery skipped earlier" + (entry.detail.empty() ? "" : ": " + entry.detail), false,
            j.vars);
        break;
    }
  }
  return plan;
}

}  // namespace herald::engine
