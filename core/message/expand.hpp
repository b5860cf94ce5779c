#pragma once
// Message parts of a delivery step (subject, preheader, text, html, body):
// inline in the step's `with:`, or in a message file named by `message:
// NAME` (templates/NAME.yaml beside the workflow): a mapping of parts, each
// a template string or {file: NAME} (a file under templates/), plus
// optional `locales:` (locale tag -> the parts it overrides). expandMessage()
// merges the file into the config so that the rest of the host, and the
// step, see the parts as if they had been written inline.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "message/text_source.hpp"
#include "util/diagnostic.hpp"

namespace herald::message {

struct MessageStep {
  nlohmann::json& config;                       // the step's `with` (changed in place)
  std::map<std::string, SourcePos>& positions;  // JSON pointer -> place (changed in place)
  TextSources& sources;                         // filled for parts from other files
  SourcePos with_pos;                           // `with:` itself
  std::string templates_dir;                    // "<workflow dir>/templates"
  std::string context;                          // "step 'welcome' (outbox.email)"
  std::string message_key;                      // the x-message property ("" when none)
  std::string locales_key;                      // the x-locales property ("" when none)
  std::vector<std::string> parts;               // the step's templated top-level properties
};

// Loads the message file (if any), resolves {file: ...} parts, checks the
// locale tags and their parts. Errors (a missing file, an unknown part, a
// part set both inline and in the file, a malformed locale tag) and
// warnings (a variant lacking a part the base has) go to `diags`. Returns
// false on an error.
bool expandMessage(MessageStep& step, Diagnostics& diags);

// The message files (NAME for templates/NAME.yaml) in a templates folder.
std::vector<std::string> messageNames(const std::string& templates_dir);

}  // namespace herald::message
