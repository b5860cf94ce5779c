/* Claims a descriptor smaller than ABI 1.0's. */
#include "common.h"

static const herald_plugin plugin = {offsetof(herald_plugin, description),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "small_struct",
                                     "1.0.0",
                                     NULL,
                                     0,
                                     NULL};
PLUGIN_ENTRY(&plugin)
