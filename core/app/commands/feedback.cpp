// `herald feedback report` and `herald feedback export`: survey answers
// (survey_response events) as NPS, CSAT and response rate per group, with
// the detractors' comments; and every kept answer as CSV.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string_view>

#include "app/command.hpp"
#include "feedback/report.hpp"
#include "feedback/report_json.hpp"
#include "feedback/responses.hpp"
#include "feedback/segments.hpp"
#include "util/clock.hpp"
#include "util/csv_write.hpp"

namespace herald::app {
namespace {

constexpr const char* kDefaultSegmentsDir = "workflows/segments";

struct FilterFlags {
  std::string survey;
  std::string workflow;
  std::string since;
  std::string until;
};

struct ReportFlags {
  FilterFlags filter;
  std::string by;
  std::vector<std::string> segments;
  std::string segments_dir = kDefaultSegmentsDir;
  size_t comments = 20;
  bool json = false;
};

struct ExportFlags {
  FilterFlags filter;
  std::string csv;
};

store::SurveyResponseFilter toFilter(const FilterFlags& f) {
  store::SurveyResponseFilter out{f.survey, f.workflow, std::nullopt, std::nullopt};
  if (!f.since.empty()) out.since_ms = feedback::parseReportTime("since", f.since);
  if (!f.until.empty()) out.until_ms = feedback::parseReportTime("until", f.until);
  return out;
}

// A user's mistake in an option: printed as a usage error (exit 2).
int badOption(const feedback::BadParameter& e) {
  std::cerr << "herald: error: --" << e.parameter << ": " << e.what() << '\n';
  return 2;
}

std::string figure(bool defined, double v) {
  return defined && std::isfinite(v) ? fmt::format("{:.1f}", v) : "-";
}

std::string range(bool defined, const stats::Interval& i) {
  return defined ? fmt::format("[{:.1f}, {:.1f}]", i.low, i.high) : "-";
}

void printReport(const feedback::Report& r) {
  const auto& o = r.options;
  std::cout << fmt::format("feedback{}{}{}{}\n",
                           o.filter.survey.empty() ? "" : " survey " + o.filter.survey,
                           o.filter.workflow.empty() ? "" : " workflow " + o.filter.workflow,
                           o.filter.since_ms ? " since " + formatIsoTime(*o.filter.since_ms) : "",
                           o.filter.until_ms ? " until " + formatIsoTime(*o.filter.until_ms) : "");
  if (!r.note.empty()) {
    std::cout << r.note << '\n';
    return;
  }
  std::cout << fmt::format(
      "{} answer{} counted ({} replaced by a later answer to the same message, {} without a "
      "valid score)\n\n",
      r.responses, r.responses == 1 ? "" : "s", r.replaced, r.invalid);
  std::cout << fmt::format(
      "{:<20} {:>6} {:>5} {:>5} {:>5} {:>7} {:<16} {:>7} {:<16} {:>7} {:>9} {:>8} {:<16}\n",
      o.by == feedback::Grouping::kNone ? "group" : toString(o.by), "n", "prom", "pass", "detr",
      "NPS", "95% interval", "CSAT%", "95% interval", "sent", "resp.rate", "ΔNPS",
      "Δ 95% interval");
  for (const auto& g : r.groups) {
    const auto& d = g.nps_vs_first;
    std::cout << fmt::format(
        "{:<20} {:>6} {:>5} {:>5} {:>5} {:>7} {:<16} {:>7} {:<16} {:>7} {:>9} {:>8} {:<16}\n",
        g.name, g.n, g.promoters, g.passives, g.detractors, figure(g.nps.defined, g.nps.score),
        range(g.nps.defined, g.nps.ci), figure(g.csat.defined, g.csat.percent),
        range(g.csat.defined, g.csat.ci), g.sent ? std::to_string(*g.sent) : "-",
        g.response_rate ? fmt::format("{:.1f}%", *g.response_rate * 100) : "-",
        d ? figure(d->defined, d->score) : "", d ? range(d->defined, d->ci) : "");
  }
  if (r.groups.size() > 1)
    std::cout << fmt::format(
        "ΔNPS: the group's NPS minus {}'s; an interval that holds 0 is not a clear change\n",
        r.groups.front().name);
  if (r.detractor_comments.empty()) return;
  std::cout << "\ndetractors' comments (score 0-6), newest first:\n";
  for (const auto& c : r.detractor_comments) {
    std::cout << fmt::format("  {}  {}  score {}{}: {}\n", formatIsoTime(c.at_ms), c.contact,
                             c.score, c.variant.empty() ? "" : " (variant " + c.variant + ")",
                             c.comment);
  }
  if (r.comments_left_out > 0)
    std::cout << fmt::format("  ... and {} older comment{} (--comments N shows more)\n",
                             r.comments_left_out, r.comments_left_out == 1 ? "" : "s");
}

int report(AppContext& ctx, const ReportFlags& flags) {
  feedback::ReportOptions options;
  try {
    options.filter = toFilter(flags.filter);
    options.by = feedback::parseGrouping(flags.by);
    if (options.by == feedback::Grouping::kSegment) {
      options.segments = feedback::resolveSegments(ctx.store(), flags.segments_dir, flags.segments,
                                                   ctx.clock().nowMs());
    } else if (!flags.segments.empty()) {
      throw feedback::BadParameter("segment", "--segment needs --by segment");
    }
  } catch (const feedback::BadParameter& e) {
    return badOption(e);
  }
  options.max_comments = flags.comments;
  const auto r = feedback::buildReport(ctx.store(), options);
  if (flags.json) {
    std::cout << feedback::toJson(r).dump(2) << '\n';
  } else {
    printReport(r);
  }
  return 0;
}

// A text a spreadsheet would run as a formula gets a leading apostrophe
// (OWASP's advice on CSV injection); the CSV quoting is appendCsvField's.
std::string spreadsheetSafe(const std::string& text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    return "'" + text;
  return text;
}

int exportCsv(AppContext& ctx, const ExportFlags& flags) {
  store::SurveyResponseFilter filter;
  try {
    filter = toFilter(flags.filter);
  } catch (const feedback::BadParameter& e) {
    return badOption(e);
  }
  std::ofstream file;
  if (flags.csv != "-") {
    file.open(flags.csv, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "herald: error: cannot write " << flags.csv << '\n';
      return 1;
    }
  }
  std::ostream& out = flags.csv == "-" ? std::cout : file;
  out << "at,contact,email,survey,scale,score,comment,workflow,step,variant,send\r\n";
  const auto kept = feedback::keptResponses(ctx.store(), filter);
  std::string line;
  for (const auto& r : kept.responses) {
    line.clear();
    const std::string fields[] = {formatIsoTime(r.at_ms),
                                  spreadsheetSafe(r.contact_external_id),
                                  spreadsheetSafe(r.contact_email),
                                  spreadsheetSafe(r.survey),
                                  r.scale,
                                  std::to_string(*r.score),
                                  spreadsheetSafe(r.comment),
                                  spreadsheetSafe(r.workflow),
                                  spreadsheetSafe(r.step),
                                  spreadsheetSafe(r.variant),
                                  spreadsheetSafe(r.send)};
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) line += ',';
      appendCsvField(line, fields[i]);
    }
    out << line << "\r\n";
  }
  out.flush();
  if (!out) {
    std::cerr << "herald: error: writing " << flags.csv << " failed\n";
    return 1;
  }
  if (flags.csv != "-")
    std::cerr << fmt::format("{} answers written to {} ({} replaced answers left out)\n",
                             kept.responses.size(), flags.csv, kept.replaced);
  return 0;
}

