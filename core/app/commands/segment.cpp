// `herald segment preview|export|explain|rfm`: try a segment rule on the
// stored contacts before a workflow uses it. preview prints how many
// contacts match and a sample of them; export writes every one of them (CSV
// or JSON Lines, streamed); explain the one SQL statement the rule compiles to,
// its bound parameters and SQLite's query plan; rfm how the contacts with a
// purchase spread over the named RFM segments.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <variant>

#include "app/command.hpp"
#include "segment/parse.hpp"
#include "segment/rule.hpp"
#include "segment/time.hpp"
#include "util/clock.hpp"
#include "util/csv_write.hpp"
#include "util/group_digits.hpp"
#include "util/money.hpp"
#include "util/time_zone.hpp"

namespace herald::app {
namespace {

constexpr const char* kDefaultSegmentsDir = "workflows/segments";

struct RuleFlags {
  std::vector<std::string> words;  // the rule argument, possibly split by the shell
  std::string segments_dir;
  std::string timezone;
  int sample = 10;
  bool json = false;
};

struct RfmFlags {
  std::string as_of;
  std::string window;
  std::string event = "purchase";
  std::string amount = "amount";
  std::string timezone;
  bool json = false;
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A CLI11 check for --timezone: a zone of the tz database.
std::string checkZone(const std::string& zone) {
  if (isKnownTimeZone(zone)) return {};
  return "'" + zone + "' is not a known time zone (" + timeZoneHint(zone) + ")";
}

// The rule named on the command line, with what its evaluation needs; null
// after printing the problems (FILE:LINE:COL) when it cannot be read.
struct Loaded {
  segment::LoadedRule rule;
  segment::EvalContext eval;
};

std::optional<Loaded> loadRule(AppContext& ctx, const RuleFlags& flags) {
  std::string dir = flags.segments_dir;
  if (dir.empty() && std::filesystem::is_directory(kDefaultSegmentsDir)) dir = kDefaultSegmentsDir;
  Diagnostics lib_diags;
  segment::Library library;
  if (!dir.empty()) library = segment::Library::load(dir, lib_diags);

  std::string text;
  for (const auto& w : flags.words) text += (text.empty() ? "" : " ") + w;
  Diagnostics diags;
  auto loaded = segment::loadRuleArgument(text, library, diags);
  // Problems in the segments folder are shown whether or not this rule
  // uses the segment they are in: 'herald validate' would report them too.
  lib_diags.sort();
  lib_diags.print(std::cerr);
  if (!loaded || !loaded->rule || diags.hasErrors()) {
    diags.sort();
    diags.print(std::cerr);
    return std::nullopt;
  }
  diags.print(std::cerr);  // warnings
  Loaded out{std::move(*loaded), {}};
  out.eval.now_ms = ctx.clock().nowMs();
  if (!flags.timezone.empty()) {
    out.eval.timezone = flags.timezone;
  } else if (out.rule.timezone) {
    out.eval.timezone = *out.rule.timezone;
  }
  return out;
}

// The attributes a rule looks at, in the order it names them: the sample
// table shows them beside the contact's name.
void collectAttributes(const segment::Rule& rule, std::vector<std::string>& names) {
  auto add = [&names](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, segment::Combination>) {
          for (const auto& child : node.children) {
            if (child) collectAttributes(*child, names);
          }
        } else if constexpr (std::is_same_v<T, segment::ValueTest>) {
          if (node.subject.kind == segment::Subject::Kind::kAttribute ||
              node.subject.kind == segment::Subject::Kind::kAge ||
              node.subject.kind == segment::Subject::Kind::kAnniversary) {
            add(node.subject.name.empty() ? "birth_date" : node.subject.name);
          }
        } else if constexpr (std::is_same_v<T, segment::SegmentRef>) {
          if (node.rule) collectAttributes(*node.rule, names);
        }
      },
      rule.node);
}

std::string attributeText(const nlohmann::json& attrs, const std::string& name) {
  auto it = attrs.find(name);
  if (it == attrs.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string out;
    for (const auto& v : *it) {
      out += (out.empty() ? "" : "|") + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    return out;
  }
  return it->dump();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "|") + i;
  return out;
}

// Cut to `width` code points, marking the cut.
std::string clip(const std::string& s, size_t width) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++points > width) {
      // Back to the start of the last kept code point, then add the mark.
      size_t cut = i;
      do {
        --cut;
      } while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80);
      return s.substr(0, cut) + "…";
    }
  }
  return s;
}

