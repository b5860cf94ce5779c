#include "recommend/model.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "store/store.hpp"

namespace herald::recommend {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Runs fn(i) for i in [0, n) on `threads` threads.
template <typename Fn>
void parallelFor(size_t n, unsigned threads, Fn fn) {
  if (threads <= 1 || n < 64) {
    for (size_t i = 0; i < n; ++i) fn(i, 0U);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = next++; i < n; i = next++) fn(i, t);
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

double roundScore(double s) { return std::round(s * 10000.0) / 10000.0; }

Model Model::build(store::Store& store, const ModelOptions& options) {
  Model m;
  auto start = Clock::now();

  // 1. The catalog and the purchases, with temporary item numbers in order
  // of first appearance.
  m.catalog_ = store.listProducts(-1, "");
  m.has_catalog_ = !m.catalog_.empty();
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> index;
  std::vector<std::string> ids;
  auto itemOf = [&](std::string_view id) -> uint32_t {
    auto it = index.find(id);
    if (it != index.end()) return it->second;
    const auto k = static_cast<uint32_t>(ids.size());
    ids.emplace_back(id);
    index.emplace(ids.back(), k);
    return k;
  };
  for (const auto& p : m.catalog_) itemOf(p.id);

  std::vector<int64_t> last_at;  // per basket entry: the newest purchase of it
  std::vector<std::pair<uint32_t, int64_t>> current;
  int64_t current_contact = 0;
  int64_t newest = INT64_MIN;
  m.offsets_.push_back(0);
  auto flush = [&] {
    if (current.empty()) return;
    std::sort(current.begin(), current.end());
    for (size_t k = 0; k < current.size(); ++k) {
      if (k + 1 < current.size() && current[k + 1].first == current[k].first) continue;
      m.items_.push_back(current[k].first);  // the last of equal items has the newest time
      last_at.push_back(current[k].second);
    }
    m.contacts_.push_back(current_contact);
    m.offsets_.push_back(static_cast<uint32_t>(m.items_.size()));
    current.clear();
  };
  store.forEachPurchase([&](const store::Purchase& p) {
    ++m.stats_.purchases;
    if (p.contact_id != current_contact) {
      flush();
      current_contact = p.contact_id;
    }
    newest = std::max(newest, p.at_ms);
    for (const auto& id : p.items) current.emplace_back(itemOf(id), p.at_ms);
  });
  flush();
  m.stats_.read_seconds = secondsSince(start);
  start = Clock::now();

  // 2. Items numbered in product id order, so that "ties by id" is "ties by
  // index"; baskets renumbered and sorted again.
  const size_t n = ids.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  std::vector<uint32_t> renumber(n);
  m.ids_.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    renumber[order[k]] = k;
    m.ids_[k] = std::move(ids[order[k]]);
  }
  index.clear();
  for (auto& it : m.items_) it = renumber[it];
  const size_t contacts = m.contacts_.size();
  {
    std::vector<std::pair<uint32_t, int64_t>> tmp;
    for (size_t c = 0; c < contacts; ++c) {
      const uint32_t b = m.offsets_[c], e = m.offsets_[c + 1];
      tmp.clear();
      for (uint32_t k = b; k < e; ++k) tmp.emplace_back(m.items_[k], last_at[k]);
      std::sort(tmp.begin(), tmp.end());
      for (uint32_t k = b; k < e; ++k) {
        m.items_[k] = tmp[k - b].first;
        last_at[k] = tmp[k - b].second;
      }
    }
  }

  // 3. Customers per item, all time and in the best-seller window.
  m.customers_.assign(n, 0);
  m.recent_.assign(n, 0);
  const int64_t window_start = newest == INT64_MIN ? 0 : newest - options.best_seller_window_ms;
  int64_t recent_buyers = 0;
  for (size_t c = 0; c < contacts; ++c) {
    bool recent = false;
    for (uint32_t k = m.offsets_[c]; k < m.offsets_[c + 1]; ++k) {
      ++m.customers_[m.items_[k]];
      if (last_at[k] >= window_start) {
        ++m.recent_[m.items_[k]];
        recent = true;
      }
    }
    recent_buyers += recent ? 1 : 0;
  }
  last_at = {};
  m.catalog_index_.assign(n, -1);
  for (size_t c = 0; c < m.catalog_.size(); ++c) {
    const auto it = std::lower_bound(m.ids_.begin(), m.ids_.end(), m.catalog_[c].id);
    m.catalog_index_[static_cast<size_t>(it - m.ids_.begin())] = static_cast<int32_t>(c);
  }

  // 4. Neighbours.
  m.buildNeighbours(options);

  // 5. Best sellers: recommendable products with a customer, by customers
  // in the window, then all time, then id.
  m.best_score_.assign(n, 0);
  for (uint32_t k = 0; k < n; ++k) {
    if (m.customers_[k] == 0 || (m.has_catalog_ && m.catalog_index_[k] < 0)) continue;
    m.best_.push_back(k);
    if (recent_buyers > 0) {
      m.best_score_[k] =
          roundScore(static_cast<double>(m.recent_[k]) / static_cast<double>(recent_buyers));
    }
  }
  std::stable_sort(m.best_.begin(), m.best_.end(), [&](uint32_t a, uint32_t b) {
    if (m.recent_[a] != m.recent_[b]) return m.recent_[a] > m.recent_[b];
    return m.customers_[a] > m.customers_[b];
  });

  m.stats_.customers = static_cast<int64_t>(contacts);
  m.stats_.products = static_cast<int64_t>(n);
  m.stats_.catalog = static_cast<int64_t>(m.catalog_.size());
  m.stats_.build_seconds = secondsSince(start);
  return m;
}

bool Model::better(uint32_t a, double sa, uint32_t b, double sb) const {
  if (sa != sb) return sa > sb;
  if (customers_[a] != customers_[b]) return customers_[a] > customers_[b];
  return a < b;
}

void Model::buildNeighbours(const ModelOptions& options) {
  const size_t n = ids_.size();
  const size_t contacts = contacts_.size();
  // Which baskets hold each item (CSR).
  std::vector<uint32_t> by_item_offsets(n + 1, 0);
  for (uint32_t it : items_) ++by_item_offsets[it + 1];
  for (size_t k = 0; k < n; ++k) by_item_offsets[k + 1] += by_item_offsets[k];
  std::vector<uint32_t> by_item(items_.size());
  {
    std::vector<uint32_t> fill(by_item_offsets.begin(), by_item_offsets.end() - 1);
    for (size_t c = 0; c < contacts; ++c) {
      for (uint32_t k = offsets_[c]; k < offsets_[c + 1]; ++k) {
        by_item[fill[items_[k]]++] = static_cast<uint32_t>(c);
      }
    }
  }

  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1U, threads);
  struct Work {
    std::vector<uint32_t> count;
    std::vector<uint32_t> touched;
    std::vector<std::pair<double, uint32_t>> candidates;
  };
  std::vector<Work> work(threads);
  for (auto& w : work) w.count.assign(n, 0);
  std::vector<std::vector<Neighbour>> lists(n);
  const size_t keep = options.neighbours;
  parallelFor(n, threads, [&](size_t i, unsigned t) {
    Work& w = work[t];
    w.touched.clear();
    // C(i, j) for every j: the items of every basket that holds i.
    for (uint32_t k = by_item_offsets[i]; k < by_item_offsets[i + 1]; ++k) {
      const uint32_t c = by_item[k];
      for (uint32_t e = offsets_[c]; e < offsets_[c + 1]; ++e) {
        const uint32_t j = items_[e];
        if (j == i) continue;
        if (w.count[j]++ == 0) w.touched.push_back(j);
      }
    }
    w.candidates.clear();
    for (uint32_t j : w.touched) {
      if (!has_catalog_ || catalog_index_[j] >= 0) {
        const double sim =
            static_cast<double>(w.count[j]) /
            std::sqrt(static_cast<double>(customers_[i]) * static_cast<double>(customers_[j]));
        w.candidates.emplace_back(sim, j);
      }
      w.count[j] = 0;
    }
    auto cmp = [&](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
      return better(a.second, roundScore(a.first), b.second, roundScore(b.first));
    };
    const size_t take = std::min(keep, w.candidates.size());
    std::partial_sort(w.candidates.begin(), w.candidates.begin() + static_cast<ptrdiff_t>(take),
                      w.candidates.end(), cmp);
    auto& out = lists[i];
    out.reserve(take);
    for (size_t k = 0; k < take; ++k) {
      out.push_back({w.candidates[k].second, w.candidates[k].first});
    }
  });
  nb_offsets_.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    nb_offsets_[i + 1] = nb_offsets_[i] + static_cast<uint32_t>(lists[i].size());
  }
  nb_.reserve(nb_offsets_[n]);
  for (auto& l : lists) nb_.insert(nb_.end(), l.begin(), l.end());
}

