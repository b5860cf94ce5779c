#pragma once
// The JSON Schema (draft-07) of workflow files that `herald schema` prints,
// built from the registered step types so editors complete `with:` blocks.
#include <nlohmann/json.hpp>

#include "plugin/registry.hpp"

namespace herald::workflow {

nlohmann::json workflowJsonSchema(const plugin::Registry& registry);

}  // namespace herald::workflow
