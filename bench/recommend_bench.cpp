// herald-recommend-bench: the recommendations benchmark of docs/PERFORMANCE.md.
//
//   herald-recommend-bench --db var/bench-1m/herald.db [--count 3] [--repeat 3] [--batch 1000]
//
// On a database made from herald-gen-data's contacts, events and products
// (bench/recommend.sh makes one), it times, in this one process:
//
//  (a) the reference: the purchase rows read with the very statement the
//      model reads them with (store/sqlite/purchase_scan.hpp), through the
//      sqlite3 C API, every column touched, nothing computed;
//  (b) what a run does: a recommend::Recommender built on the store, asked
//      for `--count` products for every contact (not erased) in batches of
//      `--batch`, as the personalize step asks per batch of journeys: the
//      model build (read + co-occurrence + neighbours + best sellers) and
//      the answers, JSON product objects included.
//
// (a) is the median of --repeat runs after one warm-up, (b) the median of
// --repeat runs, each with a fresh Recommender. It prints both, the ratio
// (b)/(a), the split of (b), the compact top-N alone (no JSON), and the
// peak RSS. The answers are checked: every contact gets `--count` products
// (when the store has that many) and none it has bought; exit 1 otherwise.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "recommend/model.hpp"
#include "recommend/recommender.hpp"
#include "store/sqlite/purchase_scan.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "herald-recommend-bench: %s\n", why.c_str());
  std::exit(2);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      fail("cannot open " + path + ": " + sqlite3_errmsg(db_));
    }
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // The reference: every purchase row, every column read.
  int64_t scanPurchases(uint64_t& checksum) {
    sqlite3_stmt* s = prepare(herald::store::sqlite::kPurchaseScanSql);
    int64_t rows = 0;
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      ++rows;
      checksum += static_cast<uint64_t>(sqlite3_column_int64(s, 0));
      checksum += static_cast<uint64_t>(sqlite3_column_int64(s, 1));
      for (int c = 2; c <= 3; ++c) {
        const unsigned char* text = sqlite3_column_text(s, c);
        if (text != nullptr) checksum += static_cast<uint64_t>(sqlite3_column_bytes(s, c)) + *text;
      }
    }
    if (rc != SQLITE_DONE) fail(std::string("sqlite: ") + sqlite3_errmsg(db_));
    sqlite3_finalize(s);
    return rows;
  }

  std::vector<int64_t> contactIds() {
    sqlite3_stmt* s = prepare("SELECT id FROM contacts WHERE erased_ms IS NULL ORDER BY id");
    std::vector<int64_t> ids;
    while (sqlite3_step(s) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
    return ids;
  }

 private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      fail(std::string("cannot prepare: ") + sqlite3_errmsg(db_));
    }
    return s;
  }
  sqlite3* db_ = nullptr;
};

