#include "util/suggest.hpp"

#include "herald/config_schema.hpp"

namespace herald {

// One implementation, shared with the config schema's "did you mean".
std::vector<std::string> closeMatches(const std::string& word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results) {
  return config_schema::detail::closeMatches(word, candidates, max_results);
}

std::string joinList(const std::vector<std::string>& items, const std::string& last_sep,
                     bool quote) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " " + last_sep + " " : ", ";
    out += quote ? "'" + items[i] + "'" : items[i];
  }
  return out;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto close = closeMatches(word, candidates, 1);
  return close.empty() ? "" : " (did you mean '" + close[0] + "'?)";
}

}  // namespace herald
