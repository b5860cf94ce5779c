#pragma once
// Credential files (tokens, keys, passwords kept out of config files): a
// relative path is looked up in $CREDENTIALS_DIRECTORY (systemd's
// LoadCredential=) when it is set, else in the working directory. Shared by
// the daemon config (token_file, secret_file) and plugins' secret fields
// (`<field>_file:`).
#include <filesystem>
#include <optional>
#include <string>

namespace herald {

// Where `name` is read from.
std::filesystem::path credentialPath(const std::string& name);

// The file's whole text; nullopt when it cannot be read.
std::optional<std::string> readCredential(const std::string& name);

// `s` without leading and trailing white space (a credential file's final
// newline is not part of the secret).
std::string trimmedCredential(std::string s);

}  // namespace herald
