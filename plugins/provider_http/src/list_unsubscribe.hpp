#pragma once
// The RFC 8058 pair every marketing message carries: List-Unsubscribe with
// the daemon's signed one-click URL for this contact, and
// List-Unsubscribe-Post: List-Unsubscribe=One-Click.
#include <herald/sdk.hpp>
#include <string>
#include <utility>

namespace herald::provider {

struct ListUnsubscribe {
  std::string list_unsubscribe;       // "<https://links.example.com/u/...>"
  std::string list_unsubscribe_post;  // "List-Unsubscribe=One-Click"
  std::string error;                  // why there is none (then both are empty)
};

ListUnsubscribe listUnsubscribe(herald::Batch& batch, size_t i);

}  // namespace herald::provider
