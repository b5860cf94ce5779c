#pragma once
// `uses: segment`: who matches a segment rule now goes one way, the others
// another. The rule lives in the step's config (`rule`, an x-segment field
// the host parses and the store evaluates); the step only decides what a
// match means:
//   mode: filter  matching contacts continue; the others exit ("not in segment")
//   mode: branch  branch "match" or branch "else"
#include <herald/sdk.hpp>
#include <string>

namespace herald::segment_plugin {

class SegmentStep : public herald::Step {
 public:
  static constexpr const char* kName = "segment";
  static constexpr const char* kSummary =
      "Filter or branch contacts on a segment rule, evaluated when they reach the step";
  static constexpr const char* kBranches[] = {"match", "else"};
  static const char* const kSchema;
  // The reason given to contacts a filter lets go.
  static constexpr const char* kExitReason = "not in segment";

  enum class Mode { kFilter, kBranch };

  SegmentStep(herald::StepContext& ctx, const nlohmann::json& config);
  void run(herald::Batch batch) override;

  Mode mode() const noexcept { return mode_; }

 private:
  Mode mode_ = Mode::kFilter;
};

}  // namespace herald::segment_plugin
