#pragma once
// The smtp plugin's own settings, from `plugins: smtp:` in herald.yaml (the
// server itself is the host's `smtp:` block there, see ../README.md):
//   envelope_from: bounces@example.com   # MAIL FROM (default: the step's from)
//   retry_after_seconds: 60              # when a 4xx says "later"
//   dkim_domain: example.com             # d=, with dkim_selector and a key
//   dkim_selector: herald2026            # s=: <selector>._domainkey.<domain>
//   dkim_key_file: dkim-example          # the private key (a secret)
#include <herald/sdk.hpp>
#include <memory>
#include <string>

#include "email_mime/dkim.hpp"

namespace herald::smtp {

inline constexpr const char* kSettingsSchema = R"json({
  "type": "object",
  "properties": {
    "envelope_from": {"type": "string", "minLength": 3,
      "description": "The envelope sender (MAIL FROM, where bounces go); default: the step's from address"},
    "retry_after_seconds": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 60,
      "description": "How long a contact waits after a 4xx (greylisting, 421/451/454) before the next try"},
    "dkim_domain": {"type": "string", "minLength": 1,
      "description": "DKIM signing domain (d=); with dkim_selector and dkim_key every message is signed"},
    "dkim_selector": {"type": "string", "minLength": 1,
      "description": "DKIM selector (s=): the public key is at <selector>._domainkey.<domain>"},
    "dkim_key": {"type": "string", "minLength": 1,
      "description": "The DKIM private key (PEM, RSA or Ed25519); better dkim_key_file or dkim_key_env"},
    "dkim_key_file": {"type": "string", "minLength": 1,
      "description": "A file holding the DKIM private key (relative: in $CREDENTIALS_DIRECTORY)"},
    "dkim_key_env": {"type": "string", "minLength": 1,
      "description": "An environment variable holding the DKIM private key"}
  },
  "additionalProperties": false
})json";

struct Settings {
  std::string envelope_from;  // "" for the step's from address
  int64_t retry_after_ms = 60000;
  std::string dkim_domain;
  std::string dkim_selector;
};

// From the plugin's settings object (a step's context().settings()).
Settings readSettings(const nlohmann::json& settings);

}  // namespace herald::smtp
