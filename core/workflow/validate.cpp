#include "workflow/validate.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <functional>
#include <set>
#include <tuple>

#include "experiment/spec.hpp"
#include "message/expand.hpp"
#include "schema/schema.hpp"
#include "segment/parse.hpp"
#include "util/suggest.hpp"
#include "workflow/builtins.hpp"
#include "workflow/expression.hpp"
#include "workflow/loader.hpp"
#include "workflow/scalar_pos.hpp"
#include "workflow/secret_sources.hpp"

namespace herald::workflow {
namespace {

std::string stepName(const Step& s, size_t index) {
  return s.id.empty() ? "step " + std::to_string(index + 1) : "step '" + s.id + "'";
}

std::string unknownTypeMessage(const std::string& uses, const plugin::Registry& registry) {
  std::vector<std::string> names;
  for (const auto* t : registry.stepTypes()) names.push_back(t->name);
  std::string msg = "unknown step type '" + uses + "'";
  const auto close = closeMatches(uses, names);
  if (!close.empty()) {
    msg += "; did you mean " + joinList(close, "or", true) + "?";
  } else if (names.size() <= 12) {
    msg += "; known step types: " + joinList(names, "and");
  }
  msg += " (`herald plugins` lists them all";
  if (!registry.refused().empty())
    msg += "; " + std::to_string(registry.refused().size()) + " plugin(s) could not be loaded";
  msg += ")";
  return msg;
}

class Validator {
 public:
  Validator(Workflow& wf, plugin::Registry& registry, Diagnostics& diags)
      : wf_(wf), registry_(registry), diags_(diags) {}

  void run() {
    indexSteps();
    // The steps as written: an experiment's variants change them from there.
    originals_.assign(wf_.steps.begin(), wf_.steps.end());
    for (size_t i = 0; i < wf_.steps.size(); ++i) checkStep(wf_.steps[i], i);
    for (size_t i = 0; i < wf_.steps.size(); ++i)
      if (wf_.steps[i].experiment) buildVariantConfigs(wf_.steps[i], i);
    checkGraph();
  }

 private:
  void indexSteps() {
    for (size_t i = 0; i < wf_.steps.size(); ++i) {
      const Step& s = wf_.steps[i];
      if (s.id.empty()) continue;
      auto [it, inserted] = index_.emplace(s.id, i);
      if (!inserted) {
        diags_.error(s.pos, "duplicate step id '" + s.id + "' (first used at line " +
                                std::to_string(wf_.steps[it->second].pos.line) +
                                "); every step needs its own id");
      }
      ids_.push_back(s.id);
    }
  }

  std::string targetMessage(const std::string& what, const std::string& target) const {
    std::string msg = what + " names no step: '" + target + "'";
    const auto close = closeMatches(target, ids_);
    if (!close.empty())
      msg += "; did you mean " + joinList(close, "or", true) + "?";
    else
      msg += "; step ids: " + joinList(ids_, "and");
    return msg;
  }

  void checkStep(Step& step, size_t index) {
    const std::string name = stepName(step, index);
    // References.
    if (step.next && !index_.count(*step.next)) {
      diags_.error(step.next_pos, name + ": " + targetMessage("'next'", *step.next));
      broken_.insert(index);
    }
    for (const auto& [label, target] : step.branches) {
      if (!index_.count(target)) {
        diags_.error(step.branch_pos.at(label),
                     name + ": " + targetMessage("branch '" + label + "'", target));
        broken_.insert(index);
      }
    }
    if (step.uses.empty()) return;
    const plugin::StepTypeInfo* info = registry_.find(step.uses);
    if (!info) {
      diags_.error(step.uses_pos, name + ": " + unknownTypeMessage(step.uses, registry_));
      return;
    }
    checkFlow(step, index, name, *info);

    if (!info->builtin) {
      checkConfig(step, *info, name);
      return;
    }
    const size_t before = diags_.errorCount();
    schema::validate(info->schema, step.config, step.config_positions, step.with_pos,
                     "'with' of " + step.uses, diags_);
    if (diags_.errorCount() != before) return;
    compileBuiltin(step, wf_, diags_);
    if (step.condition) checkTriggerNames(*step.condition, step);
    if (step.experiment) checkExperimentBranches(step, name);
  }

