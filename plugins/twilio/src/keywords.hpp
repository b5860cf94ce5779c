#pragma once
// What an inbound SMS asks for. The opt-out and opt-in words are the ones
// US carriers (CTIA) and Twilio's Advanced Opt-Out treat as such, matched
// as the whole message, case-insensitively, surrounding white space and
// trailing punctuation ignored ("Stop!" is STOP; "please stop" is a reply).
// Korean "수신거부" (refuse to receive) and "거부" (refuse) are opt-outs
// too: Korea's information and communications network act requires a
// free opt-out for marketing messages and those are the words people send.
#include <string_view>

namespace herald::twilio {

enum class Keyword { kNone, kOptOut, kOptIn, kHelp };

Keyword classifyInbound(std::string_view body);
const char* keywordName(Keyword k);  // "STOP", "START", "HELP", ""

}  // namespace herald::twilio