// Columns a UTF-8 string takes in a terminal: East Asian wide characters
// (Hangul, kana, CJK ideographs, full-width forms) take two.
size_t displayWidth(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? b : b & (0x3F >> (len - 1));
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

nlohmann::json contactJson(const store::Contact& c) {
  auto opt = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"id", c.id},
          {"external_id", opt(c.external_id)},
          {"email", opt(c.email)},
          {"phone", opt(c.phone)},
          {"first_name", opt(c.first_name)},
          {"last_name", opt(c.last_name)},
          {"locale", opt(c.locale)},
          {"timezone", opt(c.timezone)},
          {"tags", c.tags},
          {"attributes", c.attributes}};
}

int preview(AppContext& ctx, const RuleFlags& flags) {
  auto loaded = loadRule(ctx, flags);
  if (!loaded) return 1;
  store::Store& store = ctx.store();
  const segment::Rule& rule = *loaded->rule.rule;
  const auto start = std::chrono::steady_clock::now();
  const int64_t count = store.segmentCount(rule, loaded->eval);
  const double count_seconds = secondsSince(start);
  const auto sample = flags.sample > 0 ? store.segmentSample(rule, loaded->eval, flags.sample)
                                       : std::vector<store::Contact>{};
  if (flags.json) {
    nlohmann::json out = {{"segment", loaded->rule.label},
                          {"timezone", loaded->eval.timezone},
                          {"now", formatIsoTime(loaded->eval.now_ms)},
                          {"count", count},
                          {"seconds", count_seconds},
                          {"sample", nlohmann::json::array()}};
    for (const auto& c : sample) out["sample"].push_back(contactJson(c));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  std::cout << fmt::format("segment {}: {} matching contact{} ({:.2f} s)\n", loaded->rule.label,
                           groupDigits(count), count == 1 ? "" : "s", count_seconds);
  if (sample.empty()) return 0;

  std::vector<std::string> attrs;
  collectAttributes(rule, attrs);
  if (attrs.size() > 3) attrs.resize(3);
  std::vector<std::string> header = {"id", "email", "name", "tags"};
  header.insert(header.end(), attrs.begin(), attrs.end());
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : sample) {
    std::string name = c.first_name.value_or("");
    if (c.last_name) name += (name.empty() ? "" : " ") + *c.last_name;
    std::vector<std::string> row = {std::to_string(c.id), c.email.value_or(""), name,
                                    joined(c.tags)};
    for (const auto& a : attrs) row.push_back(attributeText(c.attributes, a));
    for (auto& cell : row) cell = clip(cell, 40);
    rows.push_back(std::move(row));
  }
  std::vector<size_t> widths(header.size());
  auto width = [](const std::string& s) { return displayWidth(s); };
  for (size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& r : rows) widths[i] = std::max(widths[i], width(r[i]));
  }
  auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      const size_t pad = widths[i] - std::min(widths[i], width(cells[i]));
      // Ids right-aligned, the rest left-aligned; no trailing blanks.
      if (i == 0)
        line += std::string(pad, ' ') + cells[i];
      else
        line += cells[i] + (i + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << '\n';
  };
  std::cout << '\n';
  print(header);
  for (const auto& r : rows) print(r);
  if (count > static_cast<int64_t>(sample.size())) {
    std::cout << fmt::format("… the first {} of {}, by id (--sample N for more)\n", sample.size(),
                             groupDigits(count));
  }
  return 0;
}

