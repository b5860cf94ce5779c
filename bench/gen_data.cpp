// herald-gen-data: a seeded, deterministic generator of realistic contacts
// and events for benchmarks, tests and the demo. The same arguments produce
// the same bytes on every machine: it uses its own PRNG and integer maths,
// never std::*_distribution (whose output differs between standard libraries).
//
//   herald-gen-data --contacts 1000000 --events 10000000 --seed 42 --out DIR
//
// writes DIR/contacts.csv and DIR/events.csv (or .jsonl with --format jsonl).
// Emails use reserved example domains; phone numbers are random digits.
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

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

struct Name {
  std::string_view native;
  std::string_view ascii;  // for the email address
};

struct Locale {
  std::string_view tag;
  std::string_view country_code;
  int national_digits;
  std::span<const std::string_view> zones;
  std::span<const Name> first;
  std::span<const Name> last;
  unsigned weight;
};

constexpr std::string_view kUsZones[] = {"America/New_York", "America/Chicago", "America/Denver",
                                         "America/Los_Angeles", "America/Phoenix"};
constexpr std::string_view kGbZones[] = {"Europe/London"};
constexpr std::string_view kDeZones[] = {"Europe/Berlin"};
constexpr std::string_view kFrZones[] = {"Europe/Paris"};
constexpr std::string_view kKrZones[] = {"Asia/Seoul"};
constexpr std::string_view kJpZones[] = {"Asia/Tokyo"};
constexpr std::string_view kEsZones[] = {"Europe/Madrid"};
constexpr std::string_view kBrZones[] = {"America/Sao_Paulo", "America/Fortaleza"};

constexpr Name kEnFirst[] = {{"James", "james"},     {"Mary", "mary"},
                             {"Robert", "robert"},   {"Patricia", "patricia"},
                             {"John", "john"},       {"Jennifer", "jennifer"},
                             {"Michael", "michael"}, {"Linda", "linda"},
                             {"David", "david"},     {"Elizabeth", "elizabeth"},
                             {"William", "william"}, {"Susan", "susan"},
                             {"Olivia", "olivia"},   {"Noah", "noah"},
                             {"Emma", "emma"},       {"Liam", "liam"},
                             {"Ava", "ava"},         {"Ethan", "ethan"},
                             {"Sophia", "sophia"},   {"Mason", "mason"},
                             {"Chloe", "chloe"},     {"Zoë", "zoe"},
                             {"Seán", "sean"},       {"Amelia", "amelia"}};
