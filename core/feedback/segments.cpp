#include "feedback/segments.hpp"

#include <fmt/format.h>

#include "segment/parse.hpp"

namespace herald::feedback {

std::vector<SegmentMembers> resolveSegments(store::Store& store, const std::string& segments_dir,
                                            const std::vector<std::string>& names, int64_t now_ms) {
  if (names.empty())
    throw BadParameter("segment", "grouping by segment needs at least one segment name");
  // Problems in the folder are `herald validate`'s to report; a segment
  // with errors is simply not found here.
  Diagnostics diags;
  const auto library = segment::Library::load(segments_dir, diags);
  std::vector<SegmentMembers> out;
  for (const auto& name : names) {
    const segment::NamedSegment* seg = library.find(name);
    if (!seg || !seg->rule) {
      std::string known;
      for (const auto& n : library.names()) known += (known.empty() ? "" : ", ") + n;
      throw BadParameter("segment",
                         fmt::format("no segment named '{}' in {} ({})", name, segments_dir,
                                     known.empty() ? "it defines none" : "known: " + known));
    }
    segment::EvalContext ctx;
    ctx.now_ms = now_ms;
    if (seg->timezone) ctx.timezone = *seg->timezone;
    out.push_back({name, store.segmentMembers(*seg->rule, ctx)});
  }
  return out;
}

}  // namespace herald::feedback
