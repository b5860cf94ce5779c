#pragma once
// uses: personalize — computes per-contact variables for later steps:
//   blocks:           content blocks (HTML), the first case whose `when`
//                     segment rule matches wins, a case without `when` is
//                     the fallback;
//   values:           computed values (numbers, booleans, templated text),
//                     chosen the same way;
//   recommendations:  products from the host's per-run recommender
//                     (host->recommend, ABI 1.2) as vars.<as>.
// Everything lands in the journey's variables (the outcome's vars), so a
// later message reads {{ vars.hero | raw }}, {{ vars.discount }} and
// {% for p in vars.recommendations %}.
#include <herald/sdk.hpp>

#include "personalize_config.hpp"

namespace herald::personalize {

class PersonalizeStep : public herald::Step {
 public:
  static constexpr const char* kName = "personalize";
  static constexpr const char* kSummary =
      "Compute per-contact variables: content blocks and values chosen by segment rules, and "
      "product recommendations";
  static const char* const kSchema;

  PersonalizeStep(herald::StepContext& ctx, const nlohmann::json& config);
  void run(herald::Batch batch) override;

 private:
  Plan plan_;
};

}  // namespace herald::personalize