constexpr Name kEnLast[] = {
    {"Smith", "smith"},   {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"},
    {"Jones", "jones"},   {"Garcia", "garcia"},   {"Miller", "miller"},     {"Davis", "davis"},
    {"Wilson", "wilson"}, {"Taylor", "taylor"},   {"Anderson", "anderson"}, {"Thomas", "thomas"},
    {"Moore", "moore"},   {"Clark", "clark"},     {"Lewis", "lewis"},       {"O'Brien", "obrien"},
    {"Walker", "walker"}, {"Young", "young"},     {"Hall", "hall"},         {"Allen", "allen"}};
constexpr Name kDeFirst[] = {
    {"Lukas", "lukas"},    {"Anna", "anna"},     {"Jonas", "jonas"},           {"Lea", "lea"},
    {"Felix", "felix"},    {"Hannah", "hannah"}, {"Maximilian", "maximilian"}, {"Sophie", "sophie"},
    {"Jürgen", "juergen"}, {"Jörg", "joerg"},    {"Marie", "marie"},           {"Paul", "paul"}};
constexpr Name kDeLast[] = {
    {"Müller", "mueller"},    {"Schmidt", "schmidt"}, {"Schneider", "schneider"},
    {"Fischer", "fischer"},   {"Weber", "weber"},     {"Meyer", "meyer"},
    {"Wagner", "wagner"},     {"Becker", "becker"},   {"Schäfer", "schaefer"},
    {"Hoffmann", "hoffmann"}, {"Koch", "koch"},       {"Groß", "gross"}};
constexpr Name kFrFirst[] = {{"Louis", "louis"}, {"Léa", "lea"},         {"Gabriel", "gabriel"},
                             {"Chloé", "chloe"}, {"Hugo", "hugo"},       {"Manon", "manon"},
                             {"Théo", "theo"},   {"Camille", "camille"}, {"Jules", "jules"},
                             {"Inès", "ines"},   {"Arthur", "arthur"},   {"Zoé", "zoe"}};
constexpr Name kFrLast[] = {{"Martin", "martin"}, {"Bernard", "bernard"}, {"Dubois", "dubois"},
                            {"Thomas", "thomas"}, {"Robert", "robert"},   {"Richard", "richard"},
                            {"Petit", "petit"},   {"Durand", "durand"},   {"Lefèvre", "lefevre"},
                            {"Moreau", "moreau"}, {"Laurent", "laurent"}, {"Girard", "girard"}};
constexpr Name kKrFirst[] = {{"민준", "minjun"}, {"서연", "seoyeon"}, {"도윤", "doyun"},
                             {"서윤", "seoyun"}, {"예준", "yejun"},   {"지우", "jiwoo"},
                             {"하준", "hajun"},  {"하은", "haeun"},   {"지호", "jiho"},
                             {"민서", "minseo"}, {"주원", "juwon"},   {"지민", "jimin"}};
constexpr Name kKrLast[] = {{"김", "kim"},  {"이", "lee"},  {"박", "park"}, {"최", "choi"},
                            {"정", "jung"}, {"강", "kang"}, {"조", "cho"},  {"윤", "yoon"},
                            {"장", "jang"}, {"임", "lim"}};
constexpr Name kJpFirst[] = {{"陽翔", "haruto"}, {"結菜", "yuina"}, {"蓮", "ren"},
                             {"陽葵", "himari"}, {"湊", "minato"},  {"凛", "rin"},
                             {"大翔", "hiroto"}, {"芽依", "mei"}};
constexpr Name kJpLast[] = {{"佐藤", "sato"},     {"鈴木", "suzuki"},  {"高橋", "takahashi"},
                            {"田中", "tanaka"},   {"伊藤", "ito"},     {"渡辺", "watanabe"},
                            {"山本", "yamamoto"}, {"中村", "nakamura"}};
constexpr Name kEsFirst[] = {{"Hugo", "hugo"},   {"Lucía", "lucia"},    {"Martín", "martin"},
                             {"Sofía", "sofia"}, {"Mateo", "mateo"},    {"Martina", "martina"},
                             {"Pablo", "pablo"}, {"Valeria", "valeria"}};
constexpr Name kEsLast[] = {{"García", "garcia"},     {"Rodríguez", "rodriguez"},
                            {"González", "gonzalez"}, {"Fernández", "fernandez"},
                            {"López", "lopez"},       {"Martínez", "martinez"},
                            {"Sánchez", "sanchez"},   {"Pérez", "perez"}};
constexpr Name kBrFirst[] = {{"Miguel", "miguel"}, {"Helena", "helena"}, {"Arthur", "arthur"},
                             {"Alice", "alice"},   {"Heitor", "heitor"}, {"Laura", "laura"},
                             {"João", "joao"},     {"Júlia", "julia"}};
constexpr Name kBrLast[] = {
    {"Silva", "silva"}, {"Santos", "santos"},   {"Oliveira", "oliveira"},   {"Souza", "souza"},
    {"Lima", "lima"},   {"Pereira", "pereira"}, {"Conceição", "conceicao"}, {"Araújo", "araujo"}};

const Locale kLocales[] = {
    {"en-US", "1", 10, kUsZones, kEnFirst, kEnLast, 40},
    {"en-GB", "44", 10, kGbZones, kEnFirst, kEnLast, 8},
    {"de-DE", "49", 10, kDeZones, kDeFirst, kDeLast, 12},
    {"fr-FR", "33", 9, kFrZones, kFrFirst, kFrLast, 10},
    {"ko-KR", "82", 9, kKrZones, kKrFirst, kKrLast, 12},
    {"ja-JP", "81", 10, kJpZones, kJpFirst, kJpLast, 6},
    {"es-ES", "34", 9, kEsZones, kEsFirst, kEsLast, 6},
    {"pt-BR", "55", 11, kBrZones, kBrFirst, kBrLast, 6},
};

constexpr std::string_view kDomains[] = {"example.com",      "example.org",   "example.net",
                                         "mail.example.com", "example.co.uk", "example.de"};
constexpr std::string_view kPlans[] = {"free",    "free", "free", "starter",
                                       "starter", "pro",  "pro",  "enterprise"};
// Bit i of Contact::tags is kTags[i]; "vip" is added for big spenders.
constexpr std::string_view kTags[] = {"beta",       "black-friday", "churn-risk",
                                      "mobile-app", "referral",     "webinar-2024"};
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
constexpr std::string_view kConsentSources[] = {"signup-form", "checkout", "webinar-registration",
                                                "in-store"};
constexpr std::string_view kProducts[] = {"sku-tee",   "sku-hoodie", "sku-mug",     "sku-cap",
                                          "sku-socks", "sku-poster", "sku-sticker", "sku-tote"};
constexpr int64_t kProductCents[] = {1900, 4900, 1200, 2200, 900, 1500, 300, 1800};
constexpr std::string_view kCampaigns[] = {"spring-sale", "welcome-series", "newsletter-42",
                                           "winback", "product-launch"};

// Everything is relative to this instant so the output does not depend on
// the day it is generated: 2025-06-01T00:00:00Z.
constexpr int64_t kBaseSeconds = 1748736000;

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
    std::fclose(f_);
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
  Out& time(int64_t unix_seconds, bool with_time = true) {
    int64_t days = unix_seconds / 86400;
    int64_t rem = unix_seconds % 86400;
    // civil_from_days (H. Hinnant)
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    pad(y, 4) << '-';
    pad(m, 2) << '-';
    pad(d, 2);
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
    std::fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }
  std::FILE* f_;
  std::string buf_;
};

