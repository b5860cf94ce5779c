#include "workflow/loader.hpp"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/daemon_config.hpp"
#include "message/locale.hpp"
#include "segment/parse.hpp"
#include "util/suggest.hpp"
#include "util/time_zone.hpp"
#include "util/yaml_error.hpp"
#include "util/yaml_json.hpp"
#include "util/yaml_load.hpp"
#include "workflow/cron.hpp"
#include "workflow/expression.hpp"
#include "workflow/scalar_pos.hpp"
#include "workflow/wait.hpp"

namespace herald::workflow {
namespace {

const std::vector<std::string> kTopKeys = {"name",     "description", "trigger",
                                           "audience", "settings",    "steps"};
const std::vector<std::string> kStepKeys = {
    "id", "uses", "with", "next", "branches", "retry", "description", "on_refused", "on_unknown"};
const std::vector<std::string> kTriggerTypes = {"manual", "schedule", "event", "api"};
const std::vector<std::string> kTriggerKeys = {"type",  "cron",      "timezone", "catch_up",
                                               "event", "condition", "reentry"};
// Which trigger types use which key (besides `type`).
const std::map<std::string, std::vector<std::string>> kKeysOfType = {
    {"manual", {}},
    {"schedule", {"cron", "timezone", "catch_up", "reentry"}},
    {"event", {"event", "condition", "reentry"}},
    {"api", {"reentry"}},
};

bool isValidId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(s[0])) return false;
  for (char c : s)
    if (!ok_first(c) && c != '-' && c != '_') return false;
  return true;
}

class Loader {
 public:
  Loader(const std::string& file, const std::string& source, Diagnostics& diags)
      : file_(file), source_(source), diags_(diags) {}

