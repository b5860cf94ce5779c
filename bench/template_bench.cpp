// herald-template-bench: the template rendering benchmark of docs/PERFORMANCE.md.
//
//   herald-template-bench [--repeat 7] [--seconds 0.5] [--contacts 500] [--print]
//   herald-template-bench --renders N --only herald|mstch     # for callgrind (bench/template.sh)
//
// The benchmark email (template_email.hpp: about 2 KB of HTML, ten outputs
// with filters, an if/else and a for over three recommended products) is
// compiled once by Herald (Escape::kHtml, roots {contact, vars}) and rendered
// per contact into a reused std::string; the same email written in Mustache
// is rendered by mstch (Debian's libmstch-dev) with the same data, in the
// same process, alternating, median of --repeat samples of --seconds each
// after a warm-up. The contacts (--contacts, a few hundred distinct names,
// cities, plans, interests and product picks) are rotated through.
//
// Fairness rule: Mustache has no filters, so mstch's data carries every
// filtered value already formatted (capitalised name, upper-case city, the
// date, the money amounts, the URL-encoded email...), prepared before the
// timing. That work is not timed for mstch while Herald does it on every
// render: the rule favours mstch. mstch has no compiled-template API, so it
// parses the template on every render; that is how it is used.
//
// Equivalence: before timing, every contact is rendered by both and the
// texts must be identical after one normalisation: mstch escapes '/' as
// "&#x2F;" (Herald does not: it is harmless in HTML), and an apostrophe may be
// written &#39;, &#x27; or &apos;; both outputs map these to one form. The
// program exits 1 when a text differs (printing where), or when Herald's
// filters disagree with the values formatted here independently (all except
// money, whose locale formatting is taken from Herald's own filter).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mstch/mstch.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "template/template.hpp"
#include "template_email.hpp"

namespace {

using herald::tmpl::CompileError;
using herald::tmpl::CompileOptions;
using herald::tmpl::Escape;
using herald::tmpl::RenderContext;
using herald::tmpl::RenderResult;
using herald::tmpl::Template;
using Clock = std::chrono::steady_clock;

constexpr int64_t kNowMs = 1748736000000;  // 2025-06-01T00:00:00Z

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "herald-template-bench: %s\n", why.c_str());
  std::exit(2);
}

[[noreturn]] void usage(const std::string& why) {
  fail(why +
       "\nusage: herald-template-bench [--repeat K] [--seconds S] [--contacts N] [--print]\n"
       "       herald-template-bench --renders N --only herald|mstch");
}

struct Args {
  int repeat = 7;
  double seconds = 0.5;
  int contacts = 500;
  bool print = false;
  long renders = 0;  // > 0: callgrind mode
  std::string only;
};

Args parseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--repeat") {
      const std::string v = value();
      a.repeat = std::atoi(v.c_str());
      if (a.repeat < 1 || a.repeat > 100) usage("--repeat wants 1 to 100, not '" + v + "'");
    } else if (arg == "--seconds") {
      const std::string v = value();
      a.seconds = std::atof(v.c_str());
      if (!(a.seconds > 0 && a.seconds <= 60)) usage("--seconds wants 0 to 60, not '" + v + "'");
    } else if (arg == "--contacts") {
      const std::string v = value();
      a.contacts = std::atoi(v.c_str());
      if (a.contacts < 1 || a.contacts > 100000) {
        usage("--contacts wants 1 to 100000, not '" + v + "'");
      }
    } else if (arg == "--renders") {
      const std::string v = value();
      a.renders = std::atol(v.c_str());
      if (a.renders < 1) usage("--renders wants a positive count, not '" + v + "'");
    } else if (arg == "--only") {
      a.only = value();
      if (a.only != "herald" && a.only != "mstch") {
        usage("--only wants herald or mstch, not '" + a.only + "'");
      }
    } else if (arg == "--print") {
      a.print = true;
    } else {
      usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if ((a.renders > 0) != !a.only.empty()) usage("--renders and --only go together");
  return a;
}

// ---- the data ----

struct Product {
  std::string name, url, image;
  double price = 0;
  std::string price_text;  // Herald's `money`, for mstch
};

struct Contact {
  herald::store::Contact record;
  nlohmann::json vars;
  mstch::map mustache;
};