const Locale& pickLocale(Rng& rng) {
  unsigned total = 0;
  for (const auto& l : kLocales) total += l.weight;
  uint64_t r = rng.below(total);
  for (const auto& l : kLocales) {
    if (r < l.weight) return l;
    r -= l.weight;
  }
  return kLocales[0];
}

struct Contact {
  const Locale* locale;
  const Name* first;
  const Name* last;
  std::string phone;
  int64_t orders;
  int64_t ltv_cents;
  int64_t signed_up;
  int64_t days_since_order;  // -1: never ordered
  bool newsletter;
  bool prefers_sms;
  unsigned tags;
  int company;        // -1: none
  int consent_email;  // 1 yes, 0 no
  int64_t consent_at;
  int source;
  int consent_sms;  // 1 yes, 0 no, -1 not asked
  std::string_view plan;
};

Contact makeContact(Rng& rng) {
  Contact c{};
  c.locale = &pickLocale(rng);
  c.first = &rng.pick(c.locale->first);
  c.last = &rng.pick(c.locale->last);
  if (rng.chance(85)) {
    // Some written the way people type them; the importer normalises.
    std::string digits;
    for (int i = 0; i < c.locale->national_digits; ++i) {
      digits += static_cast<char>('0' + (i == 0 ? rng.between(2, 9) : rng.between(0, 9)));
    }
    bool spaced = rng.chance(30);
    c.phone.push_back('+');
    c.phone.append(c.locale->country_code);
    if (spaced) {
      c.phone.push_back(' ');
      c.phone.append(digits, 0, 3);
      c.phone.push_back(' ');
      c.phone.append(digits, 3);
    } else {
      c.phone.append(digits);
    }
  }
  c.plan = rng.pick(std::span<const std::string_view>(kPlans));
  // Orders: most have few, a long tail has many.
  int64_t r = rng.between(0, 99);
  c.orders = r < 30   ? 0
             : r < 70 ? rng.between(1, 3)
             : r < 92 ? rng.between(4, 12)
                      : rng.between(13, 60);
  c.ltv_cents = 0;
  for (int64_t i = 0; i < c.orders; ++i) c.ltv_cents += rng.between(900, 12000);
  c.signed_up = kBaseSeconds - rng.between(1, 6 * 365) * 86400;
  c.days_since_order = c.orders == 0 ? -1 : rng.between(1, 400);
  c.newsletter = rng.chance(70);
  c.tags = static_cast<unsigned>(rng.below(64)) & static_cast<unsigned>(rng.below(64));
  c.company = rng.chance(12) ? static_cast<int>(rng.below(std::size(kCompanies))) : -1;
  c.consent_email = rng.chance(88) ? 1 : 0;
  c.consent_at = c.signed_up + rng.between(0, 86400 * 30);
  c.source = static_cast<int>(rng.below(std::size(kConsentSources)));
  c.consent_sms = c.phone.empty() ? -1 : rng.chance(50) ? 1 : rng.chance(50) ? 0 : -1;
  c.prefers_sms = !c.phone.empty() && rng.chance(25);
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

void writeContacts(const std::filesystem::path& path, int64_t n, uint64_t seed, bool jsonl) {
  Rng rng(seed);
  Out out(path);
  if (!jsonl) {
    out << "external_id,email,phone,first_name,last_name,timezone,locale,plan,orders:number,"
           "lifetime_value:number,days_since_last_order:number,signed_up:date,"
           "newsletter:boolean,preferred_channel,company,tags,consent_email,"
           "consent_email_source,consent_email_at,consent_sms\n";
  }
  for (int64_t i = 1; i <= n; ++i) {
    Contact c = makeContact(rng);
    std::string_view zone = rng.pick(c.locale->zones);
    std::string_view domain = rng.pick(std::span<const std::string_view>(kDomains));
    bool vip = c.ltv_cents > 50000;
    if (jsonl) {
      out << "{\"external_id\":\"C";
      out.pad(i, 7) << "\",\"email\":\"" << c.first->ascii << '.' << c.last->ascii << '.';
      out.num(i) << '@' << domain << '"';
      if (!c.phone.empty()) out << ",\"phone\":\"" << c.phone << '"';
      out << ",\"first_name\":";
      out.json(c.first->native) << ",\"last_name\":";
      out.json(c.last->native) << ",\"timezone\":\"" << zone << "\",\"locale\":\"" << c.locale->tag
                               << "\",\"attributes\":{\"plan\":\"" << c.plan << "\",\"orders\":";
      out.num(c.orders) << ",\"lifetime_value\":";
      out.cents(c.ltv_cents);
      if (c.days_since_order >= 0) {
        out << ",\"days_since_last_order\":";
        out.num(c.days_since_order);
      }
      out << ",\"signed_up\":\"";
      out.time(c.signed_up, false)
          << "\",\"newsletter\":" << (c.newsletter ? "true" : "false")
          << ",\"preferred_channel\":\"" << (c.prefers_sms ? "sms" : "email") << '"';
      if (c.company >= 0) {
        out << ",\"company\":";
        out.json(kCompanies[c.company]);
      }
      out << "},\"tags\":[";
      tagList(out, c.tags, vip, ",", "\"");
      out << "],\"consents\":{\"email\":{\"granted\":" << (c.consent_email ? "true" : "false")
          << ",\"source\":\"" << kConsentSources[c.source] << "\",\"at\":\"";
      out.time(c.consent_at) << "\"}";
      if (c.consent_sms >= 0) out << ",\"sms\":" << (c.consent_sms ? "true" : "false");
      out << "}}\n";
      continue;
    }
    out << 'C';
    out.pad(i, 7) << ',' << c.first->ascii << '.' << c.last->ascii << '.';
    out.num(i) << '@' << domain << ',' << c.phone << ',';
    out.csv(c.first->native) << ',';
    out.csv(c.last->native) << ',' << zone << ',' << c.locale->tag << ',' << c.plan << ',';
    out.num(c.orders) << ',';
    out.cents(c.ltv_cents) << ',';
    if (c.days_since_order >= 0) out.num(c.days_since_order);
    out << ',';
    out.time(c.signed_up, false) << ',' << (c.newsletter ? "true" : "false") << ','
                                 << (c.prefers_sms ? "sms" : "email") << ',';
    if (c.company >= 0) out.csv(kCompanies[c.company]);
    out << ',';
    tagList(out, c.tags, vip, "|", "");
    out << ',' << (c.consent_email ? "yes" : "no") << ',' << kConsentSources[c.source] << ',';
    out.time(c.consent_at) << ','
                           << (c.consent_sms < 0 ? ""
                               : c.consent_sms   ? "yes"
                                                 : "no")
                           << '\n';
  }
}

void writeEvents(const std::filesystem::path& path, int64_t n, int64_t contacts, uint64_t seed,
                 bool jsonl) {
  Rng rng(seed ^ 0x5eed0e7e47ULL);
  Out out(path);
  if (!jsonl) out << "event_id,external_id,type,at,amount,items,campaign,url\n";
  for (int64_t i = 1; i <= n; ++i) {
    // Some contacts are far more active than others.
    int64_t who = rng.chance(20) ? rng.between(1, std::max<int64_t>(1, contacts / 20))
                                 : rng.between(1, contacts);
    int64_t at = kBaseSeconds - rng.between(0, 365 * 86400);
    uint64_t kind = rng.below(100);
    std::string_view type = kind < 50   ? "open"
                            : kind < 75 ? "click"
                            : kind < 90 ? "purchase"
                                        : "page_view";
    std::string_view campaign = rng.pick(std::span<const std::string_view>(kCampaigns));
    int64_t cents = 0;
    std::vector<size_t> items;
    if (type == "purchase") {
      int64_t count = rng.between(1, 4);
      for (int64_t k = 0; k < count; ++k) {
        size_t p = rng.below(std::size(kProducts));
        items.push_back(p);
        cents += kProductCents[p];
      }
    }
    if (jsonl) {
      out << "{\"event_id\":\"E";
      out.pad(i, 9) << "\",\"external_id\":\"C";
      out.pad(who, 7) << "\",\"type\":\"" << type << "\",\"at\":\"";
      out.time(at) << "\",\"properties\":{";
      if (type == "purchase") {
        out << "\"amount\":";
        out.cents(cents) << ",\"items\":[";
        for (size_t k = 0; k < items.size(); ++k) {
          out << (k ? ",\"" : "\"") << kProducts[items[k]] << '"';
        }
        out << "]";
      } else if (type == "page_view") {
        out << "\"url\":\"https://shop.example.com/p/" << kProducts[rng.below(std::size(kProducts))]
            << '"';
      } else {
        out << "\"campaign\":\"" << campaign << '"';
      }
      out << "}}\n";
      continue;
    }
    out << 'E';
    out.pad(i, 9) << ",C";
    out.pad(who, 7) << ',' << type << ',';
    out.time(at) << ',';
    if (type == "purchase") {
      out.cents(cents) << ',';
      for (size_t k = 0; k < items.size(); ++k) out << (k ? "|" : "") << kProducts[items[k]];
      out << ",,\n";
    } else if (type == "page_view") {
      out << ",,,https://shop.example.com/p/" << kProducts[rng.below(std::size(kProducts))] << '\n';
    } else {
      out << ",," << campaign << ",\n";
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
  std::filesystem::create_directories(out);
  const char* ext = jsonl ? ".jsonl" : ".csv";
  writeContacts(out / (std::string("contacts") + ext), contacts, static_cast<uint64_t>(seed),
                jsonl);
  if (events > 0) {
    writeEvents(out / (std::string("events") + ext), events, contacts, static_cast<uint64_t>(seed),
                jsonl);
  }
  return 0;
}
