#pragma once
// The named segments a report groups by, resolved as `herald segment preview
// NAME` resolves them: from the workflows folder's segments/, evaluated now.
#include <cstdint>
#include <string>
#include <vector>

#include "feedback/report.hpp"

namespace herald::feedback {

// Throws BadParameter("segment", ...) for a name the folder does not define
// (listing the ones it does) and for an empty list.
std::vector<SegmentMembers> resolveSegments(store::Store& store, const std::string& segments_dir,
                                            const std::vector<std::string>& names, int64_t now_ms);

}  // namespace herald::feedback
