#pragma once
// "Did you mean" helpers for the segment language's messages (the segment
// library sits below workflow/, so it cannot use workflow/suggest.hpp).
#include <string>
#include <vector>

namespace herald::segment::words {

// Candidates within a small edit distance of `word`, closest first.
std::vector<std::string> closeMatches(const std::string& word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results = 1);

// "a, b and c"; with `quote`, "'a', 'b' or 'c'".
std::string joinList(const std::vector<std::string>& items, const std::string& last_sep = "or",
                     bool quote = false);

// " (did you mean 'x'?)" or "".
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace herald::segment::words