std::span<const uint32_t> Model::basket(int64_t contact_id) const {
  auto it = std::lower_bound(contacts_.begin(), contacts_.end(), contact_id);
  if (it == contacts_.end() || *it != contact_id) return {};
  const auto c = static_cast<size_t>(it - contacts_.begin());
  return {items_.data() + offsets_[c], items_.data() + offsets_[c + 1]};
}

double Model::similarity(uint32_t a, uint32_t b) const {
  for (uint32_t k = nb_offsets_[a]; k < nb_offsets_[a + 1]; ++k) {
    if (nb_[k].item == b) return nb_[k].sim;
  }
  return 0;
}

int64_t Model::strongestLink(std::span<const uint32_t> basket, uint32_t item) const {
  int64_t best = -1;
  double best_sim = 0;
  for (uint32_t i : basket) {
    const double s = similarity(i, item);
    if (s > best_sim) {
      best_sim = s;
      best = i;
    }
  }
  return best;
}

const store::Product* Model::product(uint32_t item) const {
  const int32_t k = catalog_index_[item];
  return k < 0 ? nullptr : &catalog_[static_cast<size_t>(k)];
}

void Model::recommend(int64_t contact_id, size_t count, Scratch& s,
                      std::vector<Recommendation>& out) const {
  out.clear();
  if (count == 0) return;
  const size_t n = ids_.size();
  if (s.score.size() != n) {
    s.score.assign(n, 0);
    s.mark.assign(n, 0);
    s.stamp = 0;
  }
  if (++s.stamp == 0) {
    std::fill(s.mark.begin(), s.mark.end(), 0);
    s.stamp = 1;
  }
  const auto bought = basket(contact_id);
  for (uint32_t i : bought) s.mark[i] = s.stamp;
  s.touched.clear();
  for (uint32_t i : bought) {
    for (uint32_t k = nb_offsets_[i]; k < nb_offsets_[i + 1]; ++k) {
      const uint32_t j = nb_[k].item;
      if (s.mark[j] == s.stamp) continue;
      if (s.score[j] == 0) s.touched.push_back(j);
      s.score[j] += nb_[k].sim;
    }
  }
  for (uint32_t j : s.touched) {
    out.push_back({j, roundScore(s.score[j]), true});
    s.score[j] = 0;
  }
  auto cmp = [&](const Recommendation& a, const Recommendation& b) {
    return better(a.item, a.score, b.item, b.score);
  };
  if (out.size() > count) {
    std::partial_sort(out.begin(), out.begin() + static_cast<ptrdiff_t>(count), out.end(), cmp);
    out.resize(count);
  } else {
    std::sort(out.begin(), out.end(), cmp);
  }
  for (size_t k = 0; k < best_.size() && out.size() < count; ++k) {
    const uint32_t j = best_[k];
    if (s.mark[j] == s.stamp) continue;
    bool chosen = false;
    for (const auto& r : out) chosen = chosen || r.item == j;
    if (!chosen) out.push_back({j, best_score_[j], false});
  }
}

}  // namespace herald::recommend