void addFilterOptions(CLI::App* cmd, FilterFlags& f) {
  cmd->add_option("--survey", f.survey, "Only this survey's answers");
  cmd->add_option("--workflow", f.workflow, "Only answers to this workflow's messages");
  cmd->add_option("--since", f.since, "Answers at or after this date/time (ISO 8601, UTC)");
  cmd->add_option("--until", f.until, "Answers before this date/time (ISO 8601, UTC)");
}

}  // namespace

void addFeedbackCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* fb = app.add_subcommand("feedback", "Survey answers: NPS and CSAT reports, CSV export");
  fb->require_subcommand(1);

  auto report_flags = std::make_shared<ReportFlags>();
  CLI::App* rep = fb->add_subcommand(
      "report", "NPS, CSAT and response rate per group, and the detractors' comments");
  addFilterOptions(rep, report_flags->filter);
  rep->add_option("--by", report_flags->by,
                  "Group by variant, segment, month, week, step or workflow");
  rep->add_option("--segment", report_flags->segments,
                  "A named segment to report on (with --by segment; repeatable)");
  rep->add_option("--segments-dir", report_flags->segments_dir,
                  "Folder of named segments (default workflows/segments)");
  rep->add_option("--comments", report_flags->comments,
                  "How many detractors' comments to list (default 20)");
  rep->add_flag("--json", report_flags->json, "Print JSON (the admin API's shape)");
  rep->callback([&ctx, &exit_code, report_flags] { exit_code = report(ctx, *report_flags); });

  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* exp = fb->add_subcommand("export", "Every counted answer as CSV, one row each");
  addFilterOptions(exp, export_flags->filter);
  exp->add_option("--csv", export_flags->csv, "The CSV file to write, or - for stdout")->required();
  exp->callback([&ctx, &exit_code, export_flags] { exit_code = exportCsv(ctx, *export_flags); });
}

}  // namespace herald::app
