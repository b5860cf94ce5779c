#include "engine/delivery.hpp"

#include <map>

#include "engine/delivery_policy.hpp"

namespace herald::engine {
namespace {

using store::LedgerStatus;

constexpr const char* kUnknownSkipped =
    "delivery outcome unknown after a crash (or a step that missed its deadline); not resent "
    "(on_unknown: skip)";

// The ledger row to claim for one journey, with the policy's decision.
store::LedgerEntry wantedEntry(const DeliveryContext& ctx, const store::DueJourney& j,
                               const PolicyDecision& d, bool transactional) {
  store::LedgerEntry e;
  e.key.workflow = ctx.run.workflow;
  e.key.revision = ctx.run.revision;
  e.key.step_id = ctx.step.step->id;
  e.key.contact_id = j.contact.id;
  e.key.occurrence = store::ledgerOccurrence(j.entry, j.occurrence);
  e.channel = ctx.step.type->channel;
  e.status = d.allowed ? LedgerStatus::kSending
                       : (d.deferred() ? LedgerStatus::kDeferred : LedgerStatus::kRefused);
  e.decision = d.decision;
  e.detail = d.reason;
  e.until_ms = d.defer_until_ms;
  e.transactional = transactional;
  e.run_id = ctx.run.id;
  e.updated_ms = ctx.moves.now_ms;
  return e;
}

// The policy's decision for each journey, in order. A frequency cap reads
// the contact's recent sends from the ledger and counts the messages this
// batch allows on top (a contact may be in a batch twice).
std::vector<PolicyDecision> decideAll(const DeliveryContext& ctx,
                                      const std::vector<store::DueJourney>& journeys,
                                      const DeliveryRules& rules) {
  const std::string& channel = ctx.step.type->channel;
  const int64_t now = ctx.moves.now_ms;
  std::map<int64_t, int64_t> allowed_now;  // by contact
  std::vector<PolicyDecision> out;
  out.reserve(journeys.size());
  for (const auto& j : journeys) {
    DeliveryFacts facts{now, 0};
    if (rules.cap && !rules.transactional()) {
      facts.recent_sends =
          ctx.store.recentSends(j.contact.id, channel, now - rules.cap->per.count()) +
          allowed_now[j.contact.id];
    }
    out.push_back(decideDelivery(j.contact, channel, rules, facts));
    if (out.back().allowed) ++allowed_now[j.contact.id];
  }
  return out;
}

}  // namespace

bool resendsUnknown(const StepRuntime& step, const workflow::Workflow& workflow) {
  if (step.idempotent()) return true;
  if (step.step->on_unknown) return *step.step->on_unknown == "resend";
  return !workflow.require_consent;  // transactional
}

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
      return LedgerStatus::kSkipped;  // called again later: the next entry has its own key
    case HERALD_OUTCOME_RETRY_AFTER:
      // Nothing was handed over: the key reopens when the journey is retried.
      return LedgerStatus::kQueued;
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
  const int64_t now = ctx.moves.now_ms;
  static const config::DeliveryConfig kNoRules = [] {
    config::DeliveryConfig c;
    c.quiet_hours.clear();
    return c;
  }();
  const DeliveryRules rules = rulesFor(ctx.config ? *ctx.config : kNoRules, ctx.step.type->channel,
                                       ctx.moves.workflow.require_consent);
  const std::vector<PolicyDecision> decisions = decideAll(ctx, journeys, rules);

  auto refuse = [&](size_t i, const std::string& decision, const std::string& reason) {
    ++activity.refused;
    ++activity.refused_by[decision];
    plan.settled[i] = refusalMove(ctx.moves, journeys[i], decision, reason);
  };

  if (ctx.dry_run) {
    // A deferred message would go out when the quiet hours end: shown as sent.
    for (size_t i = 0; i < n; ++i) {
      const PolicyDecision& d = decisions[i];
      if (d.deferred()) ++activity.deferred;
      if (d.allowed || d.deferred())
        plan.call[i] = true;
      else
        refuse(i, d.decision, d.reason);
    }
    return plan;
  }

  std::vector<store::LedgerEntry> wanted;
  wanted.reserve(n);
  for (size_t i = 0; i < n; ++i)
    wanted.push_back(wantedEntry(ctx, journeys[i], decisions[i], rules.transactional()));
  const auto claims = ctx.store.claimDeliveries(wanted);

  for (size_t i = 0; i < n; ++i) {
    const auto& j = journeys[i];
    const auto& claim = claims.at(i);
    const store::LedgerEntry& entry = claim.entry;
    plan.keys[i] = entry.key;
    if (claim.created) {
      switch (entry.status) {
        case LedgerStatus::kSending:
          plan.call[i] = true;
          break;
        case LedgerStatus::kDeferred:
          ++activity.deferred;
          plan.settled[i] = deferralMove(ctx.moves, j, entry.until_ms.value_or(now), entry.detail);
          break;
        default:
          refuse(i, entry.decision, entry.detail);
          break;
      }
      continue;
    }
    switch (entry.status) {
      case LedgerStatus::kSent:
        ++activity.already_sent;
        plan.settled[i] = continueMove(ctx.moves, j, "already sent");
        break;
      case LedgerStatus::kSending:
      case LedgerStatus::kUnknown:
        // A crash (or a missed deadline) left the key between claim and
        // settlement. A provider's event naming it proves it went out.
        if (auto event = ctx.store.deliveryEvidence(entry.key)) {
          ++activity.settled_by_event;
          plan.settled[i] = continueMove(ctx.moves, j, "sent (a provider event names it)");
          plan.ledger_updates.push_back(
              settle(entry.key, ctx.step, ctx.run, LedgerStatus::kSent,
                     "settled after a crash: the provider's '" + *event + "' event names it", now));
        } else if (resendsUnknown(ctx.step, ctx.moves.workflow)) {
          ++activity.redelivered;
          plan.call[i] = true;
        } else {
          ++activity.unknown;
          plan.settled[i] = continueMove(ctx.moves, j, kUnknownSkipped);
          plan.ledger_updates.push_back(
              settle(entry.key, ctx.step, ctx.run, LedgerStatus::kUnknown, kUnknownSkipped, now));
        }
        break;
      case LedgerStatus::kRefused:
        // The store reopens refused, deferred, queued, failed and skipped
        // keys (they delivered nothing) as created claims; a backend that
        // hands them back unchanged gets them settled here.
        refuse(i, entry.decision, entry.detail);
        break;
      case LedgerStatus::kFailed:
      case LedgerStatus::kSkipped:
      case LedgerStatus::kQueued:
      case LedgerStatus::kDeferred:
        plan.settled[i] =
            failureMove(ctx.moves, j,
                        std::string("delivery ") + store::toString(entry.status) + " earlier" +
                            (entry.detail.empty() ? "" : ": " + entry.detail),
                        false, j.vars);
        break;
    }
  }
  return plan;
}

}  // namespace herald::engine
