#pragma once
// Two step types over one segment rule (`rule`, an x-segment field the host
// parses when the workflow is loaded and the store evaluates per batch):
//   uses: segment.filter  matching contacts continue; the others exit
//                         ("not in segment")
//   uses: segment.branch  matching contacts take branch "match", the others
//                         branch "else" (the workflow must map both)
// Two types rather than one with a mode, so that `herald validate` can tell
// from the type alone whether the step needs `branches:`.
#include <herald/sdk.hpp>
#include <string>

namespace herald::segment_plugin {

// What both step types share: the rule in the config, one segment query per
// batch, the matched/unmatched counters.
class SegmentStepBase : public herald::Step {
 public:
  static const char* const kSchema;

 protected:
  using herald::Step::Step;
  // Asks the host who matches, then sets each contact's outcome with
  // `decide(match)`, counts, and completes the batch.
  template <typename Decide>
  void runWith(herald::Batch& batch, Decide decide);
};

class SegmentFilter : public SegmentStepBase {
 public:
  static constexpr const char* kName = "segment.filter";
  static constexpr const char* kSummary =
      "Let contacts who match a segment rule continue; the others exit";
  // The reason given to the contacts the filter lets go.
  static constexpr const char* kExitReason = "not in segment";

  SegmentFilter(herald::StepContext& ctx, const nlohmann::json& config);
  void run(herald::Batch batch) override;
};

class SegmentBranch : public SegmentStepBase {
 public:
  static constexpr const char* kName = "segment.branch";
  static constexpr const char* kSummary =
      "Send contacts who match a segment rule to branch 'match', the others to 'else'";
  static constexpr const char* kBranches[] = {"match", "else"};

  SegmentBranch(herald::StepContext& ctx, const nlohmann::json& config);
  void run(herald::Batch batch) override;
};

}  // namespace herald::segment_plugin
