#include "segment_step.hpp"

#include <cstdint>
#include <vector>

namespace herald::segment_plugin {

const char* const SegmentStepBase::kSchema = R"({
  "type": "object",
  "required": ["rule"],
  "properties": {
    "rule": {
      "type": ["object", "array"],
      "x-segment": true,
      "description": "The segment rule (docs/workflows.md): one rule, or a list of rules that must all hold. Evaluated for each contact when it reaches the step."
    }
  }
})";

template <typename Decide>
void SegmentStepBase::runWith(herald::Batch& batch, Decide decide) {
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
    decide(batch, i, match);
  }
  context().counter("matched_total", matched);
  context().counter("unmatched_total", static_cast<double>(batch.size()) - matched);
  batch.complete();
}

SegmentFilter::SegmentFilter(herald::StepContext& ctx, const nlohmann::json& /*config*/)
    : SegmentStepBase(ctx) {}

void SegmentFilter::run(herald::Batch batch) {
  runWith(batch, [](herald::Batch& b, size_t i, bool match) {
    if (match) {
      b.set(i, herald::Continue{});
    } else {
      b.set(i, herald::Exit{nlohmann::json::object(), kExitReason});
    }
  });
}

SegmentBranch::SegmentBranch(herald::StepContext& ctx, const nlohmann::json& /*config*/)
    : SegmentStepBase(ctx) {}

void SegmentBranch::run(herald::Batch batch) {
  runWith(batch, [](herald::Batch& b, size_t i, bool match) {
    b.set(i, herald::Branch{match ? "match" : "else"});
  });
}

}  // namespace herald::segment_plugin
