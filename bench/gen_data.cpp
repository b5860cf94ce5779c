// herald-gen-data: a seeded, deterministic generator of realistic contacts
// and events for benchmarks, tests and the demo. The same arguments produce
// the same bytes on every machine: it uses its own PRNG and integer maths,
// never std::*_distribution (whose output differs between standard libraries)
// nor floating point.
//
//   herald-gen-data --contacts 1000000 --events 10000000 --seed 42 --out DIR
//
// writes DIR/contacts.csv, DIR/events.csv and DIR/products.csv, the product
// catalogue the purchases name (or .jsonl with --format jsonl).
//
// Contacts: names in eight locales, a country with a city and its time zone,
// gender, birth date, plan, newsletter, interests (a list attribute), tags,
// email and SMS consent with source, time and wording, and order figures
// (orders, lifetime value, days since the last order) that include the
// purchases in the events file. Emails use reserved example domains; phone
// numbers are random digits.
//
// Events: two years up to 2025-06-01 of opens, clicks, product views and
// purchases (amount and currency, items from a catalogue of 400 products
// whose popularity falls off as 1/rank). Activity is skewed: a tenth of the
// contacts make about half of the events, a quarter almost none; a third of
// the contacts stop being active at some point (lapsed customers); a quarter
// never buy. Events are written contact by contact, each after its contact
// signed up.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