  // A plugin step's `with`: the message expanded (then `after_expand`, if
  // any, changes it), secrets resolved, the schema, then the plugin's own
  // checks. False when any failed.
  bool checkConfig(Step& step, const plugin::StepTypeInfo& info, const std::string& name,
                   const std::function<void(Step&)>& after_expand = {},
                   const std::string& schema_context = "") {
    const size_t before = diags_.errorCount();
    expandMessage(step, info);
    if (diags_.errorCount() != before) return false;
    if (after_expand) after_expand(step);
    resolveSecretFields({info.schema, registry_.pluginSettings(info.plugin), info.plugin,
                         name + " (" + step.uses + ")", step.with_pos},
                        step.config, step.config_positions, diags_);
    if (diags_.errorCount() != before) return false;
    schema::validate(info.schema, step.config, step.config_positions, step.with_pos,
                     schema_context.empty() ? "'with' of " + step.uses : schema_context, diags_);
    if (diags_.errorCount() != before) return false;
    plugin::StepSetup setup;
    setup.positions = &step.config_positions;
    setup.fallback = step.with_pos;
    setup.timezone = wf_.timezone;
    if (!schema::segmentPaths(info.schema).empty()) setup.segments = segments();
    std::vector<plugin::ConfigProblem> problems;
    try {
      problems = registry_.checkConfig(step.uses, step.id, step.config, setup);
    } catch (const std::exception& e) {
      problems.push_back({"", std::string("the plugin failed to check it: ") + e.what(), {}});
    }
    for (const auto& p : problems)
      diags_.error(p.pos ? *p.pos : configPosition(step, p.json_pointer),
                   name + " (" + step.uses + "): " + p.message);
    return diags_.errorCount() == before;
  }

  // The delivery step a journey reaches from `from` through wait steps and
  // steps that neither deliver nor branch; nullopt when another kind of
  // step (a condition, an exit, a branching step) comes first.
  std::optional<size_t> deliveryStepFrom(std::optional<std::string> from) const {
    for (size_t hops = 0; from && hops <= wf_.steps.size(); ++hops) {
      auto it = index_.find(*from);
      if (it == index_.end()) return std::nullopt;
      const Step& s = wf_.steps[it->second];
      const plugin::StepTypeInfo* info = registry_.find(s.uses);
      if (!info) return std::nullopt;
      if (info->flags & HERALD_STEP_DELIVERY) return it->second;
      const bool passes = s.uses == kWaitStep || (!info->builtin && s.branches.empty());
      if (!passes) return std::nullopt;
      from = wf_.nextOf(s);
    }
    return std::nullopt;
  }