int explain(AppContext& ctx, const RuleFlags& flags) {
  auto loaded = loadRule(ctx, flags);
  if (!loaded) return 1;
  const store::SegmentPlan plan = ctx.store().explainSegment(*loaded->rule.rule, loaded->eval);
  if (flags.json) {
    std::cout << nlohmann::json({{"segment", loaded->rule.label},
                                 {"timezone", loaded->eval.timezone},
                                 {"now", formatIsoTime(loaded->eval.now_ms)},
                                 {"sql", plan.sql},
                                 {"params", plan.params},
                                 {"plan", plan.plan}})
                     .dump(2)
              << '\n';
    return 0;
  }
  std::cout << fmt::format("segment: {} (time zone {}, now {})\n\nSQL:\n", loaded->rule.label,
                           loaded->eval.timezone, formatIsoTime(loaded->eval.now_ms));
  std::string sql = plan.sql;
  size_t from = 0;
  while (from <= sql.size()) {
    size_t nl = sql.find('\n', from);
    std::string line = sql.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
    std::cout << "  " << line << '\n';
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  std::cout << "\nparameters:\n";
  if (plan.params.empty()) std::cout << "  (none)\n";
  for (size_t i = 0; i < plan.params.size(); ++i) {
    std::cout << fmt::format("  ?{} = {}\n", i + 1, plan.params[i].dump());
  }
  std::cout << "\nquery plan:\n";
  for (const auto& line : plan.plan) std::cout << "  " << line << '\n';
  return 0;
}

struct ExportFlags {
  RuleFlags rule;
  std::string format;  // csv or jsonl; default: from --output's extension, else csv
  std::string output;  // default: standard output
};

// One contact as a CSV row: the contact's fields, its tags joined by '|'
// and its attributes as one JSON object (they differ from contact to
// contact, so they have no fixed columns).
constexpr const char* kExportCsvHeader =
    "id,external_id,email,phone,first_name,last_name,locale,timezone,tags,attributes\n";

void appendCsvRow(std::string& out, const store::Contact& c) {
  out += std::to_string(c.id);
  for (const auto* v :
       {&c.external_id, &c.email, &c.phone, &c.first_name, &c.last_name, &c.locale, &c.timezone}) {
    out += ',';
    appendCsvField(out, v->value_or(""));
  }
  out += ',';
  appendCsvField(out, joined(c.tags));
  out += ',';
  appendCsvField(out, c.attributes.dump());
  out += '\n';
}

int exportSegment(AppContext& ctx, const ExportFlags& flags) {
  std::string format = flags.format;
  if (format.empty()) format = flags.output.ends_with(".jsonl") ? "jsonl" : "csv";
  auto loaded = loadRule(ctx, flags.rule);
  if (!loaded) return 1;
  std::ofstream file;
  if (!flags.output.empty()) {
    file.open(flags.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << fmt::format("error: {}: cannot write the export there ({})\n", flags.output,
                               std::strerror(errno));
      return 1;
    }
  }
  std::ostream& out = flags.output.empty() ? std::cout : file;
  const auto start = std::chrono::steady_clock::now();
  // Rows go out in blocks of about 256 KiB: memory stays flat however many
  // contacts match (the store hands them over one at a time).
  std::string block;
  int64_t count = 0;
  if (format == "csv") block = kExportCsvHeader;
  ctx.store().segmentEach(*loaded->rule.rule, loaded->eval, [&](const store::Contact& c) {
    if (format == "csv") {
      appendCsvRow(block, c);
    } else {
      block += contactJson(c).dump();
      block += '\n';
    }
    ++count;
    if (block.size() >= 256 * 1024) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
      block.clear();
    }
  });
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  out.flush();
  if (!out) {
    std::cerr << fmt::format("error: {}: writing the export failed\n",
                             flags.output.empty() ? "standard output" : flags.output);
    return 1;
  }
  std::cerr << fmt::format("segment {}: exported {} contact{} as {} to {} ({:.2f} s)\n",
                           loaded->rule.label, groupDigits(count), count == 1 ? "" : "s", format,
                           flags.output.empty() ? "standard output" : flags.output,
                           secondsSince(start));
  return 0;
}

struct SegmentTally {
  int64_t contacts = 0;
  int64_t r = 0, f = 0, m = 0, purchases = 0;
  int64_t amount_units = 0;  // exact (util/money.hpp)
};

