/* Has no version. */
#include "common.h"

NOOP_STEP(step, "no_version.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "no_version",
                                     NULL,
                                     "No version",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