// Liquid's filters, written here independently for the mstch data.
std::string capitalize(std::string s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    s[i] = static_cast<char>(i == 0 ? std::toupper(c) : (c < 0x80 ? std::tolower(c) : c));
  }
  return s;
}

std::string upcase(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string truncate(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(0, n - 3) + "...";
}

std::string urlEncode(const std::string& s) {  // Ruby's CGI.escape
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Renders one filter expression with Herald (no escaping), for the values
// mstch gets pre-formatted whose formatting is locale data (money).
std::string heraldFormat(const std::string& expr, const nlohmann::json& vars) {
  CompileOptions options;
  CompileError error;
  auto t = Template::compile("{{ " + expr + " }}", options, error);
  if (!t) fail("cannot compile '" + expr + "': " + error.message);
  RenderContext ctx;
  ctx.vars = &vars;
  ctx.locale = "en-US";
  ctx.now_ms = kNowMs;
  std::string out;
  RenderResult result;
  if (!t->render(ctx, out, result)) fail("cannot render '" + expr + "': " + result.error);
  if (out.empty()) fail("'" + expr + "' rendered nothing");
  return out;
}

std::vector<Product> makeProducts(std::mt19937_64& rng) {
  const char* names[] = {"Trail Running Shoes",   "Salt & Pepper Mill",    "Kid's Rain Boots",
                         "Merino Wool Beanie",    "Cast Iron Skillet",     "Insulated Water Bottle",
                         "\"Summit\" Daypack",    "Linen Beach Towel",     "Camping Hammock",
                         "Chef's Knife, 8 inch",  "Yoga Mat <Pro>",        "Bamboo Cutting Board",
                         "Hiking Poles (pair)",   "Solar Lantern",         "Espresso Tamper",
                         "Organic Cotton Tee",    "Waterproof Rain Shell", "Herb Garden Kit",
                         "Ceramic Pour-Over Set", "Resistance Band Set",   "Down Sleeping Bag",
                         "Watercolour Paint Set", "Gardening Gloves",      "Cycling Sunglasses",
                         "Picnic Backpack",       "Stainless Travel Mug",  "Foam Roller",
                         "Dutch Oven, 5 qt",      "Canvas Tote",           "Headlamp 400 lm"};
  std::vector<Product> out;
  std::uniform_int_distribution<int> cents(999, 24999);
  int i = 0;
  for (const char* n : names) {
    Product p;
    p.name = n;
    std::string slug;
    for (const char ch : p.name) {
      if (std::isalnum(static_cast<unsigned char>(ch))) {
        slug += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      } else if (!slug.empty() && slug.back() != '-') {
        slug += '-';
      }
    }
    if (slug.back() == '-') slug.pop_back();
    p.url = "https://shop.example.com/products/" + slug + "?utm_source=newsletter&utm_content=p" +
            std::to_string(i++);
    p.image = "https://cdn.example.com/products/" + slug + "/thumb.jpg";
    p.price = cents(rng) / 100.0;
    p.price_text = heraldFormat("vars.price | money", {{"price", p.price}});
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Contact> makeContacts(int n, const std::vector<Product>& products) {
  std::mt19937_64 rng(20251122);
  const char* first[] = {"anna",   "Ben",    "CHLOE", "david", "Emma",  "françois", "Grace",
                         "hiro",   "Isabel", "jonas", "Kofi",  "LIAM",  "maría",    "Noah",
                         "Olivia", "priya",  "Quinn", "Rosa",  "sven",  "Tomás",    "Uma",
                         "Victor", "wei",    "Yusuf", "zoë",   "Amara", "bruno",    "Carmen"};
  const char* last[] = {"Smith",  "Okafor", "Müller",   "Dubois",  "Tanaka", "García",
                        "Nguyen", "Rossi",  "Kowalski", "O'Brien", "Larsen", "Silva"};
  const char* cities[] = {"Portland", "Berlin", "Lyon",   "Austin",   "Toronto",       "Madrid",
                          "Seattle",  "Denver", "Dublin", "Brisbane", "St. Louis",     "Osaka",
                          "Chicago",  "Oslo",   "Boston", "Porto",    "Winston-Salem", "Leeds"};
  const char* zones[] = {"America/Los_Angeles", "Europe/Berlin",    "Europe/Paris",
                         "America/Chicago",     "America/Toronto",  "Europe/Madrid",
                         "America/Los_Angeles", "America/Denver",   "Europe/Dublin",
                         "Australia/Brisbane",  "America/Chicago",  "Asia/Tokyo",
                         "America/Chicago",     "Europe/Oslo",      "America/New_York",
                         "Europe/Lisbon",       "America/New_York", "Europe/London"};
  const char* plans[] = {"pro", "free", "plus", "free", "pro"};
  const char* interests[] = {"travel",        "fitness",   "outdoors", "cooking",
                             "arts & crafts", "gardening", "coffee"};
  const char* headlines[] = {"The summer sale: up to 40% off everything you love",  // truncated
                             "Your summer picks are here",
                             "Last chance: the summer sale ends soon, don't miss it",  // truncated
                             "New arrivals for long days outside"};
  const struct {
    const char* iso;
    const char* text;
  } sale_ends[] = {{"2025-06-30T12:00:00Z", "June 30"},
                   {"2025-07-04T12:00:00Z", "July 04"},
                   {"2025-07-15T12:00:00Z", "July 15"}};
  const double discounts[] = {0.1, 0.15, 0.2};
  auto pick = [&](size_t count) {
    return std::uniform_int_distribution<size_t>(0, count - 1)(rng);
  };

  std::vector<Contact> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Contact& c = out[static_cast<size_t>(i)];
    auto& r = c.record;
    r.id = i + 1;
    const size_t city = pick(std::size(cities));
    const bool named = pick(10) != 0;  // one in ten has no first name: "there"
    const std::string fn = first[pick(std::size(first))];
    const std::string ln = last[pick(std::size(last))];
    if (named) r.first_name = fn;
    r.last_name = ln;
    std::string local = fn.substr(0, 1) + "." + ln;
    for (auto& ch : local) {
      const auto u = static_cast<unsigned char>(ch);
      ch = u >= 0x80 || ch == '\'' ? 'x' : static_cast<char>(std::tolower(u));
    }
    r.email = local + (pick(3) == 0 ? "+news" : "") + std::to_string(i) + "@example.com";
    r.timezone = zones[city];
    r.locale = "en-US";
    const std::string plan = plans[pick(std::size(plans))];
    const int orders = static_cast<int>(pick(40));
    const double credit = static_cast<double>(pick(20000)) / 100.0;
    nlohmann::json likes = nlohmann::json::array();
    std::vector<std::string> liked;
    const size_t n_likes = 1 + pick(3);
    for (size_t k = 0; k < std::size(interests) && liked.size() < n_likes; ++k) {
      if (pick(2) == 0 || std::size(interests) - k <= n_likes - liked.size()) {
        liked.emplace_back(interests[k]);
        likes.push_back(interests[k]);
      }
    }
    r.attributes = {{"city", cities[city]}, {"plan", plan},       {"orders", orders},
                    {"credit", credit},     {"interests", likes}, {"country", "US"}};
    r.tags = {"newsletter", plan == "pro" ? "vip" : "regular"};

    const std::string headline = headlines[pick(std::size(headlines))];
    const auto& ends = sale_ends[pick(std::size(sale_ends))];
    const size_t disc = pick(std::size(discounts));
    nlohmann::json picks = nlohmann::json::array();
    mstch::array m_picks;
    std::vector<size_t> chosen;
    while (chosen.size() < 3) {
      const size_t p = pick(products.size());
      if (std::find(chosen.begin(), chosen.end(), p) != chosen.end()) continue;
      chosen.push_back(p);
      const Product& prod = products[p];
      picks.push_back(
          {{"name", prod.name}, {"url", prod.url}, {"image", prod.image}, {"price", prod.price}});
      m_picks.push_back(mstch::map{{"name", prod.name},
                                   {"url", prod.url},
                                   {"image", prod.image},
                                   {"price_text", prod.price_text}});
    }
    c.vars = {{"headline", headline},
              {"sale_ends", ends.iso},
              {"discount", discounts[disc]},
              {"picks", picks}};

    std::string interests_text;
    for (const auto& s : liked) interests_text += (interests_text.empty() ? "" : ", ") + s;
    c.mustache = mstch::map{
        {"headline_truncated", truncate(headline, 40)},
        {"greeting_name", capitalize(named ? fn : std::string("there"))},
        {"city_upper", upcase(cities[city])},
        {"sale_ends_text", std::string(ends.text)},
        {"pro", plan == "pro"},
        {"discount_percent", std::to_string(static_cast<int>(discounts[disc] * 100 + 0.5))},
        {"next_order", std::to_string(orders + 1)},
        {"credit_text", heraldFormat("vars.credit | money", {{"credit", credit}})},
        {"pick_count", std::string("3")},
        {"picks", m_picks},
        {"interests_text", interests_text},
        {"plan_name", capitalize(plan)},
        {"email_encoded", urlEncode(*r.email)},
    };
  }
  return out;
}

// ---- the two renderers ----

class HeraldEmail {
 public:
  HeraldEmail() {
    CompileOptions options;
    options.escape = Escape::kHtml;
    options.roots = {"contact", "vars"};
    CompileError error;
    auto t = Template::compile(herald::bench::kLiquidEmail, options, error);
    if (!t) {
      fail("the Liquid email does not compile: " + std::to_string(error.line) + ":" +
           std::to_string(error.column) + ": " + error.message);
    }
    template_.emplace(std::move(*t));
  }
  // Renders for `c` into out (cleared first).
  void render(const Contact& c, std::string& out) {
    ctx_.contact = &c.record;
    ctx_.vars = &c.vars;
    ctx_.now_ms = kNowMs;
    out.clear();
    result_.clear();
    if (!template_->render(ctx_, out, result_)) {
      fail("Herald's render failed for contact " + std::to_string(c.record.id) + ": " +
           result_.error);
    }
  }

 private:
  std::optional<Template> template_;
  RenderContext ctx_;
  RenderResult result_;
};

std::string renderMstch(const Contact& c) {
  return mstch::render(herald::bench::kMustacheEmail, c.mustache);
}

// The documented normalisation before comparing the two texts.
std::string normalise(std::string s) {
  auto replace = [&s](std::string_view from, std::string_view to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  };
  replace("&#x2F;", "/");
  replace("&#x27;", "&#39;");
  replace("&apos;", "&#39;");
  return s;
}

// Where two texts first differ, with some context.
std::string firstDifference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const size_t from = i > 60 ? i - 60 : 0;
  return "at byte " + std::to_string(i) + ":\n  Herald: ..." + a.substr(from, 140) +
         "\n  mstch:  ..." + b.substr(from, 140);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// This thread's CPU time in seconds: the renders per CPU-second it gives
// are per core, whatever else the machine runs.
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double per_cpu_second = 0;   // renders per second of this thread's CPU time
  double per_wall_second = 0;  // renders per second of elapsed time
};

// Renders through the contacts in batches of `batch` until `seconds` of CPU
// time have passed.
template <typename F>
Rate rate(double seconds, long batch, size_t contacts, size_t& next, F&& one) {
  long count = 0;
  const auto start = Clock::now();
  const double cpu_start = threadCpuSeconds();
  double cpu = 0;
  do {
    for (long k = 0; k < batch; ++k) {
      one(next);
      next = next + 1 == contacts ? 0 : next + 1;
    }
    count += batch;
    cpu = threadCpuSeconds() - cpu_start;
  } while (cpu < seconds);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(count) / cpu, static_cast<double>(count) / wall};
}

std::string withCommas(double v) {
  std::string digits = std::to_string(static_cast<long long>(v + 0.5));
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<size_t>(at), ",");
  }
  return digits;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parseArgs(argc, argv);
  std::mt19937_64 rng(7);
  const std::vector<Product> products = makeProducts(rng);
  const std::vector<Contact> contacts = makeContacts(args.contacts, products);
  HeraldEmail herald;
  std::string out;
  size_t sink = 0;

  if (args.renders > 0) {  // callgrind mode: exactly N renders of one engine
    for (long i = 0; i < args.renders; ++i) {
      const Contact& c = contacts[static_cast<size_t>(i) % contacts.size()];
      if (args.only == "herald") {
        herald.render(c, out);
        sink += out.size();
      } else {
        sink += renderMstch(c).size();
      }
    }
    std::printf("%ld renders (%s), %zu bytes\n", args.renders, args.only.c_str(), sink);
    return 0;
  }

  // ---- equivalence, every contact ----
  int status = 0;
  size_t differing = 0;
  for (const Contact& c : contacts) {
    herald.render(c, out);
    const std::string m = renderMstch(c);
    if (&c == &contacts.front()) {
      std::printf(
          "email:     Liquid template %zu bytes, Mustache %zu bytes; contact 1 renders "
          "%zu bytes (Herald), %zu (mstch)\n",
          std::string_view(herald::bench::kLiquidEmail).size(),
          std::string_view(herald::bench::kMustacheEmail).size(), out.size(), m.size());
      if (args.print) std::printf("\n--- Herald:\n%s\n--- mstch:\n%s\n", out.c_str(), m.c_str());
    }
    const std::string a = normalise(out), b = normalise(m);
    if (a != b) {
      if (differing++ == 0) {
        std::fprintf(stderr, "herald-template-bench: contact %lld: the two emails differ %s\n",
                     static_cast<long long>(c.record.id), firstDifference(a, b).c_str());
      }
      status = 1;
    }
  }
  if (status) {
    std::fprintf(stderr, "herald-template-bench: %zu of %zu contacts render differently\n",
                 differing, contacts.size());
    return status;
  }
  std::printf("check:     identical texts for all %zu contacts (after normalising entities)\n",
              contacts.size());

  // ---- timing ----
  auto one_herald = [&](size_t i) {
    herald.render(contacts[i], out);
    sink += out.size();
  };
  auto one_mstch = [&](size_t i) { sink += renderMstch(contacts[i]).size(); };
  size_t next_h = 0, next_m = 0;
  rate(std::min(0.2, args.seconds), 1000, contacts.size(), next_h, one_herald);  // warm-up
  rate(std::min(0.2, args.seconds), 20, contacts.size(), next_m, one_mstch);
  std::vector<Rate> rh, rm;
  for (int r = 0; r < args.repeat; ++r) {
    if (r % 2 == 0) {
      rh.push_back(rate(args.seconds, 1000, contacts.size(), next_h, one_herald));
      rm.push_back(rate(args.seconds, 20, contacts.size(), next_m, one_mstch));
    } else {
      rm.push_back(rate(args.seconds, 20, contacts.size(), next_m, one_mstch));
      rh.push_back(rate(args.seconds, 1000, contacts.size(), next_h, one_herald));
    }
  }
  auto medianOf = [](const std::vector<Rate>& v, double Rate::*field) {
    std::vector<double> x;
    for (const Rate& r : v) x.push_back(r.*field);
    return median(std::move(x));
  };
  auto spread = [](const std::vector<Rate>& v) {
    double lo = v.front().per_cpu_second, hi = lo;
    for (const Rate& r : v) {
      lo = std::min(lo, r.per_cpu_second);
      hi = std::max(hi, r.per_cpu_second);
    }
    return withCommas(lo) + " to " + withCommas(hi);
  };
  const double h = medianOf(rh, &Rate::per_cpu_second), m = medianOf(rm, &Rate::per_cpu_second);
  std::printf(
      "timing:    %zu contacts rotated, one thread, %d samples of %.2f CPU-seconds each, "
      "alternating (checksum %zu)\n",
      contacts.size(), args.repeat, args.seconds, sink % 1000);
  std::printf(
      "  renders per CPU-second of the thread (= per core), medians; the thread got %.0f%% "
      "of a CPU\n",
      100 * medianOf(rh, &Rate::per_wall_second) / h);
  std::printf("  Herald   %12s renders/s  (%.0f ns per render; samples %s; wall-clock %s)\n",
              withCommas(h).c_str(), 1e9 / h, spread(rh).c_str(),
              withCommas(medianOf(rh, &Rate::per_wall_second)).c_str());
  std::printf("  mstch    %12s renders/s  (%.0f ns per render; samples %s; wall-clock %s)\n",
              withCommas(m).c_str(), 1e9 / m, spread(rm).c_str(),
              withCommas(medianOf(rm, &Rate::per_wall_second)).c_str());
  std::printf("  ratio    %.1fx mstch (goal: >= 8x: %s); Herald %s the 1,000,000 renders/s goal\n",
              h / m, h / m >= 8 ? "met" : "MISSED", h >= 1e6 ? "meets" : "MISSES");
  return 0;
}