int rfm(AppContext& ctx, const RfmFlags& flags) {
  segment::RfmOptions options;
  options.event_type = flags.event;
  options.amount_property = flags.amount;
  segment::EvalContext eval;
  eval.now_ms = ctx.clock().nowMs();
  if (!flags.timezone.empty()) eval.timezone = flags.timezone;
  if (!flags.as_of.empty()) options.as_of = segment::TimeValue{flags.as_of};
  if (!flags.window.empty()) options.window = segment::parseDuration(flags.window);
  const segment::RfmPeriod period = segment::rfmPeriod(options, eval);
  const int64_t as_of_ms = period.to_ms;

  const auto start = std::chrono::steady_clock::now();
  const auto scores = ctx.store().rfmScores(options, eval);
  const double seconds = secondsSince(start);

  std::map<std::string, SegmentTally> tally;
  for (const auto& s : scores) {
    SegmentTally& t = tally[s.segment];
    ++t.contacts;
    t.r += s.recency;
    t.f += s.frequency;
    t.m += s.monetary;
    t.purchases += s.purchases;
    t.amount_units += s.amount_units;
  }
  const int64_t total = static_cast<int64_t>(scores.size());
  auto avg = [](double sum, int64_t n) { return n > 0 ? sum / static_cast<double>(n) : 0.0; };
  // The average amount per contact, exact then rounded to a micro-unit.
  auto avgAmount = [](const SegmentTally& t) {
    return money::averageUnits(t.amount_units, t.contacts);
  };

  if (flags.json) {
    nlohmann::json segs = nlohmann::json::array();
    for (const auto& name : segment::rfmSegmentNames()) {
      const SegmentTally t = tally.count(name) ? tally[name] : SegmentTally{};
      segs.push_back({{"segment", name},
                      {"contacts", t.contacts},
                      {"share", avg(static_cast<double>(t.contacts), total)},
                      {"recency", avg(static_cast<double>(t.r), t.contacts)},
                      {"frequency", avg(static_cast<double>(t.f), t.contacts)},
                      {"monetary", avg(static_cast<double>(t.m), t.contacts)},
                      {"purchases", avg(static_cast<double>(t.purchases), t.contacts)},
                      {"amount", nlohmann::json::parse(money::textOfUnits(avgAmount(t)))}});
    }
    std::cout << nlohmann::json({{"as_of", formatIsoTime(as_of_ms)},
                                 {"window_from",
                                  period.from_ms ? nlohmann::json(formatIsoTime(*period.from_ms))
                                                 : nlohmann::json()},
                                 {"timezone", eval.timezone},
                                 {"event", options.event_type},
                                 {"amount", options.amount_property},
                                 {"contacts", total},
                                 {"seconds", seconds},
                                 {"segments", std::move(segs)}})
                     .dump(2)
              << '\n';
    return 0;
  }
  const std::string since =
      period.from_ms ? fmt::format(" since {}", formatIsoTime(*period.from_ms)) : "";
  std::cout << fmt::format(
      "RFM as of {}{} over '{}' events (amount: '{}'): {} contact{} with at least one ({:.2f} "
      "s)\n",
      formatIsoTime(as_of_ms), since, options.event_type, options.amount_property,
      groupDigits(total), total == 1 ? "" : "s", seconds);
  if (total == 0) return 0;
  std::cout << fmt::format("\n{:<20} {:>10} {:>6}  {:>5} {:>5} {:>5}  {:>9} {:>11}\n", "segment",
                           "contacts", "share", "R", "F", "M", "purchases", "amount");
  for (const auto& name : segment::rfmSegmentNames()) {
    const SegmentTally t = tally.count(name) ? tally[name] : SegmentTally{};
    std::cout << fmt::format(
        "{:<20} {:>10} {:>5.1f}%  {:>5.2f} {:>5.2f} {:>5.2f}  {:>9.1f} {:>11.2f}\n", name,
        groupDigits(t.contacts), 100.0 * avg(static_cast<double>(t.contacts), total),
        avg(static_cast<double>(t.r), t.contacts), avg(static_cast<double>(t.f), t.contacts),
        avg(static_cast<double>(t.m), t.contacts),
        avg(static_cast<double>(t.purchases), t.contacts),
        static_cast<double>(avgAmount(t)) / money::kUnitsPerWhole);
  }
  std::cout << "(R, F, M: average scores 1-5; purchases and amount: averages per contact)\n";
  return 0;
}

