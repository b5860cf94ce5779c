/* Provides dup.step first (files load in name order), so it loads. */
#include "common.h"

NOOP_STEP(step, "dup.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "dup_first",
                                     "1.0.0",
                                     "First provider of dup.step",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
