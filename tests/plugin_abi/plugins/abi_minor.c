/* Built for a newer ABI minor than the host: refused (it may call host API
 * functions this host does not have). */
#include "common.h"

NOOP_STEP(step, "future_minor.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR + 1,
                                     "future_minor",
                                     "1.0.0",
                                     "Built for a newer ABI minor",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
