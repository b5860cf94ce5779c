/* Its config schema is not valid JSON. */
#include "common.h"

NOOP_STEP(step, "schema_bad_json.step", "{\"type\": \"object\", \"properties\": {");
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "schema_bad_json",
                                     "1.0.0",
                                     "Schema is not JSON",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
