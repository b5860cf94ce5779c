/* A valid plugin linked with -z execstack: refused before dlopen. */
#include "common.h"

NOOP_STEP(step, "exec_stack.step", EMPTY_SCHEMA);
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "exec_stack",
                                     "1.0.0",
                                     "Asks for an executable stack",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
