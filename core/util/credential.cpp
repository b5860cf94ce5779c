#include "util/credential.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace herald {

std::filesystem::path credentialPath(const std::string& name) {
  std::filesystem::path p(name);
  if (p.is_relative()) {
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) return dir / p;
  }
  return p;
}

std::optional<std::string> readCredential(const std::string& name) {
  std::ifstream f(credentialPath(name), std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) return std::nullopt;
  return s.str();
}

std::string trimmedCredential(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace herald