void addRuleOptions(CLI::App* cmd, RuleFlags& flags) {
  cmd->add_option("RULE", flags.words,
                  "A named segment, a segment or rule file (YAML), or a rule written inline, "
                  "e.g. '{tags: {has: vip}}'")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--segments", flags.segments_dir,
                  std::string("Folder of named segments (default: ") + kDefaultSegmentsDir +
                      " if it exists)")
      ->check([](const std::string& dir) -> std::string {
        if (std::filesystem::is_directory(dir)) return {};
        return "there is no folder '" + dir + "' (a folder of named segment files, e.g. " +
               kDefaultSegmentsDir + ")";
      });
  cmd->add_option("--timezone", flags.timezone,
                  "Read dates, calendar units and ages in this IANA time zone (default: the "
                  "named segment's, else UTC)")
      ->check(checkZone);
  cmd->add_flag("--json", flags.json, "Print JSON");
}

}  // namespace

void addSegmentCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* group = app.add_subcommand(
      "segment", "Try segment rules on the stored contacts: preview, export, explain, rfm");
  group->require_subcommand(1);

  auto preview_flags = std::make_shared<RuleFlags>();
  CLI::App* prev = group->add_subcommand(
      "preview", "How many contacts match a rule, and a sample of them (in id order)");
  addRuleOptions(prev, *preview_flags);
  prev->add_option("--sample", preview_flags->sample,
                   "Show at most N matching contacts (default 10; 0: only the count)")
      ->check(CLI::Range(0, 10000));
  prev->callback([&ctx, &exit_code, preview_flags] { exit_code = preview(ctx, *preview_flags); });

  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* exp = group->add_subcommand(
      "export",
      "Every contact that matches a rule, in id order, as CSV or JSON Lines (streamed: memory "
      "stays flat however many match)");
  addRuleOptions(exp, export_flags->rule);
  exp->add_option("--format", export_flags->format,
                  "csv or jsonl (default: jsonl when --output ends in .jsonl, else csv)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  exp->add_option("--output,-o", export_flags->output,
                  "Write to this file (default: standard output; the summary goes to standard "
                  "error)");
  exp->callback(
      [&ctx, &exit_code, export_flags] { exit_code = exportSegment(ctx, *export_flags); });

  auto explain_flags = std::make_shared<RuleFlags>();
  CLI::App* expl = group->add_subcommand(
      "explain", "The SQL a rule compiles to, its bound parameters and SQLite's query plan");
  addRuleOptions(expl, *explain_flags);
  expl->callback([&ctx, &exit_code, explain_flags] { exit_code = explain(ctx, *explain_flags); });

  auto rfm_flags = std::make_shared<RfmFlags>();
  CLI::App* r = group->add_subcommand(
      "rfm",
      "How the contacts with a purchase spread over the named RFM segments (champions, loyal, "
      "... lost), with their average scores");
  r->add_option("--as-of", rfm_flags->as_of,
                "Score as of this date or time (ISO 8601; default: now)")
      ->check([](const std::string& v) -> std::string {
        if (segment::isIsoTime(v)) return {};
        return "'" + v + "' is not a date or time such as 2025-06-01 or 2025-06-01T12:00";
      });
  r->add_option("--window", rfm_flags->window,
                "Only purchases in this look-back window before --as-of count, and only "
                "contacts with one are scored, e.g. 365d, 12mo, 1y (default: every purchase)")
      ->check([](const std::string& v) -> std::string {
        if (segment::parseDuration(v)) return {};
        return "'" + v + "' is not a length of time such as 365d, 12mo or 1y";
      });
  r->add_option("--event", rfm_flags->event, "The purchase event type (default: purchase)");
  r->add_option("--amount", rfm_flags->amount,
                "The event property holding the amount (default: amount)");
  r->add_option("--timezone", rfm_flags->timezone,
                "Read --as-of in this IANA time zone (default: UTC)")
      ->check(checkZone);
  r->add_flag("--json", rfm_flags->json, "Print JSON");
  r->callback([&ctx, &exit_code, rfm_flags] { exit_code = rfm(ctx, *rfm_flags); });
}

}  // namespace herald::app
