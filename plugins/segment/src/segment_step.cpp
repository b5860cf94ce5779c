#include "segment_step.hpp"

#include <cstdint>
#include <vector>

namespace herald::segment_plugin {

const char* const SegmentStep::kSchema = R"({
  "type": "object",
  "required": ["rule", "mode"],
  "properties": {
    "rule": {
      "type": ["object", "array"],
      "x-segment": true,
      "description": "The segment rule (docs/workflows.md): one rule, or a list of rules that must all hold. Evaluated for each contact when it reaches the step."
    },
    "mode": {
      "type": "string",
      "enum": ["filter", "branch"],
      "description": "filter: matching contacts continue, the others exit (reason: not in segment). branch: matching contacts take branch 'match', the others branch 'else'."
    }
  }
})";

SegmentStep::SegmentStep(herald::StepContext& ctx, const nlohmann::json& config)
    : herald::Step(ctx) {
  // The schema allows only these two; anything else is a host bug.
  const std::string mode = config.at("mode").get<std::string>();
  if (mode == "branch") {
    mode_ = Mode::kBranch;
  } else if (mode == "filter") {
    mode_ = Mode::kFilter;
  } else {
    throw herald::ConfigError("/mode", "mode must be filter or branch, got '" + mode + "'");
  }
}

void SegmentStep::run(herald::Batch batch) {
  std::vector<uint8_t> matches;
  const herald_status status = batch.segmentMatch("/rule", matches);
  if (status != HERALD_OK) {
    batch.fail(status == HERALD_ERR_UNSUPPORTED
                   ? "this Herald cannot evaluate segments here (no store, or an ABI older "
                     "than 1.1)"
                   : "the segment rule could not be evaluated (see the log)");
    return;
  }
  double matched = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const bool match = matches[i] != 0;
    if (match) ++matched;
    if (mode_ == Mode::kBranch) {
      batch.set(i, herald::Branch{match ? "match" : "else"});
    } else if (match) {
      batch.set(i, herald::Continue{});
    } else {
      batch.set(i, herald::Exit{nlohmann::json::object(), kExitReason});
    }
  }
  context().counter("matched_total", matched);
  context().counter("unmatched_total", static_cast<double>(batch.size()) - matched);
  batch.complete();
}

}  // namespace herald::segment_plugin
