/* Built for the next ABI major: refused with both versions named. */
#include "common.h"

NOOP_STEP(step, "future_major.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR + 1,
                                     0,
                                     "future_major",
                                     "1.0.0",
                                     "Built for a future ABI major",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
