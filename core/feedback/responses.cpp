#include "feedback/responses.hpp"

#include <map>
#include <utility>

namespace herald::feedback {

bool validScore(const store::SurveyResponse& r) {
  if (!r.score) return false;
  if (r.scale == "nps") return *r.score >= 0 && *r.score <= 10;
  if (r.scale == "csat") return *r.score >= 1 && *r.score <= 5;
  return false;
}

KeptResponses keptResponses(store::Store& store, const store::SurveyResponseFilter& filter) {
  KeptResponses out;
  // (contact, send) -> index in out.responses of the answer kept so far.
  std::map<std::pair<int64_t, std::string>, size_t> by_send;
  std::vector<bool> dropped;
  store.forEachSurveyResponse(filter, [&](const store::SurveyResponse& r) {
    if (!validScore(r)) {
      ++out.invalid;
      return;
    }
    if (!r.send.empty()) {
      auto [it, fresh] = by_send.try_emplace(std::pair<int64_t, std::string>(r.contact_id, r.send),
                                             out.responses.size());
      if (!fresh) {
        dropped[it->second] = true;
        ++out.replaced;
        it->second = out.responses.size();
      }
    }
    out.responses.push_back(r);
    dropped.push_back(false);
  });
  size_t kept = 0;
  for (size_t i = 0; i < out.responses.size(); ++i) {
    if (dropped[i]) continue;
    if (kept != i) out.responses[kept] = std::move(out.responses[i]);
    ++kept;
  }
  out.responses.resize(kept);
  return out;
}

}  // namespace herald::feedback
