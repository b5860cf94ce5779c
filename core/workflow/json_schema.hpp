#pragma once
// The JSON Schema (draft-07) of workflow files that `herald schema` prints,
// built from the registered step types so editors complete `with:` blocks.
#include <nlohmann/json.hpp>

#include "plugin/registry.hpp"

namespace herald::workflow {

nlohmann::json workflowJsonSchema(const plugin::Registry& registry);

// A step type's config schema as draft-07 reads it: Herald's subset treats
// an object that lists properties as closed, draft-07 as open, so objects
// with properties and no additionalProperties get additionalProperties: false.
nlohmann::json toDraft07(const nlohmann::json& schema);

}  // namespace herald::workflow
