/* Its config schema uses a keyword outside Herald's subset. */
#include "common.h"

NOOP_STEP(step, "schema_bad_keyword.step",
          "{\"type\": \"object\", \"properties\": {\"to\": {\"type\": \"string\", "
          "\"format\": \"email\"}}}");
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "schema_bad_keyword",
                                     "1.0.0",
                                     "Schema has an unknown keyword",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