  std::optional<Workflow> load() {
    YAML::Node root;
    try {
      root = loadYaml(source_);
    } catch (const YamlAliasError& e) {
      diags_.error({file_, e.mark.line + 1, e.mark.column + 1}, e.msg);
      return std::nullopt;
    } catch (const YAML::ParserException& e) {
      const auto problem = explainYamlError(file_, source_, e);
      diags_.error(problem.pos, "YAML syntax error: " + problem.explanation);
      return std::nullopt;
    } catch (const YAML::Exception& e) {
      diags_.error({file_, 0, 0}, std::string("YAML error: ") + e.what());
      return std::nullopt;
    }
    if (const auto problem = unclosedQuote(file_, source_)) {
      diags_.error(problem->pos, "YAML syntax error: " + problem->explanation);
      return std::nullopt;
    }
    if (!root.IsDefined() || root.IsNull()) {
      diags_.error({file_, 1, 1}, "the file is empty; a workflow needs name, trigger and steps");
      return std::nullopt;
    }
    if (!root.IsMap()) {
      diags_.error(pos(root), "a workflow file must be a mapping with name, trigger and steps");
      return std::nullopt;
    }
    checkDuplicateKeys(root);

    Workflow wf;
    wf.name_pos = {file_, 1, 1};
    wf.path = file_;
    wf.source = source_;
    wf.revision = sha256Hex(source_);
    bool has_name = false, has_trigger = false, has_steps = false;
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "name") {
        has_name = true;
        wf.name_pos = pos(v);
        if (auto s = text(v, "name")) {
          if (!isValidId(*s))
            error(v,
                  "name must be lower-case letters, digits, '-' and '_', starting with a "
                  "letter or digit (at most 64), e.g. welcome-series; got '" +
                      *s + "'");
          wf.name = *s;
        }
      } else if (key == "description") {
        if (!v.IsNull())
          if (auto s = text(v, "description")) wf.description = *s;
      } else if (key == "trigger") {
        has_trigger = true;
        loadTrigger(v, wf.trigger);
      } else if (key == "audience") {
        loadAudience(v, wf);
      } else if (key == "settings") {
        loadSettings(v, wf);
      } else if (key == "steps") {
        has_steps = true;
        loadSteps(v, wf);
      } else {
        unknownKey(kv.first, "at the top of the workflow", kTopKeys);
      }
    }
    const SourcePos top{file_, 1, 1};
    if (!has_name) diags_.error(top, "missing 'name' (e.g. name: welcome-series)");
    if (!has_trigger) diags_.error(top, "missing 'trigger' (e.g. trigger: {type: manual})");
    if (!has_steps) diags_.error(top, "missing 'steps': a workflow needs at least one step");
    return wf;
  }

 private:
  SourcePos pos(const YAML::Node& n) const { return positionOf(n, file_); }
  void error(const YAML::Node& n, std::string message) { diags_.error(pos(n), std::move(message)); }

  void unknownKey(const YAML::Node& key, const std::string& where,
                  const std::vector<std::string>& known, const std::string& hint = "") {
    const std::string k = key.Scalar();
    std::string msg = "unknown key '" + k + "' " + where;
    const auto close = closeMatches(k, known, 1);
    if (!close.empty()) msg += " (did you mean '" + close[0] + "'?)";
    msg += hint;
    msg += "; known keys: " + joinList(known, "and");
    error(key, msg);
  }

  void checkDuplicateKeys(const YAML::Node& node) {
    if (node.IsMap()) {
      std::map<std::string, int> seen;
      for (const auto& kv : node) {
        const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (!kv.first.IsScalar()) {
          error(kv.first, "keys must be plain text");
        } else {
          auto [it, inserted] = seen.emplace(k, pos(kv.first).line);
          if (!inserted)
            error(kv.first, "duplicate key '" + k + "' (first at line " +
                                std::to_string(it->second) + "); each key may appear once");
        }
        checkDuplicateKeys(kv.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) checkDuplicateKeys(item);
    }
  }

  // The text of a scalar; reports and returns nullopt for maps, lists, nothing.
  std::optional<std::string> text(const YAML::Node& v, const std::string& what) {
    if (v.IsScalar()) return v.Scalar();
    if (v.IsNull()) {
      error(v, "'" + what + "' is empty");
    } else {
      error(v, "'" + what + "' must be text, not a " + std::string(v.IsMap() ? "mapping" : "list"));
    }
    return std::nullopt;
  }

  std::optional<int64_t> integer(const YAML::Node& v, const std::string& what, int64_t lo,
                                 int64_t hi) {
    const nlohmann::json j = v.IsScalar() ? yamlToJson(v) : nlohmann::json();
    if (!j.is_number_integer() || j.get<int64_t>() < lo || j.get<int64_t>() > hi) {
      error(v, "'" + what + "' must be a whole number from " + std::to_string(lo) + " to " +
                   std::to_string(hi) + (v.IsScalar() ? ", got '" + v.Scalar() + "'" : ""));
      return std::nullopt;
    }
    return j.get<int64_t>();
  }

  void checkTimeZone(const YAML::Node& v, std::string& out) {
    if (auto s = text(v, "timezone")) {
      if (!isKnownTimeZone(*s)) error(v, "unknown time zone '" + *s + "'; " + timeZoneHint(*s));
      out = *s;
    }
  }

  void loadCatchUp(const YAML::Node& v, Trigger& t) {
    const auto s = v.IsScalar() ? std::optional<std::string>(v.Scalar()) : std::nullopt;
    for (auto c : {Trigger::CatchUp::kSkip, Trigger::CatchUp::kOnce, Trigger::CatchUp::kAll}) {
      if (s == toString(c)) {
        t.catch_up = c;
        return;
      }
    }
    error(v, "'catch_up' must be skip, once or all" + (s ? ", got '" + *s + "'" : std::string()) +
                 " (what to do with firings missed while the daemon was down; default once)");
  }

  // reentry: once | always | {once_per: 30d}
  void loadReentry(const YAML::Node& v, store::Reentry& r) {
    const std::string valid =
        "'reentry' must be once, always or {once_per: DURATION} such as {once_per: 30d}";
    if (v.IsScalar()) {
      const std::string s = v.Scalar();
      if (s == "once")
        r.kind = store::Reentry::Kind::kOnce;
      else if (s == "always")
        r.kind = store::Reentry::Kind::kAlways;
      else
        error(v, valid + ", got '" + s + "'");
      return;
    }
    if (!v.IsMap() || v.size() != 1 || (*v.begin()).first.Scalar() != "once_per") {
      error(v, valid);
      return;
    }
    const YAML::Node d = (*v.begin()).second;
    const auto ms = d.IsScalar() ? config::parseDuration(d.Scalar()) : std::nullopt;
    if (!ms || ms->count() <= 0) {
      error(d, "'once_per' must be a duration such as 12h, 30d or 1w" +
                   (d.IsScalar() ? ", got '" + d.Scalar() + "'" : std::string()));
      return;
    }
    r.kind = store::Reentry::Kind::kOncePer;
    r.period_ms = ms->count();
  }

  void loadTrigger(const YAML::Node& v, Trigger& t) {
    t.pos = pos(v);
    if (v.IsScalar()) {
      const std::string s = v.Scalar();
      if (s == "manual") return;
      if (s == "schedule")
        error(v,
              "a schedule trigger needs a cron line, e.g. trigger: {type: schedule, "
              "cron: \"0 9 * * MON\", timezone: Europe/Berlin}");
      else if (s == "event")
        error(v,
              "an event trigger needs the event type, e.g. trigger: {type: event, event: "
              "signup}");
      else
        error(v, "unknown trigger '" + s + "'; use manual, schedule, event or api");
      return;
    }
    if (!v.IsMap()) {
      error(v, "'trigger' must be a mapping such as {type: manual}");
      return;
    }
    const YAML::Node type = v["type"];
    std::string kind;
    if (!type) {
      error(v, "the trigger needs a 'type': manual, schedule, event or api");
    } else if (auto s = text(type, "type")) {
      kind = *s;
      if (kind == "manual") {
        t.kind = Trigger::Kind::kManual;
      } else if (kind == "schedule") {
        t.kind = Trigger::Kind::kSchedule;
      } else if (kind == "event") {
        t.kind = Trigger::Kind::kEvent;
      } else if (kind == "api") {
        t.kind = Trigger::Kind::kApi;
      } else {
        const auto close = closeMatches(kind, kTriggerTypes, 1);
        error(type, "unknown trigger type '" + kind + "'; " +
                        (close.empty() ? "" : "did you mean '" + close[0] + "'? ") +
                        "use manual, schedule, event or api");
        kind.clear();
      }
    }
    bool has_cron = false, has_event = false, reentry_given = false;
    for (const auto& kv : v) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& val = kv.second;
      if (key == "type") continue;
      if (std::find(kTriggerKeys.begin(), kTriggerKeys.end(), key) == kTriggerKeys.end()) {
        unknownKey(kv.first, "in the trigger", kTriggerKeys);
        continue;
      }
      if (!kind.empty()) {
        const auto& allowed = kKeysOfType.at(kind);
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
          std::vector<std::string> users;
          for (const auto& [user, keys] : kKeysOfType) {
            if (std::find(keys.begin(), keys.end(), key) != keys.end()) users.push_back(user);
          }
          error(kv.first, "'" + key + "' is only used by " + joinList(users, "and") +
                              " triggers; this trigger is " + kind);
          continue;
        }
      }
      if (key == "cron") {
        has_cron = true;
        if (auto s = text(val, "cron")) {
          t.cron = *s;
          CronError err;
          auto sched = CronSchedule::parse(*s, &err);
          if (!sched)
            diags_.error(positionInScalar(source_, pos(val), err.offset),
                         "invalid cron expression: " + err.message);
          else
            t.schedule = std::make_shared<const CronSchedule>(std::move(*sched));
        }
      } else if (key == "timezone") {
        checkTimeZone(val, t.timezone);
      } else if (key == "catch_up") {
        loadCatchUp(val, t);
      } else if (key == "reentry") {
        reentry_given = true;
        loadReentry(val, t.reentry);
      } else if (key == "condition") {
        if (auto s = text(val, "condition")) {
          ExprError err;
          auto expr = Expr::parse(*s, &err);
          if (!expr)
            diags_.error(positionInScalar(source_, pos(val), err.offset),
                         "in the trigger's condition: " + err.message);
          else
            t.condition = std::make_shared<const Expr>(std::move(*expr));
        }
      } else if (key == "event") {
        has_event = true;
        if (auto s = text(val, "event")) {
          if (s->empty() || s->find_first_of(" \t") != std::string::npos)
            error(val, "the event type must be one word such as signup or purchase");
          t.event_type = *s;
        }
      }
    }
    // Each firing of a schedule (and each API run) is a new occurrence:
    // everyone in the audience may enter again unless `reentry` says not.
    if (!reentry_given && t.kind != Trigger::Kind::kEvent)
      t.reentry.kind = store::Reentry::Kind::kAlways;
    if (kind == "schedule" && !has_cron)
      error(v, "a schedule trigger needs 'cron', e.g. cron: \"0 9 * * MON\" (Mondays at 09:00)");
    if (kind == "event" && !has_event)
      error(v,
            "an event trigger needs 'event': the event type that enrols a contact, e.g. "
            "event: signup");
  }

  // `audience:` is a segment rule (docs/workflows.md, "Segments"); a list
  // means all of its rules. `segment: NAME` resolves in the segments/
  // folder beside the workflow file, loaded only when a rule names one. The
  // folder's own problems are reported with the workflow only when the
  // audience uses a segment that has them (`herald validate` checks the
  // whole folder).
  void loadAudience(const YAML::Node& v, Workflow& wf) {
    if (v.IsNull()) return;
    segment::Positions positions;
    const nlohmann::json doc = yamlToJson(v, file_, positions);
    std::set<std::string> named;
    segmentNames(doc, named);
    Diagnostics library_diags;
    if (!named.empty() && !wf.segments) {
      const auto dir = std::filesystem::path(file_).parent_path() / "segments";
      wf.segments = std::make_shared<const segment::Library>(
          segment::Library::load(dir.string(), library_diags));
    }
    for (const auto& name : named) {
      if (wf.segments && wf.segments->brokenPath(name)) {
        diags_.append(library_diags);
        break;
      }
    }
    wf.audience = segment::parseRule(doc, "", positions, wf.segments.get(), diags_);
    // A workflow whose audience is one named segment reads it in that
    // segment's time zone, unless its settings name one.
    if (wf.audience && !timezone_set_) {
      if (const auto* ref = std::get_if<segment::SegmentRef>(&wf.audience->node)) {
        const segment::NamedSegment* seg = wf.segments ? wf.segments->find(ref->name) : nullptr;
        if (seg && seg->timezone) wf.timezone = *seg->timezone;
      }
    }
  }

  // The names in every `segment: NAME` of a rule.
  static void segmentNames(const nlohmann::json& j, std::set<std::string>& out) {
    if (j.is_array()) {
      for (const auto& item : j) segmentNames(item, out);
    } else if (j.is_object()) {
      for (const auto& [key, val] : j.items()) {
        if (key == "segment" && val.is_string()) out.insert(val.get<std::string>());
        segmentNames(val, out);
      }
    }
  }

  void loadSettings(const YAML::Node& v, Workflow& wf) {
    if (v.IsNull()) return;
    if (!v.IsMap()) {
      error(v, "'settings' must be a mapping such as {batch_size: 200}");
      return;
    }
    for (const auto& kv : v) {
      const std::string key = kv.first.Scalar();
      if (key == "batch_size") {
        if (auto n = integer(kv.second, "batch_size", 1, 10000))
          wf.batch_size = static_cast<int>(*n);
      } else if (key == "timezone") {
        // Dates, calendar units and ages in the workflow's segment rules.
        timezone_set_ = true;
        checkTimeZone(kv.second, wf.timezone);
      } else if (key == "require_consent") {
        const nlohmann::json j = kv.second.IsScalar() ? yamlToJson(kv.second) : nlohmann::json();
        if (j.is_boolean()) {
          wf.require_consent = j.get<bool>();
        } else {
          error(kv.second,
                "'require_consent' must be true (messages go only to contacts who consented on "
                "the channel) or false (transactional messages such as receipts)");
        }
      } else if (key == "locale") {
        if (auto s = text(kv.second, "locale")) {
          if (!message::isValidLocaleTag(*s))
            error(kv.second, "settings.locale: " + message::localeTagHint(*s));
          else
            wf.locale = *s;
        }
      } else if (key == "undefined_variables") {
        if (auto s = text(kv.second, "undefined_variables")) {
          if (*s == "strict" || *s == "lenient") {
            wf.strict_undefined = *s == "strict";
          } else {
            error(kv.second,
                  "'undefined_variables' must be lenient (an empty variable renders as nothing "
                  "and is counted in the run report) or strict (the contact's journey fails, "
                  "naming the variable), got '" +
                      *s + "'");
          }
        }
      } else if (key == "currency") {
        if (auto s = text(kv.second, "currency")) {
          const bool ok = s->size() == 3 && std::all_of(s->begin(), s->end(), [](char c) {
                            return c >= 'A' && c <= 'Z';
                          });
          if (!ok)
            error(kv.second,
                  "'currency' must be an ISO 4217 code: three capital letters such as "
                  "USD, EUR or KRW, got '" +
                      *s + "'");
          else
            wf.currency = *s;
        }
      } else {
        unknownKey(kv.first, "in settings",
                   {"batch_size", "timezone", "require_consent", "locale", "undefined_variables",
                    "currency"});
      }
    }
  }

  void loadSteps(const YAML::Node& v, Workflow& wf) {
    if (!v.IsSequence()) {
      error(v, "'steps' must be a list of steps, each starting with '- id:'");
      return;
    }
    if (v.size() == 0) {
      error(v, "'steps' is empty: a workflow needs at least one step");
      return;
    }
    for (const auto& item : v) {
      if (!item.IsMap()) {
        error(item, "each step is a mapping with at least 'id' and 'uses'");
        continue;
      }
      wf.steps.push_back(loadStep(item));
    }
  }

  Step loadStep(const YAML::Node& item) {
    Step step;
    step.pos = pos(item);
    step.with_pos = step.pos;
    step.uses_pos = step.pos;
    step.branches_pos = step.pos;
    bool has_id = false, has_uses = false;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& val = kv.second;
      if (key == "id") {
        has_id = true;
        if (auto s = text(val, "id")) {
          if (!isValidId(*s))
            error(val,
                  "step id must be lower-case letters, digits, '-' and '_', starting with a "
                  "letter or digit (at most 64), e.g. send-welcome; got '" +
                      *s + "'");
          step.id = *s;
        }
      } else if (key == "uses") {
        has_uses = true;
        step.uses_pos = pos(val);
        if (auto s = text(val, "uses")) step.uses = *s;
      } else if (key == "with") {
        // Problems with the block as a whole (a missing setting) point at
        // `with:` itself; a block mapping's own position is its first key.
        step.with_pos = pos(kv.first);
        if (val.IsNull()) continue;
        if (!val.IsMap()) {
          error(val, "'with' must be a mapping of the step's settings");
          continue;
        }
        step.config = yamlToJson(val, file_, step.config_positions);
        step.config_positions[""] = step.with_pos;
      } else if (key == "next") {
        step.next_pos = pos(val);
        if (auto s = text(val, "next")) step.next = *s;
      } else if (key == "branches") {
        step.branches_pos = pos(val);
        if (!val.IsMap()) {
          error(val,
                "'branches' maps branch labels to step ids, e.g. {then: send-sms, else: "
                "wait-2d}");
          continue;
        }
        for (const auto& b : val) {
          const std::string label = b.first.Scalar();
          if (auto s = text(b.second, "branches." + label)) {
            step.branches[label] = *s;
            step.branch_pos[label] = pos(b.second);
          }
        }
      } else if (key == "retry") {
        loadRetry(val, step.retry);
      } else if (key == "description") {
        if (auto s = text(val, "description")) step.description = *s;
      } else if (key == "on_refused") {
        // Checked against the step's branches and type by validation.
        step.on_refused_pos = pos(val);
        if (auto s = text(val, "on_refused")) step.on_refused = *s;
      } else if (key == "on_unknown") {
        step.on_unknown_pos = pos(val);
        if (auto s = text(val, "on_unknown")) {
          if (*s == "skip" || *s == "resend")
            step.on_unknown = *s;
          else
            error(val,
                  "'on_unknown' must be skip (a message whose fate a crash left unknown is not "
                  "sent again; the journey goes on) or resend (it is sent again: for "
                  "transactional messages), got '" +
                      *s + "'");
        }
      } else {
        unknownKey(kv.first, "in a step", kStepKeys,
                   "; the step type's own settings go under 'with:'");
      }
    }
    if (!has_id) error(item, "this step has no 'id'; add one such as id: send-welcome");
    if (!has_uses)
      error(item, "step '" + step.id +
                      "' has no 'uses': name its step type (see `herald plugins`), e.g. "
                      "uses: outbox.email");
    return step;
  }

  void loadRetry(const YAML::Node& v, RetryPolicy& retry) {
    if (!v.IsMap()) {
      error(v, "'retry' must be a mapping such as {max_attempts: 3, backoff: 1m}");
      return;
    }
    for (const auto& kv : v) {
      const std::string key = kv.first.Scalar();
      if (key == "max_attempts") {
        if (auto n = integer(kv.second, "max_attempts", 1, 100))
          retry.max_attempts = static_cast<int>(*n);
      } else if (key == "backoff") {
        if (auto s = text(kv.second, "backoff")) {
          const auto d = config::parseDuration(*s);
          if (!d || d->count() <= 0)
            error(kv.second,
                  "'backoff' must be a length of time such as 30s, 5m or 1h, got '" + *s + "'");
          else
            retry.backoff_ms = d->count();
        }
      } else {
        unknownKey(kv.first, "in retry", {"max_attempts", "backoff"});
      }
    }
  }

  const std::string& file_;
  const std::string& source_;
  Diagnostics& diags_;
  bool timezone_set_ = false;  // settings.timezone was given
};

}  // namespace

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

std::optional<Workflow> parseWorkflow(const std::string& path, const std::string& text,
                                      Diagnostics& diags) {
  return Loader(path, text, diags).load();
}

std::optional<Workflow> loadWorkflow(const std::string& path, Diagnostics& diags) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diags.error({path, 0, 0}, "cannot read the workflow file: it is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0},
                std::string("cannot read the workflow file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    diags.error({path, 0, 0}, "cannot read the workflow file");
    return std::nullopt;
  }
  return parseWorkflow(path, buf.str(), diags);
}

}  // namespace herald::workflow
