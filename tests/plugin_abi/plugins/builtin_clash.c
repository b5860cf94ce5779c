/* Provides "wait", an engine built-in. */
#include "common.h"

NOOP_STEP(step, "wait", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "builtin_clash",
                                     "1.0.0",
                                     "Shadows a built-in",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
