#pragma once
// Where a place inside a step's templated text stands in the files: a
// scalar of the workflow file, a scalar of a message file, or a whole
// template file ({file: NAME}).
#include <string>

#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::workflow {

// `offset` is a byte offset into the template text at `pointer` (of the
// step's config); `line` and `column` the same place counted within the
// template. Exact for plain and double-quoted single-line scalars and for
// literal (|) blocks; best effort for folded ones.
SourcePos templatePosition(const Workflow& wf, const Step& step, const std::string& pointer,
                           size_t offset, int line, int column);

}  // namespace herald::workflow
