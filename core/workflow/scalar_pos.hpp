#pragma once
// Maps an offset inside a YAML scalar's value back to a place in the file,
// so an error inside a condition or a cron expression points at the exact
// column, whether the scalar is plain, quoted, folded or literal.
#include <string>

#include "util/diagnostic.hpp"

namespace herald::workflow {

// `scalar` is where the scalar node starts (its quote or block indicator);
// `offset` is a byte offset into its decoded value. Falls back to `scalar`
// when the position cannot be mapped.
SourcePos positionInScalar(const std::string& source, const SourcePos& scalar, size_t offset);

}  // namespace herald::workflow
