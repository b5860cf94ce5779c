#include "scheduler/api_runs.hpp"

#include <yaml-cpp/yaml.h>

#include "segment/parse.hpp"
#include "util/suggest.hpp"

namespace herald::scheduler {
namespace {

// A segment NAME of the workflow's library, else a rule as YAML/JSON text
// (never a file path: the caller is remote).
segment::RulePtr audienceRule(const workflow::Workflow& wf, const std::string& text,
                              Diagnostics& diags) {
  static const segment::Library kEmpty;
  const segment::Library& library = wf.segments ? *wf.segments : kEmpty;
  if (const auto* named = library.find(text)) return named->rule;
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diags.error({"<audience>", e.mark.line + 1, e.mark.column + 1},
                "the audience is neither a segment name nor a rule: " + e.msg);
    return nullptr;
  }
  if (node.IsScalar()) {
    const auto names = library.names();
    diags.error({"<audience>", 1, 1},
                "no segment named '" + text + "'; known segments: " +
                    (names.empty() ? std::string("none") : joinList(names, "and")) +
                    "; or give a rule such as {tags: {has: vip}}");
    return nullptr;
  }
  return segment::parseRule(node, "<audience>", &library, diags);
}

}  // namespace

daemon::StartResult startApiRun(const Services& s, const daemon::ServedWorkflow& served,
                                const daemon::StartRequest& request) {
  daemon::StartResult result;
  const workflow::Workflow& wf = served.plan->workflow();
  const int64_t now = s.clock.nowMs();
  try {
    std::vector<store::EntryRequest> entries;
    if (request.audience) {
      auto rule = audienceRule(wf, *request.audience, result.problems);
      if (!rule) return result;
      for (int64_t id : s.store.segmentMembers(*rule, segment::EvalContext{now, wf.timezone}))
        entries.push_back({id, {}});
    } else if (!request.contact_ids.empty()) {
      for (int64_t id : request.contact_ids) entries.push_back({id, {}});
    } else if (wf.audience) {
      for (int64_t id :
           s.store.segmentMembers(*wf.audience, segment::EvalContext{now, wf.timezone}))
        entries.push_back({id, {}});
    } else {
      result.problems.error({served.file.string(), 0, 0},
                            "say who to enrol: an audience (a segment name or rule) or contact "
                            "ids; the workflow has no audience of its own");
      return result;
    }
    // `input`: the run's variables, with the contact's own on top.
    for (auto& e : entries) {
      nlohmann::json input =
          request.variables.is_object() ? request.variables : nlohmann::json::object();
      if (auto it = request.contact_variables.find(e.contact_id);
          it != request.contact_variables.end() && it->second.is_object())
        input.merge_patch(it->second);
      if (!input.empty()) e.context = {{"input", std::move(input)}};
    }
    s.store.saveWorkflowRevision({wf.name, wf.revision, wf.source, now});
    const store::Run run = s.store.createRun(wf.name, wf.revision, "api", request.dry_run, now);
    result.enrolled =
        s.store.enrollEntries(run.id, wf.steps.front().id, wf.trigger.reentry, entries, now);
    result.run_id = run.id;
    s.metrics.counterAdd(kEnrolments, {{"workflow", wf.name}, {"trigger", "api"}},
                         static_cast<double>(result.enrolled));
  } catch (const std::exception& e) {
    result.problems.error({served.file.string(), 0, 0},
                          std::string("the run could not start: ") + e.what());
  }
  return result;
}

}  // namespace herald::scheduler