// xoshiro256** seeded with splitmix64: fast, and fully specified.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((__uint128_t{next()} * n) >> 64); }
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability percent/100.
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }
  // An index drawn with the given weights.
  template <typename T>
  size_t weighted(std::span<const T> items) {
    uint64_t total = 0;
    for (const auto& i : items) total += i.weight;
    uint64_t r = below(total);
    for (size_t k = 0; k < items.size(); ++k) {
      if (r < items[k].weight) return k;
      r -= items[k].weight;
    }
    return 0;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

struct Name {
  std::string_view native;
  std::string_view ascii;  // for the email address
  char gender;             // 'f' or 'm'
};

struct City {
  std::string_view name;
  std::string_view zone;  // its IANA time zone
  unsigned weight;
};

struct Country {
  std::string_view code;    // ISO 3166-1 alpha-2
  std::string_view locale;  // BCP 47
  std::string_view dial;
  int national_digits;
  std::string_view currency;  // the shop prices in USD, EUR or GBP
  int64_t price_permille;     // the local price list against USD
  std::span<const City> cities;
  std::span<const Name> first;
  std::span<const Name> last;
  unsigned weight;
};

constexpr City kUsCities[] = {
    {"New York", "America/New_York", 30},  {"Los Angeles", "America/Los_Angeles", 20},
    {"Chicago", "America/Chicago", 14},    {"Houston", "America/Chicago", 10},
    {"Phoenix", "America/Phoenix", 7},     {"Boston", "America/New_York", 8},
    {"Seattle", "America/Los_Angeles", 8}, {"Denver", "America/Denver", 6},
    {"Atlanta", "America/New_York", 8},    {"Miami", "America/New_York", 7}};
constexpr City kGbCities[] = {
    {"London", "Europe/London", 40},     {"Manchester", "Europe/London", 12},
    {"Birmingham", "Europe/London", 12}, {"Glasgow", "Europe/London", 8},
    {"Edinburgh", "Europe/London", 7},   {"Bristol", "Europe/London", 6}};
constexpr City kDeCities[] = {{"Berlin", "Europe/Berlin", 30},   {"Hamburg", "Europe/Berlin", 15},
                              {"München", "Europe/Berlin", 15},  {"Köln", "Europe/Berlin", 10},
                              {"Frankfurt", "Europe/Berlin", 8}, {"Leipzig", "Europe/Berlin", 6}};
constexpr City kFrCities[] = {{"Paris", "Europe/Paris", 35},     {"Lyon", "Europe/Paris", 12},
                              {"Marseille", "Europe/Paris", 12}, {"Toulouse", "Europe/Paris", 8},
                              {"Nice", "Europe/Paris", 6},       {"Lille", "Europe/Paris", 6}};
constexpr City kKrCities[] = {{"Seoul", "Asia/Seoul", 45},
                              {"Busan", "Asia/Seoul", 15},
                              {"Incheon", "Asia/Seoul", 12},
                              {"Daegu", "Asia/Seoul", 8}};
constexpr City kJpCities[] = {{"Tokyo", "Asia/Tokyo", 40},
                              {"Osaka", "Asia/Tokyo", 15},
                              {"Yokohama", "Asia/Tokyo", 12},
                              {"Nagoya", "Asia/Tokyo", 8},
                              {"Sapporo", "Asia/Tokyo", 6}};
constexpr City kEsCities[] = {{"Madrid", "Europe/Madrid", 30},
                              {"Barcelona", "Europe/Madrid", 25},
                              {"Valencia", "Europe/Madrid", 10},
                              {"Sevilla", "Europe/Madrid", 8}};
constexpr City kBrCities[] = {{"São Paulo", "America/Sao_Paulo", 35},
                              {"Rio de Janeiro", "America/Sao_Paulo", 20},
                              {"Belo Horizonte", "America/Sao_Paulo", 8},
                              {"Fortaleza", "America/Fortaleza", 6},
                              {"Recife", "America/Recife", 6}};

constexpr Name kEnFirst[] = {{"James", "james", 'm'},     {"Mary", "mary", 'f'},
                             {"Robert", "robert", 'm'},   {"Patricia", "patricia", 'f'},
                             {"John", "john", 'm'},       {"Jennifer", "jennifer", 'f'},
                             {"Michael", "michael", 'm'}, {"Linda", "linda", 'f'},
                             {"David", "david", 'm'},     {"Elizabeth", "elizabeth", 'f'},
                             {"William", "william", 'm'}, {"Susan", "susan", 'f'},
                             {"Olivia", "olivia", 'f'},   {"Noah", "noah", 'm'},
                             {"Emma", "emma", 'f'},       {"Liam", "liam", 'm'},
                             {"Ava", "ava", 'f'},         {"Ethan", "ethan", 'm'},
                             {"Sophia", "sophia", 'f'},   {"Mason", "mason", 'm'},
                             {"Chloe", "chloe", 'f'},     {"Zoë", "zoe", 'f'},
                             {"Seán", "sean", 'm'},       {"Amelia", "amelia", 'f'}};
constexpr Name kEnLast[] = {
    {"Smith", "smith", 0},    {"Johnson", "johnson", 0},   {"Williams", "williams", 0},
    {"Brown", "brown", 0},    {"Jones", "jones", 0},       {"Garcia", "garcia", 0},
    {"Miller", "miller", 0},  {"Davis", "davis", 0},       {"Wilson", "wilson", 0},
    {"Taylor", "taylor", 0},  {"Anderson", "anderson", 0}, {"Thomas", "thomas", 0},
    {"Moore", "moore", 0},    {"Clark", "clark", 0},       {"Lewis", "lewis", 0},
    {"O'Brien", "obrien", 0}, {"Walker", "walker", 0},     {"Young", "young", 0},
    {"Hall", "hall", 0},      {"Allen", "allen", 0}};
constexpr Name kDeFirst[] = {{"Lukas", "lukas", 'm'},           {"Anna", "anna", 'f'},
                             {"Jonas", "jonas", 'm'},           {"Lea", "lea", 'f'},
                             {"Felix", "felix", 'm'},           {"Hannah", "hannah", 'f'},
                             {"Maximilian", "maximilian", 'm'}, {"Sophie", "sophie", 'f'},
                             {"Jürgen", "juergen", 'm'},        {"Jörg", "joerg", 'm'},
                             {"Marie", "marie", 'f'},           {"Paul", "paul", 'm'}};
constexpr Name kDeLast[] = {
    {"Müller", "mueller", 0},    {"Schmidt", "schmidt", 0}, {"Schneider", "schneider", 0},
    {"Fischer", "fischer", 0},   {"Weber", "weber", 0},     {"Meyer", "meyer", 0},
    {"Wagner", "wagner", 0},     {"Becker", "becker", 0},   {"Schäfer", "schaefer", 0},
    {"Hoffmann", "hoffmann", 0}, {"Koch", "koch", 0},       {"Groß", "gross", 0}};
constexpr Name kFrFirst[] = {
    {"Louis", "louis", 'm'}, {"Léa", "lea", 'f'},         {"Gabriel", "gabriel", 'm'},
    {"Chloé", "chloe", 'f'}, {"Hugo", "hugo", 'm'},       {"Manon", "manon", 'f'},
    {"Théo", "theo", 'm'},   {"Camille", "camille", 'f'}, {"Jules", "jules", 'm'},
    {"Inès", "ines", 'f'},   {"Arthur", "arthur", 'm'},   {"Zoé", "zoe", 'f'}};
constexpr Name kFrLast[] = {
    {"Martin", "martin", 0}, {"Bernard", "bernard", 0}, {"Dubois", "dubois", 0},
    {"Thomas", "thomas", 0}, {"Robert", "robert", 0},   {"Richard", "richard", 0},
    {"Petit", "petit", 0},   {"Durand", "durand", 0},   {"Lefèvre", "lefevre", 0},
    {"Moreau", "moreau", 0}, {"Laurent", "laurent", 0}, {"Girard", "girard", 0}};
constexpr Name kKrFirst[] = {
    {"민준", "minjun", 'm'}, {"서연", "seoyeon", 'f'}, {"도윤", "doyun", 'm'},
    {"서윤", "seoyun", 'f'}, {"예준", "yejun", 'm'},   {"지우", "jiwoo", 'f'},
    {"하준", "hajun", 'm'},  {"하은", "haeun", 'f'},   {"지호", "jiho", 'm'},
    {"민서", "minseo", 'f'}, {"주원", "juwon", 'm'},   {"지민", "jimin", 'f'}};
constexpr Name kKrLast[] = {
    {"김", "kim", 0},  {"이", "lee", 0}, {"박", "park", 0}, {"최", "choi", 0}, {"정", "jung", 0},
    {"강", "kang", 0}, {"조", "cho", 0}, {"윤", "yoon", 0}, {"장", "jang", 0}, {"임", "lim", 0}};
constexpr Name kJpFirst[] = {{"陽翔", "haruto", 'm'}, {"結菜", "yuina", 'f'}, {"蓮", "ren", 'm'},
                             {"陽葵", "himari", 'f'}, {"湊", "minato", 'm'},  {"凛", "rin", 'f'},
                             {"大翔", "hiroto", 'm'}, {"芽依", "mei", 'f'}};
constexpr Name kJpLast[] = {{"佐藤", "sato", 0},      {"鈴木", "suzuki", 0},
                            {"高橋", "takahashi", 0}, {"田中", "tanaka", 0},
                            {"伊藤", "ito", 0},       {"渡辺", "watanabe", 0},
                            {"山本", "yamamoto", 0},  {"中村", "nakamura", 0}};
constexpr Name kEsFirst[] = {{"Hugo", "hugo", 'm'},     {"Lucía", "lucia", 'f'},
                             {"Martín", "martin", 'm'}, {"Sofía", "sofia", 'f'},
                             {"Mateo", "mateo", 'm'},   {"Martina", "martina", 'f'},
                             {"Pablo", "pablo", 'm'},   {"Valeria", "valeria", 'f'}};
constexpr Name kEsLast[] = {{"García", "garcia", 0},     {"Rodríguez", "rodriguez", 0},
                            {"González", "gonzalez", 0}, {"Fernández", "fernandez", 0},
                            {"López", "lopez", 0},       {"Martínez", "martinez", 0},
                            {"Sánchez", "sanchez", 0},   {"Pérez", "perez", 0}};
constexpr Name kBrFirst[] = {{"Miguel", "miguel", 'm'}, {"Helena", "helena", 'f'},
                             {"Arthur", "arthur", 'm'}, {"Alice", "alice", 'f'},
                             {"Heitor", "heitor", 'm'}, {"Laura", "laura", 'f'},
                             {"João", "joao", 'm'},     {"Júlia", "julia", 'f'}};
constexpr Name kBrLast[] = {{"Silva", "silva", 0},         {"Santos", "santos", 0},
                            {"Oliveira", "oliveira", 0},   {"Souza", "souza", 0},
                            {"Lima", "lima", 0},           {"Pereira", "pereira", 0},
                            {"Conceição", "conceicao", 0}, {"Araújo", "araujo", 0}};

const Country kCountries[] = {
    {"US", "en-US", "1", 10, "USD", 1000, kUsCities, kEnFirst, kEnLast, 40},
    {"GB", "en-GB", "44", 10, "GBP", 820, kGbCities, kEnFirst, kEnLast, 8},
    {"DE", "de-DE", "49", 10, "EUR", 950, kDeCities, kDeFirst, kDeLast, 12},
    {"FR", "fr-FR", "33", 9, "EUR", 950, kFrCities, kFrFirst, kFrLast, 10},
    {"KR", "ko-KR", "82", 9, "USD", 1000, kKrCities, kKrFirst, kKrLast, 12},
    {"JP", "ja-JP", "81", 10, "USD", 1000, kJpCities, kJpFirst, kJpLast, 6},
    {"ES", "es-ES", "34", 9, "EUR", 950, kEsCities, kEsFirst, kEsLast, 6},
    {"BR", "pt-BR", "55", 11, "USD", 1000, kBrCities, kBrFirst, kBrLast, 6},
};

constexpr std::string_view kDomains[] = {"example.com",      "example.org",   "example.net",
                                         "mail.example.com", "example.co.uk", "example.de"};
constexpr std::string_view kPlans[] = {"free",    "free", "free", "starter",
                                       "starter", "pro",  "pro",  "enterprise"};
// Bit i of Profile::tags is kTags[i]; "vip" is added for big spenders.
constexpr std::string_view kTags[] = {"beta",       "black-friday", "churn-risk",
                                      "mobile-app", "referral",     "webinar-2024"};
// Interests, most popular first (bit i of Profile::interests).
struct Weighted {
  std::string_view name;
  unsigned weight;
};
constexpr Weighted kInterests[] = {
    {"travel", 30},      {"cooking", 26},    {"fitness", 24},  {"music", 22},   {"books", 20},
    {"tech", 20},        {"fashion", 18},    {"outdoors", 16}, {"running", 14}, {"gaming", 14},
    {"photography", 11}, {"home-decor", 10}, {"gardening", 9}, {"coffee", 9},   {"pets", 8},
    {"beauty", 8},       {"cycling", 7},     {"wine", 6},      {"film", 6},     {"art", 5}};
constexpr std::string_view kCompanies[] = {"Acme Corp",
                                           "Globex",
                                           "Initech",
                                           "Umbrella, Ltd.",
                                           "Stark Industries",
                                           "Wayne Enterprises",
                                           "Hooli",
                                           "Vandelay \"Imports\"",
                                           "Soylent, Inc.",
                                           "Tyrell Corporation"};
struct ConsentSource {
  std::string_view name;
  std::string_view wording;  // what the person agreed to
};
constexpr ConsentSource kEmailSources[] = {
    {"signup-form", "Yes, send me news and offers by email. I can unsubscribe at any time."},
    {"checkout", "Email me about new products, offers and events."},
    {"webinar-registration", "Keep me informed about future webinars and products by email."},
    {"in-store", "Sign me up for the newsletter (on paper, in store)."}};
constexpr ConsentSource kSmsSources[] = {
    {"checkout",
     "Text me offers and order updates. Msg & data rates may apply. Reply STOP to end."},
    {"sms-keyword", "Replied JOIN to 55555: up to 4 offers a month, reply STOP to end."},
    {"in-store", "Text me offers (on paper, in store)."}};
constexpr std::string_view kPromos[] = {"spring-sale",  "summer-sale", "back-to-school",
                                        "black-friday", "winter-sale", "product-launch"};

// The catalogue: kProducts products, P0001..; their popularity falls off as
// 1/rank and the most popular ones are spread over the ids.
constexpr int kProducts = 400;
constexpr int64_t kBasePrices[] = {900, 1500, 1900, 2400, 2900, 3900, 4900, 6900, 8900, 12900};

struct Catalogue {
  int64_t price[kProducts + 1];    // by product id, USD cents
  uint64_t cumulative[kProducts];  // by popularity rank
  int id_of_rank[kProducts];

  Catalogue() {
    uint64_t sum = 0;
    for (int r = 0; r < kProducts; ++r) {
      id_of_rank[r] = (r * 137) % kProducts + 1;  // 137 and 400 are coprime: a permutation
      sum += 1000000 / static_cast<uint64_t>(r + 1);
      cumulative[r] = sum;
    }
    for (int id = 1; id <= kProducts; ++id) {
      price[id] =
          kBasePrices[(static_cast<uint64_t>(id) * 2654435761U >> 7) % std::size(kBasePrices)];
    }
  }
  int draw(Rng& rng) const {
    uint64_t u = rng.below(cumulative[kProducts - 1]);
    auto it = std::upper_bound(std::begin(cumulative), std::end(cumulative), u);
    return id_of_rank[it - std::begin(cumulative)];
  }
};

// Everything is relative to this instant so the output does not depend on
// the day it is generated: 2025-06-01T00:00:00Z. Events cover the two years
// before it.
constexpr int64_t kBaseSeconds = 1748736000;
constexpr int64_t kDay = 86400;
constexpr int64_t kHistorySeconds = 730 * kDay;

struct Civil {
  int64_t y, m, d;
};
// civil_from_days (H. Hinnant)
Civil civilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

class Out {
 public:
  explicit Out(const std::filesystem::path& path) : f_(std::fopen(path.c_str(), "wb")) {
    if (f_ == nullptr) {
      std::fprintf(stderr, "herald-gen-data: cannot write %s: %s\n", path.c_str(),
                   std::strerror(errno));
      std::exit(1);
    }
    buf_.reserve(kFlushAt + 4096);
  }
  ~Out() {
    flush();
    if (std::fclose(f_) != 0) {
      std::fprintf(stderr, "herald-gen-data: cannot write: %s\n", std::strerror(errno));
      std::exit(1);
    }
  }
  Out& operator<<(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushAt) flush();
    return *this;
  }
  Out& operator<<(char c) {
    buf_.push_back(c);
    return *this;
  }
  Out& num(int64_t v) {
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, p);
    return *this;
  }
  Out& pad(int64_t v, int width) {
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    for (int i = static_cast<int>(p - tmp); i < width; ++i) buf_.push_back('0');
    buf_.append(tmp, p);
    return *this;
  }
  Out& cents(int64_t c) {
    num(c / 100) << '.';
    return pad(c % 100, 2);
  }
  // A CSV field, quoted when it needs to be.
  Out& csv(std::string_view s) {
    if (s.find_first_of(",\"\n") == std::string_view::npos) return *this << s;
    buf_.push_back('"');
    for (char c : s) {
      if (c == '"') buf_.push_back('"');
      buf_.push_back(c);
    }
    buf_.push_back('"');
    return *this;
  }
  // A JSON string.
  Out& json(std::string_view s) {
    buf_.push_back('"');
    for (char c : s) {
      if (c == '"' || c == '\\') buf_.push_back('\\');
      buf_.push_back(c);
    }
    buf_.push_back('"');
    return *this;
  }
  Out& date(int64_t days) {
    Civil c = civilFromDays(days);
    pad(c.y, 4) << '-';
    pad(c.m, 2) << '-';
    return pad(c.d, 2);
  }
  Out& time(int64_t unix_seconds, bool with_time = true) {
    int64_t days = floorDiv(unix_seconds, kDay);
    int64_t rem = unix_seconds - days * kDay;
    date(days);
    if (!with_time) return *this;
    *this << 'T';
    pad(rem / 3600, 2) << ':';
    pad(rem / 60 % 60, 2) << ':';
    pad(rem % 60, 2) << 'Z';
    return *this;
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      std::fprintf(stderr, "herald-gen-data: cannot write: %s\n", std::strerror(errno));
      std::exit(1);
    }
    buf_.clear();
  }
  std::FILE* f_;
  std::string buf_;
};

