#include "keywords.hpp"

#include <array>
#include <cctype>
#include <string>

namespace herald::twilio {
namespace {

constexpr std::array<std::string_view, 9> kOptOut = {
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "수신거부", "거부"};
constexpr std::array<std::string_view, 4> kOptIn = {"START", "YES", "UNSTOP", "OPTIN"};
constexpr std::array<std::string_view, 2> kHelp = {"HELP", "INFO"};

// Upper-cased ASCII, white space and trailing . ! ? dropped at both ends.
std::string normalise(std::string_view body) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!body.empty() && space(body.front())) body.remove_prefix(1);
  while (!body.empty() &&
         (space(body.back()) || body.back() == '.' || body.back() == '!' || body.back() == '?'))
    body.remove_suffix(1);
  std::string out(body);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

template <size_t N>
bool among(const std::array<std::string_view, N>& words, std::string_view word) {
  for (std::string_view w : words)
    if (w == word) return true;
  return false;
}

}  // namespace

Keyword classifyInbound(std::string_view body) {
  const std::string word = normalise(body);
  if (among(kOptOut, word)) return Keyword::kOptOut;
  if (among(kOptIn, word)) return Keyword::kOptIn;
  if (among(kHelp, word)) return Keyword::kHelp;
  return Keyword::kNone;
}

const char* keywordName(Keyword k) {
  switch (k) {
    case Keyword::kOptOut:
      return "STOP";
    case Keyword::kOptIn:
      return "START";
    case Keyword::kHelp:
      return "HELP";
    case Keyword::kNone:
      break;
  }
  return "";
}

}  // namespace herald::twilio