  // Each variant that sets fields of the next delivery step gets that step
  // as it sends it: the step's own `with` as written, its message expanded,
  // then the variant's fields merged in (a JSON merge patch: they win over
  // the message file's parts; a `message:` of their own replaces the
  // step's before expansion), checked like the step itself, with positions
  // in the variant's `set` for what it changed.
  void buildVariantConfigs(Step& exp, size_t index) {
    const experiment::Spec& spec = *exp.experiment;
    const std::string name = stepName(exp, index);
    for (size_t v = 0; v < spec.variants.size(); ++v) {
      const experiment::Variant& variant = spec.variants[v];
      const std::string at = "/variants/" + std::to_string(v) + "/set";
      const bool routed = exp.branches.count(variant.name) > 0;
      if (variant.set.is_null()) {
        if (v > 0 && !routed && variant.send_after.empty() && variant.send_at.empty())
          diags_.warning(configPosition(exp, "/variants/" + std::to_string(v)),
                         name + ": variant '" + variant.name +
                             "' has no branch, sets nothing and sends at the same time: it "
                             "sends exactly what the control sends (fine for an A/A test)");
        continue;
      }
      const auto target =
          deliveryStepFrom(routed ? std::optional(exp.branches.at(variant.name)) : wf_.nextOf(exp));
      if (!target) {
        diags_.error(configPosition(exp, at),
                     name + ": variant '" + variant.name +
                         "' sets fields of the next delivery step, but its contacts reach none "
                         "(only wait steps and steps that deliver nothing and have no branches "
                         "may come between)");
        continue;
      }
      const Step& original = originals_.at(*target);
      const plugin::StepTypeInfo* info = registry_.find(original.uses);
      Step copy = original;
      auto setFields = [&](Step& s) {
        s.config.merge_patch(variant.set);
        for (const auto& [pointer, pos] : exp.config_positions) {
          if (pointer.starts_with(at + "/")) {
            const std::string own = pointer.substr(at.size());
            s.config_positions[own] = pos;
            s.template_sources.erase(own);  // its text is in the workflow file now
          }
        }
      };
      const bool own_message = variant.set.contains("message");
      if (own_message) setFields(copy);
      const std::string as = "step '" + copy.id + "' as variant '" + variant.name +
                             "' of experiment step '" + exp.id + "' sends it";
      if (checkConfig(copy, *info, as,
                      own_message ? std::function<void(Step&)>() : std::function(setFields),
                      "'with' of " + copy.uses + " as variant '" + variant.name + "' of step '" +
                          exp.id + "' sets it")) {
        wf_.steps[*target].variant_configs.push_back(
            {spec.key, variant.name, std::make_shared<const Step>(std::move(copy))});
      }
    }
  }

  // A message file (`message: NAME`) merged into the step's parts, parts
  // given as {file: NAME}, and the locale variants checked: the schema and
  // the plugin then see the parts as if written inline.
  void expandMessage(Step& step, const plugin::StepTypeInfo& info) {
    auto top = [](const std::vector<std::string>& pointers) {
      for (const auto& p : pointers)
        if (p.size() > 1 && p.find('/', 1) == std::string::npos && p.find('~') == std::string::npos)
          return p.substr(1);
      return std::string();
    };
    message::MessageStep ms{step.config,
                            step.config_positions,
                            step.template_sources,
                            step.with_pos,
                            (std::filesystem::path(wf_.path).parent_path() / "templates").string(),
                            "step '" + step.id + "' (" + step.uses + ")",
                            top(schema::messagePaths(info.schema)),
                            top(schema::localesPaths(info.schema)),
                            {}};
    if (ms.message_key.empty() && ms.locales_key.empty()) return;
    for (const auto& f : schema::templatedFields(info.schema)) {
      const std::string name = top({f.pointer});
      if (!name.empty()) ms.parts.push_back(name);
    }
    message::expandMessage(ms, diags_);
  }

  // The named segments x-segment fields may use: the loader's, else those
  // of the segments/ folder beside the file, loaded once here. A broken
  // segment file is this workflow's problem only where a rule uses it (the
  // parser says so there); `herald validate` reports the file itself.
  std::shared_ptr<const segment::Library> segments() {
    if (!wf_.segments) {
      const auto dir = std::filesystem::path(wf_.path).parent_path() / "segments";
      Diagnostics library_diags;
      wf_.segments = std::make_shared<const segment::Library>(
          segment::Library::load(dir.string(), library_diags));
    }
    return wf_.segments;
  }

