// The smtp plugin: email over SMTP through the host's pooled sessions, with
// MIME and DKIM from email_mime.
#include <herald/sdk.hpp>

#include "email_step.hpp"
#include "settings.hpp"

#ifndef HERALD_SMTP_VERSION
#error "HERALD_SMTP_VERSION must be defined by the build"
#endif

namespace herald::smtp {

// Plugin-wide: only the settings schema, so that herald.yaml's
// `plugins: smtp:` is checked when Herald starts the plugin; steps read the
// settings themselves (context().settings()), under `herald validate` too.
class SmtpPlugin : public PluginBase {
 public:
  static constexpr const char* kSchema = kSettingsSchema;
  SmtpPlugin(PluginContext ctx, const nlohmann::json&) : PluginBase(ctx) {}
};

}  // namespace herald::smtp

HERALD_PLUGIN_WITH(herald::smtp::SmtpPlugin, "smtp", HERALD_SMTP_VERSION,
                   "Email over SMTP: STARTTLS or implicit TLS, AUTH, DKIM, hard bounces suppressed",
                   herald::smtp::EmailStep)
