// The segment plugin: segment.filter and segment.branch, which filter or
// branch contacts on a segment rule the host evaluates.
#include <herald/sdk.hpp>

#include "segment_step.hpp"

#ifndef HERALD_SEGMENT_VERSION
#error "HERALD_SEGMENT_VERSION must be defined by the build"
#endif

HERALD_PLUGIN("segment", HERALD_SEGMENT_VERSION,
              "Segment rules inside a journey: filter or branch contacts on who matches",
              herald::segment_plugin::SegmentFilter, herald::segment_plugin::SegmentBranch)