  // How a step may leave: `next` and `branches` against what its type does.
  // `event` exists only in event-triggered workflows and `input` only in
  // API-triggered ones: a condition naming them anywhere else is an error.
  void checkTriggerNames(const Expr& expr, const Step& step) {
    auto it = step.config_positions.find("/if");
    const SourcePos at = it != step.config_positions.end() ? it->second : step.with_pos;
    const auto kind = wf_.trigger.kind;
    if (expr.eventOffset() && kind != Trigger::Kind::kEvent)
      diags_.error(positionInScalar(wf_.source, at, *expr.eventOffset()),
                   "step '" + step.id + "': 'event' exists only in event-triggered workflows " +
                       "(trigger: {type: event, event: NAME}); this workflow's trigger is " +
                       toString(kind));
    if (expr.inputOffset() && kind != Trigger::Kind::kApi)
      diags_.error(positionInScalar(wf_.source, at, *expr.inputOffset()),
                   "step '" + step.id + "': 'input' exists only in API-triggered workflows " +
                       "(trigger: {type: api}); this workflow's trigger is " + toString(kind));
  }

  void checkFlow(const Step& step, size_t index, const std::string& name,
                 const plugin::StepTypeInfo& info) {
    if (step.uses == kExitStep) {
      // A target the engine will never follow is a mistake of its own; the
      // steps it names are not reported unreachable on top of it.
      if (step.next) {
        diags_.error(step.next_pos, name + ": an exit step ends the journey; remove 'next'");
        broken_.insert(index);
      }
      if (!step.branches.empty()) {
        diags_.error(step.branches_pos,
                     name + ": an exit step ends the journey; remove 'branches'");
        broken_.insert(index);
      }
      return;
    }
    if (step.uses == kConditionStep) {
      if (step.next) {
        diags_.error(step.next_pos, name +
                                        ": a condition goes on through its branches, not "
                                        "'next'; use branches: {then: STEP, else: STEP}");
        broken_.insert(index);
      }
      for (const char* label : {"then", "else"}) {
        if (!step.branches.count(label))
          diags_.error(step.branches_pos,
                       name + ": a condition needs both branches; add '" + label +
                           ": STEP_ID' under 'branches' (then: where contacts go when the "
                           "condition holds, else: where the others go)");
      }
    }
    if (!info.builtin && !info.branches.empty()) {
      // A plugin step type that declares branches may send a contact down
      // any of them: each label needs a target.
      std::vector<std::string> missing;
      for (const auto& label : info.branches)
        if (!step.branches.count(label)) missing.push_back(label);
      if (!missing.empty()) {
        diags_.error(step.branches_pos, name + ": " + step.uses + " may take any of the branches " +
                                            joinList(info.branches, "and", true) + "; add " +
                                            joinList(missing, "and", true) +
                                            " under 'branches' (LABEL: STEP_ID)");
        broken_.insert(index);
      }
    }
    checkDeliveryKeys(step, name, info);
    if (step.uses == kExperimentStep)
      return;  // its labels are its variants: checkExperimentBranches
    for (const auto& [label, target] : step.branches) {
      if (std::find(info.branches.begin(), info.branches.end(), label) != info.branches.end())
        continue;
      if (label == step.on_refused) continue;  // the workflow's own branch for refusals
      std::string msg = name + ": " + step.uses + " never takes a branch named '" + label + "'";
      if (info.branches.empty())
        msg += "; it has no branches: its contacts go on to 'next' (or the following step)";
      else
        msg += "; its branches are " + joinList(info.branches, "and", true);
      diags_.error(step.branch_pos.at(label), msg);
    }
  }

  // An experiment's branches are named after its variants (and the holdout).
  void checkExperimentBranches(const Step& step, const std::string& name) {
    const experiment::Spec& spec = *step.experiment;
    std::vector<std::string> labels;
    for (const auto& v : spec.variants) labels.push_back(v.name);
    labels.push_back(experiment::kHoldout);
    for (const auto& [label, target] : step.branches) {
      if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
        if (label == experiment::kHoldout && spec.holdout <= 0)
          diags_.error(step.branch_pos.at(label),
                       name +
                           ": branch 'holdout' receives the contacts held out, but this "
                           "experiment holds out nobody; add holdout: 10% (say) or remove "
                           "the branch");
        continue;
      }
      std::string msg = name + ": experiment has no variant named '" + label + "'";
      const auto close = closeMatches(label, labels);
      if (!close.empty()) msg += "; did you mean " + joinList(close, "or", true) + "?";
      msg += " (branches are named after the variants: " + joinList(labels, "and", true) + ")";
      diags_.error(step.branch_pos.at(label), msg);
    }
  }

