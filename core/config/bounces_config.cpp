#include "config/bounces_config.hpp"

#include "config/section_reader.hpp"
#include "util/credential.hpp"

namespace herald::config {

void parseBouncesSection(const YAML::Node& node, const std::filesystem::path& file,
                         BouncesConfig& out, Diagnostics& diags) {
  SectionReader r(file, diags);
  r.mapping(node, "bounces", {"mailbox", "username", "password_file", "verify_tls", "ca_file"},
            [&](const std::string& key, const YAML::Node& v) {
              const std::string what = "bounces." + key;
              auto s = r.scalar(v, what);
              if (!s) return;
              if (key == "mailbox") {
                if (!s->starts_with("pop3://") && !s->starts_with("pop3s://"))
                  r.error(v, what +
                                 " must be a pop3s:// (or pop3://) URL, e.g. "
                                 "pop3s://mail.example.com/");
                else
                  out.mailbox = *s;
              } else if (key == "username") {
                out.username = *s;
              } else if (key == "password_file") {
                const auto text = readCredential(*s);
                if (!text)
                  r.error(v, "cannot read the password file " + credentialPath(*s).string());
                else
                  out.password = trimmedCredential(*text);
              } else if (key == "verify_tls") {
                if (*s != "true" && *s != "false")
                  r.error(v, what + " must be true or false");
                else
                  out.verify_tls = *s == "true";
              } else {
                out.ca_file = *s;
              }
            });
  if (node.IsMap() && !out.mailbox.empty() && out.username.empty())
    r.error(node, "bounces needs a username for the mailbox");
}

}  // namespace herald::config
