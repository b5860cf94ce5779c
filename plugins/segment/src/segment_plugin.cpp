// The segment plugin: one step type, `segment`, that filters or branches
// contacts on a segment rule the host evaluates.
#include <herald/sdk.hpp>

#include "segment_step.hpp"

#ifndef HERALD_SEGMENT_VERSION
#error "HERALD_SEGMENT_VERSION must be defined by the build"
#endif

HERALD_PLUGIN("segment", HERALD_SEGMENT_VERSION,
              "Segment rules inside a journey: filter or branch contacts on who matches",
              herald::segment_plugin::SegmentStep)
