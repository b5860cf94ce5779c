// `herald template render FILE [--data DATA.json | --contact ID] [--locale L]
// [--part NAME] [--strict]`: preview a message file (each part, with the
// locale variant a contact would get) or one template, without running a
// workflow. `herald template render --workflow W --step S --contact ID`:
// the step's message as that contact would get it, the earlier steps run
// dry for the contact first (engine/dry_walk.hpp), so the variables a
// personalize step works out are in it. Compile errors print at FILE:LINE:COL and exit 1; variables
// that rendered empty with no default are listed on stderr after the output (lenient) or fail the
// render (--strict).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/command.hpp"
#include "app/commands/contact_ref.hpp"
#include "engine/dry_walk.hpp"
#include "engine/run_plan.hpp"
#include "message/expand.hpp"
#include "message/locale.hpp"
#include "message/partials.hpp"
#include "message/templated_config.hpp"
#include "schema/schema.hpp"
#include "util/suggest.hpp"
#include "workflow/scalar_pos.hpp"

namespace herald::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The parts a message file may hold, in the order they are printed; html
// escapes its output.
const std::vector<std::string> kParts = {"subject", "preheader", "text", "html", "body"};

struct TemplateFlags {
  std::string file;
  std::string workflow;
  std::string step;
  std::string data;
  std::string contact;
  std::string locale;
  std::string part;
  bool strict = false;
};

[[noreturn]] void fail(const std::string& message, int code = 1) {
  std::cerr << "herald: error: " << message << '\n';
  throw CommandFailed{code};
}

std::string readText(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    fail(fmt::format("cannot read {} {}: it is a directory", what, path));
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(fmt::format("cannot read {} {}: {}", what, path, std::strerror(errno)));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::optional<std::string> optText(const json& obj, const char* key, const std::string& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string())
    fail(fmt::format("{}: contact.{} must be text, got {}", file, key, it->dump()));
  return it->get<std::string>();
}

// The contact of a --data file: {"first_name": ..., "attributes": {...}, "tags": [...]}.
store::Contact contactFromJson(const json& c, const std::string& file) {
  static const std::vector<std::string> kFields = {
      "id",        "external_id", "email",  "phone",      "first_name",
      "last_name", "timezone",    "locale", "attributes", "tags"};
  if (!c.is_object())
    fail(
        fmt::format("{}: 'contact' must be an object such as {{\"first_name\": \"Ada\", "
                    "\"attributes\": {{\"city\": \"Seoul\"}}}}",
                    file));
  for (const auto& [key, value] : c.items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
      fail(
          fmt::format("{}: contact.{} is not a contact field{}; the fields are {} (put other "
                      "data under contact.attributes)",
                      file, key, didYouMean(key, kFields), joinList(kFields, "and")));
  }
  store::Contact contact;
  if (auto it = c.find("id"); it != c.end()) {
    if (!it->is_number_integer()) fail(fmt::format("{}: contact.id must be a whole number", file));
    contact.id = it->get<int64_t>();
  }
  contact.external_id = optText(c, "external_id", file);
  contact.email = optText(c, "email", file);
  contact.phone = optText(c, "phone", file);
  contact.first_name = optText(c, "first_name", file);
  contact.last_name = optText(c, "last_name", file);
  contact.timezone = optText(c, "timezone", file);
  contact.locale = optText(c, "locale", file);
  if (auto it = c.find("attributes"); it != c.end()) {
    if (!it->is_object()) fail(fmt::format("{}: contact.attributes must be an object", file));
    contact.attributes = *it;
  }
  if (auto it = c.find("tags"); it != c.end()) {
    bool ok = it->is_array();
    for (const auto& t : ok ? *it : json::array()) ok = ok && t.is_string();
    if (!ok) fail(fmt::format("{}: contact.tags must be a list of text", file));
    for (const auto& t : *it) contact.tags.push_back(t.get<std::string>());
  }
  return contact;
}

struct Data {
  std::optional<store::Contact> contact;
  json vars = json::object();
  json globals = json::object();
};