// One contact, drawn before any event so the events can follow it.
struct Profile {
  const Country* country;
  const City* city;
  const Name* first;
  const Name* last;
  std::string phone;
  std::string_view plan;
  std::string_view domain;
  char gender;         // 'f', 'm', 'x' (non-binary), 0: not given
  int64_t birth_days;  // days since 1970-01-01; INT64_MIN: not given
  int64_t signed_up;   // unix seconds
  uint32_t interests;  // bits of kInterests
  unsigned tags;       // bits of kTags
  int company;         // -1: none
  bool newsletter;
  bool prefers_sms;
  bool email_granted;
  int email_source;
  int64_t email_at;
  int sms;  // 1 yes, 0 no, -1 not asked
  int sms_source;
  int64_t sms_at;
  // Activity.
  uint32_t activity;     // relative number of events
  unsigned buy_percent;  // share of the contact's events that are purchases
  int64_t active_from, active_until;
  // Orders: those before the events' two years, then the purchases below.
  int64_t orders;
  int64_t order_cents;
  int64_t last_order;  // unix seconds; -1: never ordered
};

Profile makeProfile(Rng& rng) {
  Profile c{};
  c.country = &kCountries[rng.weighted(std::span<const Country>(kCountries))];
  c.city = &c.country->cities[rng.weighted(c.country->cities)];
  c.first = &rng.pick(c.country->first);
  c.last = &rng.pick(c.country->last);
  c.domain = rng.pick(std::span<const std::string_view>(kDomains));
  if (rng.chance(85)) {
    // Some written the way people type them; the importer normalises.
    std::string digits;
    for (int i = 0; i < c.country->national_digits; ++i) {
      digits += static_cast<char>('0' + (i == 0 ? rng.between(2, 9) : rng.between(0, 9)));
    }
    c.phone.push_back('+');
    c.phone.append(c.country->dial);
    if (rng.chance(30)) {
      c.phone.push_back(' ');
      c.phone.append(digits, 0, 3);
      c.phone.push_back(' ');
      c.phone.append(digits, 3);
    } else {
      c.phone.append(digits);
    }
  }
  uint64_t g = rng.below(100);
  c.gender = g < 90 ? c.first->gender : g < 92 ? 'x' : 0;
  // Ages 18 to 85, most between 25 and 55.
  if (rng.chance(93)) {
    int64_t age =
        rng.chance(95) ? 18 + rng.between(0, 19) + rng.between(0, 29) : rng.between(66, 85);
    c.birth_days = kBaseSeconds / kDay - age * 365 - age / 4 - rng.between(0, 364);
  } else {
    c.birth_days = INT64_MIN;
  }
  c.plan = rng.pick(std::span<const std::string_view>(kPlans));
  c.signed_up = kBaseSeconds - rng.between(1, 6 * 365) * kDay + rng.between(0, kDay - 1);
  c.newsletter = rng.chance(70);
  c.tags = static_cast<unsigned>(rng.below(64)) & static_cast<unsigned>(rng.below(64));
  int n_interests = static_cast<int>(rng.below(5));  // 0..4
  for (int k = 0; k < n_interests; ++k) {
    c.interests |= 1u << rng.weighted(std::span<const Weighted>(kInterests));
  }
  c.company = rng.chance(12) ? static_cast<int>(rng.below(std::size(kCompanies))) : -1;
  c.email_granted = rng.chance(88);
  c.email_source = static_cast<int>(rng.below(std::size(kEmailSources)));
  c.email_at = c.signed_up + rng.between(0, kDay * 30);
  c.sms = c.phone.empty() ? -1 : rng.chance(50) ? 1 : rng.chance(50) ? 0 : -1;
  c.sms_source = static_cast<int>(rng.below(std::size(kSmsSources)));
  c.sms_at = c.signed_up + rng.between(0, kDay * 300);
  c.prefers_sms = !c.phone.empty() && rng.chance(25);

  // A quarter nearly silent, a tenth very active.
  uint64_t a = rng.below(100);
  c.activity = a < 25   ? 1
               : a < 65 ? static_cast<uint32_t>(rng.between(4, 12))
               : a < 90 ? static_cast<uint32_t>(rng.between(15, 40))
                        : static_cast<uint32_t>(rng.between(50, 200));
  c.buy_percent = rng.chance(25) ? 0 : static_cast<unsigned>(rng.between(4, 22));
  c.active_from = std::max(c.signed_up, kBaseSeconds - kHistorySeconds);
  c.active_until = kBaseSeconds;
  if (rng.chance(35)) c.active_until = rng.between(c.active_from, kBaseSeconds);

  // Orders before the two years the events cover.
  c.last_order = -1;
  const int64_t history_start = kBaseSeconds - kHistorySeconds;
  if (c.buy_percent > 0 && c.signed_up < history_start && rng.chance(60)) {
    c.orders = rng.between(1, 1 + c.activity / 8);
    for (int64_t i = 0; i < c.orders; ++i) c.order_cents += rng.between(900, 12000);
    c.last_order = rng.between(c.signed_up, history_start - 1);
  }
  return c;
}

