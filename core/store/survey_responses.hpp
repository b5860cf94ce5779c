#pragma once
// Survey answers as the Store reads them: `survey_response` events with the
// properties the survey step writes (docs/workflows.md, "Feedback: NPS and
// CSAT reports"), and the filter a feedback report reads them with.
#include <cstdint>
#include <optional>
#include <string>

namespace herald::store {

struct SurveyResponse {
  int64_t event_id = 0;
  int64_t contact_id = 0;
  int64_t at_ms = 0;
  std::string contact_external_id;  // "" when the contact has none (or was erased)
  std::string contact_email;        // "" likewise
  std::optional<int64_t> score;     // nullopt when missing or not an integer
  std::string scale;                // "nps", "csat", or whatever the event says
  std::string comment;
  std::string survey;
  std::string workflow;
  std::string revision;
  std::string step;
  std::string variant;
  std::string send;  // the ledger key of the message that asked; "" when none
};

// Empty strings and nullopt times do not filter. Times are at_ms bounds:
// since inclusive, until exclusive.
struct SurveyResponseFilter {
  std::string survey;
  std::string workflow;
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
};

}  // namespace herald::store
