/* ABI 1.1: a step type that declares the same branch label twice: refused. */
#include "common.h"

static const char* const labels[] = {"match", "else", "match", NULL};

static const herald_step_type step = {sizeof(herald_step_type),
                                      "bad_branches.step",
                                      "A step with a doubled branch label",
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
                                     "bad_branches",
                                     "1.0.0",
                                     "Declares a branch label twice",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