Data loadData(const TemplateFlags& flags, AppContext& ctx) {
  Data d;
  if (!flags.contact.empty()) {
    d.contact = resolveContactRef(ctx, flags.contact);
    return d;
  }
  if (flags.data.empty()) return d;
  const std::string text = readText(flags.data, "the data file");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    fail(fmt::format("{}: not valid JSON: {}", flags.data, e.what()));
  }
  if (!doc.is_object())
    fail(
        fmt::format("{}: the data must be a JSON object such as {{\"contact\": {{...}}, "
                    "\"vars\": {{...}}}}",
                    flags.data));
  for (auto& [key, value] : doc.items()) {
    if (key == "contact") {
      d.contact = contactFromJson(value, flags.data);
    } else if (key == "vars") {
      if (!value.is_object()) fail(fmt::format("{}: 'vars' must be an object", flags.data));
      d.vars = value;
    } else {
      d.globals[key] = value;
    }
  }
  return d;
}

void listUndefined(const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::cerr << fmt::format(
      "note: {} rendered empty (no value and no default); add | default: \"...\" or check the "
      "data\n",
      joinList(names, "and"));
}

// The message parts of a rendered config, each under "== NAME ==" (only
// `part` when given; `what` names the message when it has no such part).
void printParts(const json& rendered, const std::string& part, const std::string& what) {
  bool first = true;
  bool any = false;
  for (const auto& p : kParts) {
    if (!part.empty() && p != part) continue;
    auto it = rendered.find(p);
    if (it == rendered.end() || !it->is_string()) continue;
    any = true;
    if (part.empty()) std::cout << (first ? "" : "\n") << "== " << p << " ==\n";
    first = false;
    const std::string& text = it->get_ref<const std::string&>();
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << '\n';
  }
  if (!any && !part.empty()) fail(fmt::format("{} has no part '{}'", what, part));
}