  // `on_refused` and `on_unknown` belong to delivery steps; on_refused names
  // continue, exit or one of the step's branch labels.
  void checkDeliveryKeys(const Step& step, const std::string& name,
                         const plugin::StepTypeInfo& info) {
    const bool given_refused = step.on_refused_pos.line != 0;
    const bool given_unknown = step.on_unknown_pos.line != 0;
    if ((info.flags & HERALD_STEP_DELIVERY) == 0) {
      for (auto [given, key, at] : {std::tuple{given_refused, "on_refused", step.on_refused_pos},
                                    std::tuple{given_unknown, "on_unknown", step.on_unknown_pos}}) {
        if (given)
          diags_.error(at, name + ": '" + key +
                               "' applies to delivery steps (steps that send "
                               "messages through the send ledger); " +
                               step.uses + " delivers nothing");
      }
      return;
    }
    if (!given_refused || step.on_refused == "continue" || step.on_refused == "exit") return;
    if (step.branches.count(step.on_refused)) return;
    std::string msg = name + ": on_refused: '" + step.on_refused +
                      "' names no branch of this step; write continue (the journey goes on to "
                      "the next step, the default), exit (it ends here), or a branch label "
                      "mapped under 'branches' (" +
                      step.on_refused + ": STEP_ID)";
    if (!step.branches.empty()) {
      std::vector<std::string> labels;
      for (const auto& [label, target] : step.branches) labels.push_back(label);
      msg += " (its branches: " + joinList(labels, "and", true) + ")";
    }
    diags_.error(step.on_refused_pos, msg);
  }

  // Where a step can send a journey, as indexes; the second value is false
  // when one of its targets is unknown (the graph is incomplete there).
  std::vector<size_t> successors(size_t i) const {
    const Step& s = wf_.steps[i];
    std::vector<size_t> out;
    auto add = [&](const std::string& id) {
      auto it = index_.find(id);
      if (it != index_.end()) out.push_back(it->second);
    };
    if (s.uses == kExitStep) return out;
    for (const auto& [label, target] : s.branches) add(target);
    if (s.uses == kConditionStep) return out;
    if (s.next)
      add(*s.next);
    else if (i + 1 < wf_.steps.size())
      out.push_back(i + 1);
    return out;
  }

  void checkGraph() {
    const size_t n = wf_.steps.size();
    if (n == 0) return;
    std::vector<std::vector<size_t>> succ(n);
    for (size_t i = 0; i < n; ++i) succ[i] = successors(i);
    // A step whose target is misspelt may have been meant to reach any step:
    // reporting its neighbours unreachable would bury the real mistake.
    if (broken_.empty()) checkReachable(succ);
    checkCycles(succ);
  }

