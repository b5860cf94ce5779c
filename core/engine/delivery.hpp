#pragma once
// The send ledger around a delivery step: keys are claimed (with the policy
// decision) in one transaction before the plugin is called, and settled in
// the batch's commit. A key already sent passes without calling the plugin;
// a key whose outcome a crash left unknown is settled as sent when a
// provider event names it (Store::deliveryEvidence), else as the step's
// on_unknown says.
#include <optional>
#include <vector>

#include "engine/engine.hpp"
#include "engine/moves.hpp"
#include "engine/run_plan.hpp"
#include "store/store.hpp"

namespace herald::engine {

struct DeliveryPlan {
  // Per journey, in batch order:
  std::vector<bool> call;                                  // hand it to the plugin
  std::vector<std::optional<store::JourneyMove>> settled;  // decided without the plugin
  std::vector<std::optional<store::LedgerKey>> keys;       // claimed key (not in a dry run)
  std::vector<store::LedgerEntry> ledger_updates;          // settlements known now
};

struct DeliveryContext {
  store::Store& store;
  const MoveContext& moves;
  const StepRuntime& step;
  const store::Run& run;
  bool dry_run = false;
  const config::DeliveryConfig* config = nullptr;  // caps, quiet hours; null: none
};

// Whether a key a crash left unknown is delivered again: the step's
// on_unknown, else resend for a transactional workflow and skip for
// marketing; an idempotent step always resends (a repeat changes nothing).
bool resendsUnknown(const StepRuntime& step, const workflow::Workflow& workflow);

// Applies the delivery policy and (unless dry run) claims the ledger keys.
DeliveryPlan planDeliveries(const DeliveryContext& ctx,
                            const std::vector<store::DueJourney>& journeys, StepActivity& activity);

// The ledger settlement for a key the plugin was called for.
store::LedgerEntry settle(const store::LedgerKey& key, const StepRuntime& step,
                          const store::Run& run, store::LedgerStatus status, std::string detail,
                          int64_t now_ms);

// What a plugin outcome means for the ledger: sent unless the step failed,
// asked for time (queued: handed over again later) or to be called later.
store::LedgerStatus ledgerStatusFor(herald_outcome_kind kind);

}  // namespace herald::engine
