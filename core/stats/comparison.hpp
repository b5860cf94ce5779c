#pragma once
// A variant against control: the figures a report shows for one treatment.
#include "stats/arm.hpp"

namespace herald::stats {

struct Comparison {
  // false when an arm has too few recipients for the figures (conversion: n = 0 in
  // either arm; value: n < 2, as a sample variance needs two values); every figure
  // below is then NaN.
  bool defined = true;
  double control = 0, variant = 0;  // rates (conversion) or means (value)
  Interval variant_ci;              // conversion: Wilson; value: t interval of the mean
  // variant - control; conversion: unpooled Wald; value: Welch (Welch–Satterthwaite df)
  double abs_lift = 0;
  Interval abs_ci;
  // variant/control - 1, its interval by the delta method (as GrowthBook's
  // frequentist engine); the critical value is the one of abs_ci.
  double rel_lift = 0;
  Interval rel_ci;
  bool rel_defined = true;  // false when the control's rate/mean is 0 (rel_* are then NaN)
  // two-sided; conversion: pooled two-proportion z-test (statsmodels proportions_ztest);
  // value: Welch's t (scipy ttest_ind_from_stats equal_var=False)
  double p_value = 1;
};

// A Comparison with defined = false and every figure NaN.
Comparison undefinedComparison();

}  // namespace herald::stats