// Tags in order, each written by `item`, separated by `sep`.
void tagList(Out& out, unsigned tags, bool vip, std::string_view sep, std::string_view quote) {
  bool first = true;
  auto item = [&](std::string_view t) {
    if (!first) out << sep;
    out << quote << t << quote;
    first = false;
  };
  for (size_t i = 0; i < std::size(kTags); ++i) {
    if (tags & (1u << i)) item(kTags[i]);
  }
  if (vip) item("vip");
}

void interestList(Out& out, uint32_t interests, std::string_view sep, std::string_view quote) {
  bool first = true;
  for (size_t i = 0; i < std::size(kInterests); ++i) {
    if ((interests & (1u << i)) == 0) continue;
    if (!first) out << sep;
    out << quote << kInterests[i].name << quote;
    first = false;
  }
}

std::string_view genderName(char g) {
  return g == 'f' ? "female" : g == 'm' ? "male" : g == 'x' ? "non-binary" : "";
}

void writeContacts(const std::filesystem::path& path, const std::vector<Profile>& profiles,
                   bool jsonl) {
  Out out(path);
  if (!jsonl) {
    out << "external_id,email,phone,first_name,last_name,gender,birth_date:date,country,city,"
           "timezone,locale,plan,orders:number,lifetime_value:number,"
           "days_since_last_order:number,signed_up:date,newsletter:boolean,preferred_channel,"
           "company,interests:tags,tags,consent_email,consent_email_source,consent_email_at,"
           "consent_email_wording,consent_sms,consent_sms_source,consent_sms_at,"
           "consent_sms_wording\n";
  }
  for (size_t k = 0; k < profiles.size(); ++k) {
    const Profile& c = profiles[k];
    const int64_t i = static_cast<int64_t>(k) + 1;
    const bool vip = c.order_cents > 50000;
    const int64_t days_since = c.last_order < 0 ? -1 : (kBaseSeconds - c.last_order) / kDay;
    const std::string_view gender = genderName(c.gender);
    const ConsentSource& es = kEmailSources[c.email_source];
    const ConsentSource& ss = kSmsSources[c.sms_source];
    if (jsonl) {
      out << "{\"external_id\":\"C";
      out.pad(i, 7) << "\",\"email\":\"" << c.first->ascii << '.' << c.last->ascii << '.';
      out.num(i) << '@' << c.domain << '"';
      if (!c.phone.empty()) out << ",\"phone\":\"" << c.phone << '"';
      out << ",\"first_name\":";
      out.json(c.first->native) << ",\"last_name\":";
      out.json(c.last->native) << ",\"timezone\":\"" << c.city->zone << "\",\"locale\":\""
                               << c.country->locale << "\",\"attributes\":{";
      if (!gender.empty()) out << "\"gender\":\"" << gender << "\",";
      if (c.birth_days != INT64_MIN) {
        out << "\"birth_date\":\"";
        out.date(c.birth_days) << "\",";
      }
      out << "\"country\":\"" << c.country->code << "\",\"city\":";
      out.json(c.city->name) << ",\"plan\":\"" << c.plan << "\",\"orders\":";
      out.num(c.orders) << ",\"lifetime_value\":";
      out.cents(c.order_cents);
      if (days_since >= 0) {
        out << ",\"days_since_last_order\":";
        out.num(days_since);
      }
      out << ",\"signed_up\":\"";
      out.time(c.signed_up, false)
          << "\",\"newsletter\":" << (c.newsletter ? "true" : "false")
          << ",\"preferred_channel\":\"" << (c.prefers_sms ? "sms" : "email") << '"';
      if (c.company >= 0) {
        out << ",\"company\":";
        out.json(kCompanies[c.company]);
      }
      out << ",\"interests\":[";
      interestList(out, c.interests, ",", "\"");
      out << "]},\"tags\":[";
      tagList(out, c.tags, vip, ",", "\"");
      out << "],\"consents\":{\"email\":{\"granted\":" << (c.email_granted ? "true" : "false")
          << ",\"source\":\"" << es.name << "\",\"at\":\"";
      out.time(c.email_at) << "\",\"wording\":";
      out.json(es.wording) << '}';
      if (c.sms >= 0) {
        out << ",\"sms\":{\"granted\":" << (c.sms ? "true" : "false") << ",\"source\":\"" << ss.name
            << "\",\"at\":\"";
        out.time(c.sms_at) << "\",\"wording\":";
        out.json(ss.wording) << '}';
      }
      out << "}}\n";
      continue;
    }
    out << 'C';
    out.pad(i, 7) << ',' << c.first->ascii << '.' << c.last->ascii << '.';
    out.num(i) << '@' << c.domain << ',' << c.phone << ',';
    out.csv(c.first->native) << ',';
    out.csv(c.last->native) << ',' << gender << ',';
    if (c.birth_days != INT64_MIN) out.date(c.birth_days);
    out << ',' << c.country->code << ',';
    out.csv(c.city->name) << ',' << c.city->zone << ',' << c.country->locale << ',' << c.plan
                          << ',';
    out.num(c.orders) << ',';
    out.cents(c.order_cents) << ',';
    if (days_since >= 0) out.num(days_since);
    out << ',';
    out.time(c.signed_up, false) << ',' << (c.newsletter ? "true" : "false") << ','
                                 << (c.prefers_sms ? "sms" : "email") << ',';
    if (c.company >= 0) out.csv(kCompanies[c.company]);
    out << ',';
    interestList(out, c.interests, "|", "");
    out << ',';
    tagList(out, c.tags, vip, "|", "");
    out << ',' << (c.email_granted ? "yes" : "no") << ',' << es.name << ',';
    out.time(c.email_at) << ',';
    out.csv(es.wording) << ',';
    if (c.sms >= 0) {
      out << (c.sms ? "yes" : "no") << ',' << ss.name << ',';
      out.time(c.sms_at) << ',';
      out.csv(ss.wording) << '\n';
    } else {
      out << ",,,\n";
    }
  }
}

