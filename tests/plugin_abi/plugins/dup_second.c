/* Provides dup.step again: refused, naming dup_first. Its other step type
 * must not be registered either. */
#include "common.h"

NOOP_STEP(other, "dup_second.other", EMPTY_SCHEMA);
NOOP_STEP(step, "dup.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&other, &step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "dup_second",
                                     "1.0.0",
                                     "Second provider of dup.step",
                                     2,
                                     types};
PLUGIN_ENTRY(&plugin)
