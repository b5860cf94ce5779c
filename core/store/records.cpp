#include "store/records.hpp"

#include <array>
#include <utility>

namespace herald::store {
namespace {

constexpr std::array<std::pair<RunStatus, const char*>, 4> kRunStatusNames{{
    {RunStatus::kRunning, "running"},
    {RunStatus::kWaiting, "waiting"},
    {RunStatus::kDone, "done"},
    {RunStatus::kFailed, "failed"},
}};

constexpr std::array<std::pair<JourneyStatus, const char*>, 6> kJourneyStatusNames{{
    {JourneyStatus::kActive, "active"},
    {JourneyStatus::kWaiting, "waiting"},
    {JourneyStatus::kDone, "done"},
    {JourneyStatus::kExited, "exited"},
    {JourneyStatus::kFailed, "failed"},
    {JourneyStatus::kRefused, "refused"},
}};

constexpr std::array<std::pair<LedgerStatus, const char*>, 5> kLedgerStatusNames{{
    {LedgerStatus::kSending, "sending"},
    {LedgerStatus::kSent, "sent"},
    {LedgerStatus::kFailed, "failed"},
    {LedgerStatus::kUnknown, "unknown"},
    {LedgerStatus::kSkipped, "skipped"},
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

std::string LedgerKey::text() const {
  // Stable across versions: providers receive it as an idempotency key, and a
  // resend after an upgrade must present the same key.
  return workflow + '/' + revision + '/' + step_id + '/' + std::to_string(contact_id) + '/' +
         std::to_string(occurrence);
}

}  // namespace herald::store
