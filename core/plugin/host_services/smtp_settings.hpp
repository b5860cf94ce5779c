#pragma once
// Internal to core/plugin: the `smtp:` block of a plugin's settings in
// herald.yaml, which host->smtp_send submits through (ABI 1.3):
//   plugins:
//     mymail:
//       smtp: {host: smtp.example.com, port: 587, tls: starttls,
//              username: herald, password_file: /etc/herald/smtp.pass}
// tls: none | starttls (default) | implicit; verify_tls (default true),
// ca_file, helo_name, sessions (most sessions open at once, 1-64, default
// 4; fewer while the server throttles). The password comes from `password` or `password_file`.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/smtp_client.hpp"

namespace herald::plugin {

// nullopt (and no problem) when the section has no `smtp:`; problems as
// "smtp/KEY: ..." lines.
std::optional<net::SmtpServer> parseSmtpSettings(const nlohmann::json& section,
                                                 std::vector<std::string>& problems);

}  // namespace herald::plugin