int64_t number(const char* text, const char* flag) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v <= 0) {
    fail(std::string(flag) + " wants a positive integer, not '" + text + "'");
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  size_t count = 3;
  int repeat = 3;
  size_t batch = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) fail(a + " needs a value");
      return argv[++i];
    };
    if (a == "--db") {
      db = value();
    } else if (a == "--count") {
      count = static_cast<size_t>(number(value(), "--count"));
    } else if (a == "--repeat") {
      repeat = static_cast<int>(number(value(), "--repeat"));
    } else if (a == "--batch") {
      batch = static_cast<size_t>(number(value(), "--batch"));
    } else {
      fail("unknown argument '" + a +
           "'; usage: herald-recommend-bench --db FILE [--count N] [--repeat K] [--batch B]");
    }
  }
  if (db.empty()) fail("--db FILE is required");

  auto store = herald::store::openSqliteStore(db);  // migrates an older database first
  RawDb raw(db);
  const std::vector<int64_t> contacts = raw.contactIds();

  // (a) the reference, warmed up once.
  uint64_t checksum = 0;
  int64_t rows = raw.scanPurchases(checksum);
  std::vector<double> reference;
  for (int r = 0; r < repeat; ++r) {
    const auto t = Clock::now();
    rows = raw.scanPurchases(checksum);
    reference.push_back(since(t));
  }

  // (b) the model and every contact's answer.
  std::vector<double> full, build, answer;
  int64_t bad = 0;
  herald::recommend::ModelStats stats;
  for (int r = 0; r < repeat; ++r) {
    herald::recommend::Recommender recommender(*store);
    double checking = 0;
    const auto t = Clock::now();
    const auto& model = recommender.model();
    const double built = since(t);
    std::vector<int64_t> ids;
    size_t answered = 0;
    for (size_t k = 0; k < contacts.size(); k += batch) {
      ids.assign(contacts.begin() + static_cast<ptrdiff_t>(k),
                 contacts.begin() + static_cast<ptrdiff_t>(std::min(k + batch, contacts.size())));
      const std::string text = recommender.forContactsText(ids, count);
      answered += ids.size();
      if (r > 0) continue;
      // Checked in the first run, outside its time.
      const auto check_start = Clock::now();
      const auto out = nlohmann::json::parse(text);
      if (out.size() != ids.size()) ++bad;
      for (size_t c = 0; c < out.size() && c < ids.size(); ++c) {
        const auto basket = model.basket(ids[c]);
        // At least the best sellers it has not bought are there to give.
        const size_t n_best = model.bestSellers().size();
        const size_t left = n_best > basket.size() ? n_best - basket.size() : 0;
        if (out[c].size() < std::min(count, left) || out[c].size() > count) ++bad;
        for (const auto& p : out[c]) {
          for (uint32_t i : basket) {
            if (model.id(i) == p["id"].get_ref<const std::string&>()) ++bad;
          }
        }
      }
      checking += since(check_start);
    }
    const double total = since(t) - checking;
    if (answered != contacts.size()) ++bad;
    full.push_back(total);
    build.push_back(built);
    answer.push_back(total - built);
    stats = model.stats();
  }

  // The compact top-N alone, on the last model (no JSON).
  herald::recommend::Recommender recommender(*store);
  const auto& model = recommender.model();
  herald::recommend::Model::Scratch scratch;
  std::vector<herald::recommend::Recommendation> recs;
  const auto t = Clock::now();
  uint64_t sum = 0;
  for (int64_t id : contacts) {
    model.recommend(id, count, scratch, recs);
    sum += recs.size();
  }
  const double compact = since(t);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double ref = median(reference);
  const double all = median(full);
  std::printf(
      "data:       %zu contacts, %lld purchases (%lld customers), %lld products "
      "(%lld in the catalog)\n",
      contacts.size(), static_cast<long long>(rows), static_cast<long long>(stats.customers),
      static_cast<long long>(stats.products), static_cast<long long>(stats.catalog));
  std::printf("(a) reference: scan of the purchase rows   %8.3f s  (median of %d)\n", ref, repeat);
  std::printf("(b) model build + top-%zu for all contacts  %8.3f s  (median of %d)\n", count, all,
              repeat);
  std::printf(
      "    model build                             %8.3f s  (read %.3f s, compute %.3f s)\n",
      median(build), stats.read_seconds, stats.build_seconds);
  std::printf("    answers as JSON, %5zu contacts a call   %8.3f s  (%.2f us per contact)\n", batch,
              median(answer), 1e6 * median(answer) / static_cast<double>(contacts.size()));
  std::printf("    (top-%zu alone, no JSON                  %8.3f s  (%.2f us per contact))\n",
              count, compact, 1e6 * compact / static_cast<double>(contacts.size()));
  std::printf("ratio (b)/(a): %.2f\n", all / ref);
  if (contacts.size() >= 1000000) {
    std::printf("goal: (b) <= 30 s for 1M contacts over 10M events: %s\n",
                all <= 30 ? "met" : "NOT met");
  }
  std::printf("peak RSS: %ld MiB\n", usage.ru_maxrss / 1024);
  std::printf("checksums: %llu %llu\n", static_cast<unsigned long long>(checksum % 1000003),
              static_cast<unsigned long long>(sum));
  if (bad > 0) {
    std::fprintf(stderr, "herald-recommend-bench: %lld contacts got a wrong answer\n",
                 static_cast<long long>(bad));
    return 1;
  }
  return 0;
}
