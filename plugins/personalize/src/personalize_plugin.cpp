// The personalize plugin: one step type that computes per-contact variables
// (content blocks, computed values, recommendations) for later steps.
#include <herald/sdk.hpp>

#include "personalize_step.hpp"

#ifndef HERALD_PERSONALIZE_VERSION
#error "HERALD_PERSONALIZE_VERSION must be defined by the build"
#endif

HERALD_PLUGIN("personalize", HERALD_PERSONALIZE_VERSION,
              "Per-contact variables for later steps: content blocks and values chosen by segment "
              "rules, and product recommendations",
              herald::personalize::PersonalizeStep)