// The catalogue's products: 8 categories x 5 kinds x 10 styles names all
// 400 once. Prices are the catalogue's USD prices; "brand" is an attribute
// (any column the import does not know). Uses no random numbers, so the
// other files do not change.
struct Category {
  std::string_view name;
  std::string_view kinds[5];
};
constexpr Category kCategories[] = {
    {"running", {"Trail Shoes", "Running Socks", "Rain Jacket", "Water Bottle", "Cap"}},
    {"outdoors", {"Tent", "Sleeping Bag", "Headlamp", "Backpack", "Camp Stove"}},
    {"kitchen", {"Chef Knife", "Coffee Grinder", "Skillet", "Teapot", "Cutting Board"}},
    {"books", {"Cookbook", "Travel Guide", "Novel", "Field Guide", "Notebook"}},
    {"tech", {"Headphones", "Phone Case", "Charger", "Speaker", "Smart Watch"}},
    {"fitness", {"Yoga Mat", "Kettlebell", "Jump Rope", "Foam Roller", "Gym Bag"}},
    {"home", {"Throw Blanket", "Candle", "Plant Pot", "Lamp", "Cushion"}},
    {"beauty", {"Face Cream", "Lip Balm", "Hair Oil", "Soap Bar", "Sunscreen"}}};
constexpr std::string_view kStyles[] = {"Classic", "Ultralight", "Everyday", "Pro",    "Eco",
                                        "Compact", "Deluxe",     "Urban",    "Nordic", "Studio"};