  void checkReachable(const std::vector<std::vector<size_t>>& succ) {
    const size_t n = succ.size();
    std::vector<bool> seen(n, false);
    std::vector<size_t> stack = {0};
    seen[0] = true;
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      for (size_t j : succ[i]) {
        if (!seen[j]) {
          seen[j] = true;
          stack.push_back(j);
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const Step& s = wf_.steps[i];
      if (seen[i]) continue;
      // Duplicates are reported already; only the first of an id is a node.
      if (!s.id.empty() && index_.at(s.id) != i) continue;
      std::string why;
      if (i > 0) {
        const Step& prev = wf_.steps[i - 1];
        if (prev.uses == kExitStep)
          why = " (the step before it is an exit)";
        else if (prev.uses == kConditionStep)
          why = " (the condition before it goes on through its branches)";
        else if (prev.next)
          why = " (the step before it goes to '" + *prev.next + "')";
      }
      diags_.error(s.pos, stepName(s, i) + " is never reached: no step leads to it" + why +
                              "; point a 'next' or a branch at it, or remove it");
    }
  }

  // Tarjan's strongly connected components: a loop is fine only when a wait
  // step is part of it, or a journey would spin through it without end.
  void checkCycles(const std::vector<std::vector<size_t>>& succ) {
    const size_t n = succ.size();
    std::vector<int> idx(n, -1), low(n, 0);
    std::vector<bool> on(n, false);
    std::vector<size_t> stack;
    int counter = 0;
    std::function<void(size_t)> visit = [&](size_t v) {
      idx[v] = low[v] = counter++;
      stack.push_back(v);
      on[v] = true;
      for (size_t w : succ[v]) {
        if (idx[w] < 0) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on[w]) {
          low[v] = std::min(low[v], idx[w]);
        }
      }
      if (low[v] != idx[v]) return;
      std::vector<size_t> comp;
      while (true) {
        const size_t w = stack.back();
        stack.pop_back();
        on[w] = false;
        comp.push_back(w);
        if (w == v) break;
      }
      const bool self_loop = std::find(succ[v].begin(), succ[v].end(), v) != succ[v].end();
      if (comp.size() > 1 || self_loop) reportLoop(comp, succ);
    };
    for (size_t v = 0; v < n; ++v)
      if (idx[v] < 0) visit(v);
  }

  void reportLoop(std::vector<size_t> comp, const std::vector<std::vector<size_t>>& succ) {
    for (size_t i : comp)
      if (wf_.steps[i].uses == kWaitStep) return;
    std::sort(comp.begin(), comp.end());
    // The shortest loop through the component's first step in file order.
    const std::set<size_t> members(comp.begin(), comp.end());
    const size_t start = comp.front();
    std::map<size_t, size_t> parent;
    std::vector<size_t> queue = {start};
    size_t last = start;
    bool closed = false;
    for (size_t q = 0; q < queue.size() && !closed; ++q) {
      const size_t u = queue[q];
      for (size_t w : succ[u]) {
        if (w == start) {
          last = u;
          closed = true;
          break;
        }
        if (members.count(w) && !parent.count(w)) {
          parent[w] = u;
          queue.push_back(w);
        }
      }
    }
    std::vector<std::string> path = {wf_.steps[start].id};
    for (size_t v = last; v != start; v = parent.at(v))
      path.insert(path.begin() + 1, wf_.steps[v].id);
    path.push_back(wf_.steps[start].id);
    std::string loop;
    for (size_t k = 0; k < path.size(); ++k) loop += (k ? " -> " : "") + path[k];
    diags_.error(wf_.steps[comp.front()].pos,
                 "steps " + loop +
                     " form a loop with no wait step in it; a journey would go "
                     "round without end. Add a wait step to the loop or let it end");
  }

  Workflow& wf_;
  plugin::Registry& registry_;
  Diagnostics& diags_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> ids_;
  std::set<size_t> broken_;
  std::vector<Step> originals_;
};

}  // namespace

void validateWorkflow(Workflow& wf, plugin::Registry& registry, Diagnostics& diags) {
  Validator(wf, registry, diags).run();
}

std::optional<Workflow> loadAndValidate(const std::string& path, plugin::Registry& registry,
                                        Diagnostics& diags) {
  const size_t before = diags.errorCount();
  auto wf = loadWorkflow(path, diags);
  if (!wf) return std::nullopt;
  validateWorkflow(*wf, registry, diags);
  if (diags.errorCount() != before) return std::nullopt;
  return wf;
}

}  // namespace herald::workflow
