#include "store/records.hpp"

#include <array>
#include <string>
#include <utility>

#include "store/experiments.hpp"

namespace herald::store {
namespace {

constexpr std::array<std::pair<RunStatus, const char*>, 5> kRunStatusNames{{
    {RunStatus::kRunning, "running"},
    {RunStatus::kWaiting, "waiting"},
    {RunStatus::kDone, "done"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kCanceled, "canceled"},
}};

constexpr std::array<std::pair<JourneyStatus, const char*>, 6> kJourneyStatusNames{{
    {JourneyStatus::kActive, "active"},
    {JourneyStatus::kWaiting, "waiting"},
    {JourneyStatus::kDone, "done"},
    {JourneyStatus::kExited, "exited"},
    {JourneyStatus::kFailed, "failed"},
    {JourneyStatus::kRefused, "refused"},
}};

constexpr std::array<std::pair<LedgerStatus, const char*>, 8> kLedgerStatusNames{{
    {LedgerStatus::kQueued, "queued"},
    {LedgerStatus::kSending, "sending"},
    {LedgerStatus::kSent, "sent"},
    {LedgerStatus::kFailed, "failed"},
    {LedgerStatus::kRefused, "refused"},
    {LedgerStatus::kDeferred, "deferred"},
    {LedgerStatus::kUnknown, "unknown"},
    {LedgerStatus::kSkipped, "skipped"},
}};

constexpr std::array<std::pair<ExperimentPhase, const char*>, 5> kExperimentPhaseNames{{
    {ExperimentPhase::kSplit, "split"},
    {ExperimentPhase::kTest, "test"},
    {ExperimentPhase::kHoldout, "holdout"},
    {ExperimentPhase::kWaiting, "waiting"},
    {ExperimentPhase::kRollout, "rollout"},
}};

template <typename E, size_t N>
const char* nameOf(const std::array<std::pair<E, const char*>, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char*>, N>& names,
                         const std::string& text) {
  for (const auto& [v, name] : names) {
    if (text == name) return v;
  }
  return std::nullopt;
}

}  // namespace

const char* toString(RunStatus s) { return nameOf(kRunStatusNames, s); }
std::optional<RunStatus> runStatusFromString(const std::string& s) {
  return valueOf(kRunStatusNames, s);
}

const char* toString(JourneyStatus s) { return nameOf(kJourneyStatusNames, s); }
std::optional<JourneyStatus> journeyStatusFromString(const std::string& s) {
  return valueOf(kJourneyStatusNames, s);
}

const char* toString(LedgerStatus s) { return nameOf(kLedgerStatusNames, s); }
std::optional<LedgerStatus> ledgerStatusFromString(const std::string& s) {
  return valueOf(kLedgerStatusNames, s);
}

const char* toString(ExperimentPhase p) { return nameOf(kExperimentPhaseNames, p); }
std::optional<ExperimentPhase> experimentPhaseFromString(const std::string& s) {
  return valueOf(kExperimentPhaseNames, s);
}

std::string LedgerKey::text() const {
  // Stable across versions: providers receive it as an idempotency key, and a
  // resend after an upgrade must present the same key.
  return workflow + '/' + revision + '/' + step_id + '/' + std::to_string(contact_id) + '/' +
         std::to_string(occurrence);
}

std::optional<LedgerKey> parseLedgerKey(const std::string& text) {
  // From the right: the workflow name is the only part that could hold a '/'.
  std::string parts[4];
  size_t end = text.size();
  for (int i = 3; i >= 0; --i) {
    const size_t slash = end == 0 ? std::string::npos : text.rfind('/', end - 1);
    if (slash == std::string::npos) return std::nullopt;
    parts[i] = text.substr(slash + 1, end - slash - 1);
    end = slash;
  }
  auto number = [](const std::string& s, int64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    out = std::stoll(s);
    return true;
  };
  LedgerKey k;
  k.workflow = text.substr(0, end);
  k.revision = parts[0];
  k.step_id = parts[1];
  if (k.workflow.empty() || k.revision.empty() || k.step_id.empty() ||
      !number(parts[2], k.contact_id) || !number(parts[3], k.occurrence))
    return std::nullopt;
  return k;
}

}  // namespace herald::store