bool isMessageFile(const std::string& file) {
  const auto ext = fs::path(file).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

int renderMessage(const TemplateFlags& flags, AppContext& ctx) {
  const fs::path path(flags.file);
  if (!fs::exists(path))
    fail(fmt::format("cannot read the message file {}: no such file", flags.file));
  if (!flags.part.empty() && std::find(kParts.begin(), kParts.end(), flags.part) == kParts.end())
    fail(fmt::format("--part '{}' is not a message part{}; parts: {}", flags.part,
                     didYouMean(flags.part, kParts), joinList(kParts, "and")),
         2);
  const std::string dir = path.parent_path().empty() ? "." : path.parent_path().string();
  // The file is read as a workflow step's `message:` would read it.
  json config = {{"message", path.stem().string()}};
  std::map<std::string, SourcePos> positions;
  message::TextSources sources;
  Diagnostics diags;
  const std::string name = "message '" + path.stem().string() + "'";
  message::MessageStep step{config,    positions, sources, {flags.file, 1, 1}, dir, name,
                            "message", "locales", kParts};
  message::expandMessage(step, diags);
  tmpl::ConfigSpec spec;
  message::FolderPartials partials(dir);
  spec.partials = &partials;
  spec.locales_key = "locales";
  spec.context = name;
  for (const auto& p : kParts)
    spec.fields.push_back({"/" + p, p == "html" ? tmpl::Escape::kHtml : tmpl::Escape::kNone});
  spec.where = [&](const std::string& pointer, size_t offset, int line, int column) -> SourcePos {
    auto src = sources.find(pointer);
    auto pos = positions.find(pointer);
    if (src == sources.end() || pos == positions.end()) return {flags.file, 1, 1};
    if (!src->second.yaml) return {src->second.path, line, column};
    return workflow::positionInScalar(*src->second.yaml, pos->second, offset);
  };
  std::optional<tmpl::TemplatedConfig> compiled;
  if (!diags.hasErrors()) compiled = tmpl::TemplatedConfig::compile(spec, config, diags);
  diags.sort();
  diags.print(std::cerr);
  if (!compiled) return 1;

  Data data = loadData(flags, ctx);
  store::Contact contact = data.contact.value_or(store::Contact{});
  if (!flags.locale.empty()) contact.locale = flags.locale;
  tmpl::RenderContext rctx;
  rctx.contact = &contact;
  rctx.vars = &data.vars;
  rctx.globals = &data.globals;
  rctx.now_ms = ctx.clock().nowMs();
  rctx.undefined = flags.strict ? tmpl::Undefined::kStrict : tmpl::Undefined::kLenient;
  std::string out, reason;
  std::vector<uint32_t> undefined;
  if (!compiled->render(rctx, out, reason, undefined)) fail(flags.file + ": " + reason);
  const json rendered = json::parse(out);
  const auto& locales = compiled->locales();
  if (!locales.empty()) {
    message::LocaleChooser chooser(locales, "");
    const int i = chooser.choose(contact.locale.value_or(""));
    std::cerr << (i >= 0 ? fmt::format("locale: {} (variant of the message)\n", locales[i])
                         : fmt::format("locale: the base parts (variants: {})\n",
                                       joinList(locales, "and")));
  }
  printParts(rendered, flags.part, flags.file);
  std::vector<std::string> names;
  for (uint32_t id : undefined) names.push_back(compiled->undefinedNames()[id]);
  listUndefined(names);
  return 0;
}

int renderOne(const TemplateFlags& flags, AppContext& ctx) {
  const std::string text = readText(flags.file, "the template");
  const auto ext = fs::path(flags.file).extension().string();
  const fs::path parent = fs::path(flags.file).parent_path();
  message::FolderPartials partials(parent.empty() ? "." : parent.string());
  tmpl::CompileOptions options;
  options.escape = ext == ".html" || ext == ".htm" || flags.file.ends_with(".html.liquid")
                       ? tmpl::Escape::kHtml
                       : tmpl::Escape::kNone;
  options.partials = &partials;
  tmpl::CompileError err;
  auto t = tmpl::Template::compile(text, options, err);
  if (!t) {
    const std::string& path = err.path.empty() ? flags.file : err.path;
    std::cerr << fmt::format("{}:{}:{}: error: {}\n", path, err.line, err.column, err.message);
    for (const auto& r : err.related)
      std::cerr << fmt::format("{}:{}:{}: {}: {}\n", path, r.line, r.column,
                               r.note ? "note" : "error", r.message);
    return 1;
  }
  Data data = loadData(flags, ctx);
  store::Contact contact = data.contact.value_or(store::Contact{});
  tmpl::RenderContext rctx;
  rctx.contact = data.contact ? &contact : nullptr;
  rctx.vars = &data.vars;
  rctx.globals = &data.globals;
  rctx.locale = flags.locale;
  rctx.now_ms = ctx.clock().nowMs();
  rctx.undefined = flags.strict ? tmpl::Undefined::kStrict : tmpl::Undefined::kLenient;
  std::string out;
  tmpl::RenderResult result;
  if (!t->render(rctx, out, result)) fail(flags.file + ": " + result.error);
  std::cout << out;
  if (!out.empty() && out.back() != '\n') std::cout << '\n';
  std::vector<std::string> names;
  for (uint32_t id : result.undefined) names.push_back(t->variables()[id].name);
  listUndefined(names);
  return 0;
}

int renderStep(const TemplateFlags& flags, AppContext& ctx) {
  if (flags.step.empty())
    fail("--workflow needs --step STEP_ID: the step whose message to show", 2);
  if (flags.contact.empty())
    fail("--workflow needs --contact ID: the earlier steps run for that contact of the database",
         2);
  plugin::Registry& registry = ctx.plugins();
  Diagnostics diags;
  auto wf = engine::loadRunnable(flags.workflow, registry, diags);
  diags.sort();
  diags.print(std::cerr);
  if (!wf) return 1;
  std::vector<std::string> ids;
  const workflow::Step* target = nullptr;
  for (const auto& s : wf->steps) {
    ids.push_back(s.id);
    if (s.id == flags.step) target = &s;
  }
  if (!target)
    fail(fmt::format("{} has no step '{}'{}; its steps: {}", flags.workflow, flags.step,
                     didYouMean(flags.step, ids), joinList(ids, "and")));
  const plugin::StepTypeInfo* type = registry.find(target->uses);
  if (!type || type->builtin || schema::templatedFields(type->schema).empty())
    fail(fmt::format("step '{}' ({}) has no message to render", flags.step, target->uses));
  store::Contact contact = resolveContactRef(ctx, flags.contact);
  if (!flags.locale.empty()) contact.locale = flags.locale;
  auto plan = engine::RunPlan::build(std::move(*wf), registry, diags);
  diags.sort();
  diags.print(std::cerr);
  if (!plan) return 1;

  boost::asio::io_context io;
  const int64_t now = ctx.clock().nowMs();
  const engine::DryWalk walk = engine::walkTo(*plan, flags.step, contact, ctx.store(), io, now);
  if (!walk.reached)
    fail(fmt::format("contact {} does not reach step '{}': {}", contact.id, flags.step,
                     walk.stopped));
  std::vector<std::string> path = walk.path;
  path.push_back(flags.step);
  std::cerr << fmt::format("contact {}: {} (dry: nothing delivered, nothing stored)\n", contact.id,
                           fmt::join(path, " -> "));
  const engine::StepRuntime& rt = *plan->find(flags.step);
  tmpl::RenderContext rctx = engine::configContext(plan->workflow(), contact, walk.vars, now);
  if (flags.strict) rctx.undefined = tmpl::Undefined::kStrict;
  std::string out, reason;
  std::vector<uint32_t> undefined;
  if (!rt.config->render(rctx, out, reason, undefined))
    fail(fmt::format("step '{}': {}", flags.step, reason));
  printParts(json::parse(out), flags.part, "step '" + flags.step + "'");
  std::vector<std::string> names;
  for (uint32_t id : undefined) names.push_back(rt.config->undefinedNames()[id]);
  listUndefined(names);
  return 0;
}

}  // namespace

void addTemplateCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("template", "Preview and check message templates");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<TemplateFlags>();
  CLI::App* render = cmd->add_subcommand(
      "render",
      "Render a message file (templates/NAME.yaml: each part, with the locale variant chosen "
      "for --locale or the contact) or one template (.html/.htm escape HTML; .liquid, .txt "
      "and others do not), with partials from the file's folder");
  auto* file = render->add_option("FILE", flags->file, "A message file (.yaml) or one template");
  auto* workflow = render->add_option(
      "--workflow", flags->workflow,
      "A workflow file: render the message of its step --step for --contact, after running the "
      "steps before it for that contact, dry (nothing delivered, nothing stored), so the "
      "values and recommendations of a personalize step appear");
  workflow->excludes(file);
  render->add_option("--step", flags->step, "With --workflow: the id of the step to render");
  auto* data = render->add_option(
      "--data", flags->data,
      "A JSON file: {\"contact\": {fields, \"attributes\": {...}, \"tags\": [...]}, \"vars\": "
      "{...}}; other keys are top-level variables");
  auto* contact = render->add_option("--contact", flags->contact,
                                     std::string(kContactRefHelp) + " (read from the database)");
  data->excludes(contact);
  render->add_option("--locale", flags->locale,
                     "Render for this locale (BCP 47, e.g. ko or de-AT) instead of the contact's");
  render->add_option("--part", flags->part, "Print only this part of a message file (e.g. html)");
  render->add_flag("--strict", flags->strict,
                   "Fail when a variable is empty and has no default, as a workflow with "
                   "undefined_variables: strict would");
  render->callback([flags, &ctx, &exit_code] {
    if (!flags->locale.empty() && !message::isValidLocaleTag(flags->locale))
      fail("--locale: " + message::localeTagHint(flags->locale), 2);
    if (!flags->workflow.empty()) {
      if (!flags->data.empty())
        fail("--workflow renders for a contact of the database: use --contact ID, not --data", 2);
      exit_code = renderStep(*flags, ctx);
      return;
    }
    if (flags->file.empty())
      fail(
          "name a message file or template (FILE), or a workflow step (--workflow FILE --step "
          "ID --contact ID)",
          2);
    if (!flags->step.empty()) fail("--step goes with --workflow FILE", 2);
    exit_code = isMessageFile(flags->file) ? renderMessage(*flags, ctx) : renderOne(*flags, ctx);
  });
}

}  // namespace herald::app
