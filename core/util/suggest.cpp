#include "util/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace herald {
namespace {

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
      // Transposition ("teh") counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::vector<std::string> closeMatches(const std::string& word,
                                      const std::vector<std::string>& candidates,
                                      size_t max_results) {
  std::vector<std::pair<size_t, std::string>> scored;
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  for (const auto& c : candidates) {
    const size_t d = editDistance(word, c);
    // A candidate that merely contains the word ("email" in "outbox.email") is close too.
    const bool contains = word.size() >= 3 && c.find(word) != std::string::npos;
    if (d <= limit || contains) scored.emplace_back(contains ? std::min<size_t>(d, 1) : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& s : scored) {
    // Only the best matches: one typo away beats three.
    if (out.size() >= max_results || s.first > scored.front().first + 1) break;
    out.push_back(s.second);
  }
  return out;
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