constexpr std::string_view kBrands[] = {"Northwind", "Acme", "Juniper", "Solace", "Kestrel"};

void writeProducts(const std::filesystem::path& path, bool jsonl) {
  static const Catalogue catalogue;
  Out out(path);
  if (!jsonl) out << "id,name,url,image,price,currency,category,brand\n";
  for (int id = 1; id <= kProducts; ++id) {
    const Category& cat = kCategories[(id - 1) % 8];
    const std::string name =
        std::string(kStyles[(id - 1) / 40]) + ' ' + std::string(cat.kinds[((id - 1) / 8) % 5]);
    const std::string_view brand = kBrands[(id * 7) % std::size(kBrands)];
    if (jsonl) {
      out << "{\"id\":\"P";
      out.pad(id, 4) << "\",\"name\":";
      out.json(name) << ",\"url\":\"https://shop.example.com/p/P";
      out.pad(id, 4) << "\",\"image\":\"https://shop.example.com/img/P";
      out.pad(id, 4) << ".jpg\",\"price\":";
      out.cents(catalogue.price[id]) << ",\"currency\":\"USD\",\"category\":\"" << cat.name
                                     << "\",\"brand\":\"" << brand << "\"}\n";
      continue;
    }
    out << 'P';
    out.pad(id, 4) << ',';
    out.csv(name) << ",https://shop.example.com/p/P";
    out.pad(id, 4) << ",https://shop.example.com/img/P";
    out.pad(id, 4) << ".jpg,";
    out.cents(catalogue.price[id]) << ",USD," << cat.name << ',' << brand << '\n';
  }
}

