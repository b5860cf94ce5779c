#include "plugin/host_services/smtp_settings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/credential.hpp"

namespace herald::plugin {

std::optional<net::SmtpServer> parseSmtpSettings(const nlohmann::json& section,
                                                 std::vector<std::string>& problems) {
  auto it = section.find("smtp");
  if (it == section.end()) return std::nullopt;
  const nlohmann::json& s = *it;
  if (!s.is_object()) {
    problems.push_back("smtp: must be a map (host, port, tls, username, password_file, ...)");
    return std::nullopt;
  }
  net::SmtpServer out;
  const size_t before = problems.size();
  auto text = [&](const char* key, std::string& into) {
    auto v = s.find(key);
    if (v == s.end()) return;
    if (v->is_string() && !v->get_ref<const std::string&>().empty())
      into = v->get<std::string>();
    else
      problems.push_back(fmt::format("smtp/{}: must be a non-empty string", key));
  };
  for (const auto& [key, v] : s.items()) {
    static const char* const kKnown[] = {"host",      "port",     "tls",      "verify_tls",
                                         "ca_file",   "username", "password", "password_file",
                                         "helo_name", "sessions"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      problems.push_back(
          fmt::format("smtp: unknown key '{}'; known keys: ca_file, helo_name, host, password, "
                      "password_file, port, sessions, tls, username, verify_tls",
                      key));
  }
  text("host", out.host);
  if (out.host.empty() && s.find("host") == s.end())
    problems.push_back("smtp/host: is required (the submission server's name)");
  if (auto v = s.find("tls"); v != s.end()) {
    const std::string mode = v->is_string() ? v->get<std::string>() : "";
    if (mode == "none") {
      out.tls = net::SmtpTls::kNone;
    } else if (mode == "starttls") {
      out.tls = net::SmtpTls::kStartTls;
    } else if (mode == "implicit") {
      out.tls = net::SmtpTls::kImplicit;
    } else {
      problems.push_back("smtp/tls: must be none, starttls or implicit");
    }
  }
  out.port = out.tls == net::SmtpTls::kImplicit ? 465 : 587;
  if (auto v = s.find("port"); v != s.end()) {
    if (v->is_number_integer() && v->get<int64_t>() > 0 && v->get<int64_t>() < 65536)
      out.port = static_cast<uint16_t>(v->get<int64_t>());
    else
      problems.push_back("smtp/port: must be a port number from 1 to 65535");
  }
  if (auto v = s.find("sessions"); v != s.end()) {
    if (v->is_number_integer() && v->get<int64_t>() >= 1 && v->get<int64_t>() <= 64)
      out.max_sessions = static_cast<std::size_t>(v->get<int64_t>());
    else
      problems.push_back("smtp/sessions: must be a whole number from 1 to 64 (sessions at once)");
  }
  if (auto v = s.find("verify_tls"); v != s.end()) {
    if (v->is_boolean())
      out.verify_tls = v->get<bool>();
    else
      problems.push_back("smtp/verify_tls: must be true or false");
  }
  text("ca_file", out.ca_file);
  text("username", out.username);
  text("password", out.password);
  text("helo_name", out.helo_name);
  std::string password_file;
  text("password_file", password_file);
  if (!password_file.empty()) {
    // A relative name is a systemd credential ($CREDENTIALS_DIRECTORY), as
    // for every other secret file.
    const auto password = readCredential(password_file);
    if (!password) {
      problems.push_back(fmt::format("smtp/password_file: cannot read {}",
                                     credentialPath(password_file).string()));
    } else {
      out.password = *password;
      while (!out.password.empty() && (out.password.back() == '\n' || out.password.back() == '\r'))
        out.password.pop_back();
    }
  }
  if (problems.size() > before) return std::nullopt;
  return out;
}

}  // namespace herald::plugin
