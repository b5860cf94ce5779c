#pragma once
// "Did you mean" helpers for error messages.
#include <string>
#include <vector>

namespace herald {

// Candidates within a small edit distance of `word`, closest first.
std::vector<std::string> closeMatches(const std::string& word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results = 3);

// "a, b and c" / "'a', 'b' or 'c'" style lists.
std::string joinList(const std::vector<std::string>& items, const std::string& last_sep = "and",
                     bool quote = false);

// " (did you mean 'x'?)" with the closest candidate, or "" when none is close.
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace herald
