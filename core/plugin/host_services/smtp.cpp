// host->smtp_send (ABI 1.3): the message goes to the shared SmtpClient
// (core/net) for the server of the plugin's `smtp:` settings.
#include <string>
#include <vector>

#include "net/smtp_client.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"

namespace herald::plugin {

namespace {

constexpr size_t kMessageSizeAbi13 = offsetof(herald_smtp_message, data_len) + sizeof(size_t);

herald_smtp_reply toAbi(const net::SmtpReply& r) {
  herald_smtp_reply out{};
  out.struct_size = sizeof out;
  out.code = r.code;
  out.enhanced = r.enhanced.c_str();
  out.text = r.text.c_str();
  return out;
}

}  // namespace

herald_status hostSmtpSend(herald_plugin_ctx* plugin, const herald_smtp_message* message,
                           herald_smtp_callback done, void* user) {
  if (!plugin || !message || !done || message->struct_size < kMessageSizeAbi13 ||
      !message->sender || message->recipient_count == 0 || !message->recipients ||
      (message->data_len > 0 && !message->data))
    return HERALD_ERR_INVALID;
  if (!loopServices(*plugin->host)) {
    logUnsupportedOnce(plugin, "smtp",
                       "smtp_send is not available here (no engine loop: `herald validate`)");
    return HERALD_ERR_UNSUPPORTED;
  }
  try {
    net::SmtpMessage m;
    m.sender = message->sender;
    for (size_t i = 0; i < message->recipient_count; ++i) {
      if (!message->recipients[i]) return HERALD_ERR_INVALID;
      m.recipients.emplace_back(message->recipients[i]);
    }
    if (message->data_len > 0) m.data.assign(message->data, message->data_len);
    // The server is read on the loop, where startPlugins wrote it.
    onLoop(plugin, [plugin, m = std::move(m), done, user](LoopServices& s) mutable {
      if (!plugin->smtp) {
        logUnsupportedOnce(
            plugin, "smtp-settings",
            "smtp_send: plugin '" + plugin->name +
                "' has no `smtp:` settings in herald.yaml (plugins: " + plugin->name +
                ": smtp: {host: ..., port: 587, tls: starttls, username: ..., "
                "password_file: ...}); the message fails");
        herald_smtp_result res{};
        res.struct_size = sizeof res;
        res.transport_error = 1;
        res.error = "no smtp settings for this plugin in herald.yaml";
        done(user, &res);
        return;
      }
      auto keep = plugin->plugin.lock();
      s.smtp->send(*plugin->smtp, std::move(m), [plugin, keep, done, user](net::SmtpResult&& r) {
        if (plugin->stopped.load()) return;
        std::vector<herald_smtp_reply> replies;
        replies.reserve(r.recipients.size());
        for (const auto& rr : r.recipients) replies.push_back(toAbi(rr));
        std::vector<const herald_smtp_reply*> pointers;
        for (const auto& rr : replies) pointers.push_back(&rr);
        herald_smtp_reply mail_from{};
        herald_smtp_reply data{};
        herald_smtp_result res{};
        res.struct_size = sizeof res;
        res.transport_error = r.transport_error ? 1 : 0;
        res.retryable = r.retryable ? 1 : 0;
        res.error = r.transport_error ? r.error.c_str() : nullptr;
        if (r.mail_from) {
          mail_from = toAbi(*r.mail_from);
          res.mail_from = &mail_from;
        }
        res.recipients = pointers.data();
        res.recipient_count = pointers.size();
        if (r.data) {
          data = toAbi(*r.data);
          res.data = &data;
        }
        try {
          done(user, &res);
        } catch (...) {
          hostPluginLog(plugin, HERALD_LOG_ERROR,
                        "the plugin's smtp_send callback threw (plugin bug)");
        }
      });
    });
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

}  // namespace herald::plugin
