#pragma once
// The `bounces:` section of herald.yaml: the mailbox where delivery status
// notifications arrive (the envelope sender's mailbox), which `herald
// bounces fetch` reads:
//   bounces:
//     mailbox: pop3s://mail.example.com/
//     username: bounces@acme.example
//     password_file: bounce-mailbox    # a credential (LoadCredential=)
//     verify_tls: true
//     ca_file: /etc/ssl/certs/internal.pem
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

#include "util/diagnostic.hpp"

namespace herald::config {

struct BouncesConfig {
  std::string mailbox;  // empty: none configured
  std::string username;
  std::string password;  // from password_file; never logged
  bool verify_tls = true;
  std::string ca_file;
};

void parseBouncesSection(const YAML::Node& node, const std::filesystem::path& file,
                         BouncesConfig& out, Diagnostics& diags);

}  // namespace herald::config
