/* ABI 1.1: a step type that declares the branch labels it may return. */
#include "common.h"

static const char* const labels[] = {"yes", "no", "maybe", NULL};

static const herald_step_type step = {sizeof(herald_step_type),
                                      "branching.pick",
                                      "A step that branches yes, no or maybe",
                                      EMPTY_SCHEMA,
                                      0u,
                                      NULL,
                                      noop_create,
                                      noop_destroy,
                                      noop_run,
                                      labels};
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "branching",
                                     "1.0.0",
                                     "Declares branch labels",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
