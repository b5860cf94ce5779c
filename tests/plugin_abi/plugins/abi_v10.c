/* A plugin built for ABI 1.0: its descriptor says 1.0 and its step type ends
 * where 1.0's did (struct_size without `branches`). It still loads. The
 * memory past its struct_size holds labels on purpose: a host that read
 * beyond struct_size would report them as branches. */
#include <stddef.h>

#include "common.h"

static const char* const poison[] = {"read_beyond_struct_size", NULL};

static const herald_step_type step = {offsetof(herald_step_type, branches),
                                      "old_minor.step",
                                      "A step built against ABI 1.0",
                                      EMPTY_SCHEMA,
                                      0u,
                                      NULL,
                                      noop_create,
                                      noop_destroy,
                                      noop_run,
                                      poison};
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     0,
                                     "old_minor",
                                     "1.0.0",
                                     "Built for ABI 1.0",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