// The events of every contact, `n` in all, shared out by activity; updates
// the profiles' order figures with the purchases.
void writeEvents(const std::filesystem::path& path, int64_t n, std::vector<Profile>& profiles,
                 uint64_t seed, bool jsonl) {
  Rng rng(seed ^ 0x5eed0e7e47ULL);
  static const Catalogue catalogue;
  Out out(path);
  if (!jsonl) out << "event_id,external_id,type,at,amount,currency,items,product_id,campaign,url\n";
  __uint128_t total_weight = 0;
  for (const auto& p : profiles) total_weight += p.activity;
  __uint128_t cumulative = 0;
  int64_t written = 0;
  int items[8];
  for (size_t k = 0; k < profiles.size(); ++k) {
    Profile& c = profiles[k];
    cumulative += c.activity;
    // Exactly n in all: each contact gets its share of the running total.
    const int64_t upto =
        static_cast<int64_t>(cumulative * static_cast<__uint128_t>(n) / total_weight);
    const int64_t count = upto - written;
    const int64_t who = static_cast<int64_t>(k) + 1;
    for (int64_t e = 0; e < count; ++e) {
      const int64_t id = ++written;
      const int64_t at = rng.between(c.active_from, c.active_until);
      // Purchases at the contact's own rate; the rest: opens and clicks of
      // the emails they get (views instead without email consent).
      std::string_view type;
      uint64_t r = rng.below(100);
      if (r < c.buy_percent) {
        type = "purchase";
      } else {
        uint64_t s = rng.below(100);
        type = s < 30 ? "view" : s < 80 ? "open" : "click";
        if (!c.email_granted && type != "view") type = rng.chance(80) ? "view" : type;
      }
      int64_t cents = 0;
      int n_items = 0;
      int product = 0;
      Civil month{};
      std::string_view promo;
      if (type == "purchase") {
        uint64_t q = rng.below(100);
        n_items = q < 60 ? 1 : q < 85 ? 2 : q < 95 ? 3 : static_cast<int>(rng.between(4, 8));
        for (int j = 0; j < n_items; ++j) {
          items[j] = catalogue.draw(rng);
          cents += catalogue.price[items[j]] * c.country->price_permille / 1000;
        }
        ++c.orders;
        c.order_cents += cents;
        c.last_order = std::max(c.last_order, at);
      } else if (type == "view") {
        product = catalogue.draw(rng);
      } else {
        month = civilFromDays(at / kDay);
        if (rng.chance(35)) promo = rng.pick(std::span<const std::string_view>(kPromos));
        if (type == "click") product = catalogue.draw(rng);
      }
      auto campaign = [&](Out& o) -> Out& {
        if (promo.empty()) {
          o << "newsletter-";
          o.pad(month.y, 4) << '-';
          return o.pad(month.m, 2);
        }
        o << promo << '-';
        return o.pad(month.y, 4);
      };
      if (jsonl) {
        out << "{\"event_id\":\"E";
        out.pad(id, 9) << "\",\"external_id\":\"C";
        out.pad(who, 7) << "\",\"type\":\"" << type << "\",\"at\":\"";
        out.time(at) << "\",\"properties\":{";
        if (type == "purchase") {
          out << "\"amount\":";
          out.cents(cents) << ",\"currency\":\"" << c.country->currency << "\",\"items\":[";
          for (int j = 0; j < n_items; ++j) {
            out << (j ? ",\"P" : "\"P");
            out.pad(items[j], 4) << '"';
          }
          out << ']';
        } else if (type == "view") {
          out << "\"product_id\":\"P";
          out.pad(product, 4) << "\",\"url\":\"https://shop.example.com/p/P";
          out.pad(product, 4) << '"';
        } else {
          out << "\"campaign\":\"";
          campaign(out) << '"';
          if (type == "click") {
            out << ",\"product_id\":\"P";
            out.pad(product, 4) << "\",\"url\":\"https://shop.example.com/p/P";
            out.pad(product, 4) << '"';
          }
        }
        out << "}}\n";
        continue;
      }
      out << 'E';
      out.pad(id, 9) << ",C";
      out.pad(who, 7) << ',' << type << ',';
      out.time(at) << ',';
      if (type == "purchase") {
        out.cents(cents) << ',' << c.country->currency << ',';
        for (int j = 0; j < n_items; ++j) {
          out << (j ? "|P" : "P");
          out.pad(items[j], 4);
        }
        out << ",,,\n";
      } else if (type == "view") {
        out << ",,,P";
        out.pad(product, 4) << ",,https://shop.example.com/p/P";
        out.pad(product, 4) << '\n';
      } else if (type == "open") {
        out << ",,,,";
        campaign(out) << ",\n";
      } else {
        out << ",,,P";
        out.pad(product, 4) << ',';
        campaign(out) << ",https://shop.example.com/p/P";
        out.pad(product, 4) << '\n';
      }
    }
  }
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "herald-gen-data: %s\n"
               "usage: herald-gen-data --contacts N [--events M] [--seed S] [--format csv|jsonl] "
               "--out DIR\n",
               why);
  std::exit(2);
}

