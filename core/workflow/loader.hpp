#pragma once
// Reads workflow files into the model, keeping the position of every node.
#include <optional>
#include <string>

#include "plugin/registry.hpp"
#include "util/diagnostic.hpp"
#include "workflow/model.hpp"

namespace herald::workflow {

// Parses the workflow's own keys (name, description, trigger, audience,
// settings, steps and each step's id/uses/with/next/branches/retry). Every
// problem goes to `diags` at FILE:LINE:COL. Returns nullopt only when there
// is nothing to check further (unreadable file, YAML syntax error, a
// document that is not a mapping); otherwise a workflow with whatever could be
// read, so that validation can report the rest.
std::optional<Workflow> loadWorkflow(const std::string& path, Diagnostics& diags);
// Same, from text already in memory (`path` names it in diagnostics).
std::optional<Workflow> parseWorkflow(const std::string& path, const std::string& text,
                                      Diagnostics& diags);

// Hex SHA-256 of `text`.
std::string sha256Hex(const std::string& text);

}  // namespace herald::workflow
