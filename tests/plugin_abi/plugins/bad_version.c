/* Its version is not semantic versioning. */
#include "common.h"

NOOP_STEP(step, "bad_version.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "bad_version",
                                     "1.2",
                                     "Version is not semver",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