int64_t number(const char* text, const char* flag) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text, text + std::strlen(text), v);
  if (ec != std::errc() || *p != '\0' || v < 0) {
    std::string why = std::string(flag) + " wants a non-negative integer, not '" + text + "'";
    usage(why.c_str());
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t contacts = -1;
  int64_t events = 0;
  int64_t seed = 1;
  bool jsonl = false;
  std::filesystem::path out;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((std::string(a) + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--contacts") {
      contacts = number(value(), "--contacts");
    } else if (a == "--events") {
      events = number(value(), "--events");
    } else if (a == "--seed") {
      seed = number(value(), "--seed");
    } else if (a == "--format") {
      std::string_view f = value();
      if (f != "csv" && f != "jsonl") usage("--format is csv or jsonl");
      jsonl = f == "jsonl";
    } else if (a == "--out") {
      out = value();
    } else {
      usage((std::string("unknown argument '") + std::string(a) + "'").c_str());
    }
  }
  if (contacts < 0) usage("--contacts is required");
  if (out.empty()) usage("--out is required");
  if (events > 0 && contacts == 0) usage("events need contacts");
  if (contacts > 9999999) usage("--contacts is at most 9999999 (external ids are C + 7 digits)");
  if (events > 999999999) usage("--events is at most 999999999 (event ids are E + 9 digits)");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "herald-gen-data: cannot create %s: %s\n", out.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::vector<Profile> profiles;
  profiles.reserve(static_cast<size_t>(contacts));
  Rng rng(static_cast<uint64_t>(seed));
  for (int64_t i = 0; i < contacts; ++i) profiles.push_back(makeProfile(rng));
  const char* ext = jsonl ? ".jsonl" : ".csv";
  // Events first: the contacts' order figures include their purchases.
  if (events > 0) {
    writeEvents(out / (std::string("events") + ext), events, profiles, static_cast<uint64_t>(seed),
                jsonl);
  }
  writeContacts(out / (std::string("contacts") + ext), profiles, jsonl);
  writeProducts(out / (std::string("products") + ext), jsonl);
  return 0;
}
