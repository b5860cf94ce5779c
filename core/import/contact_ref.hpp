#pragma once
// How a person names one contact, on the command line or in an API path:
// its numeric id (42), ext:EXTERNAL_ID, or its email address. And how a
// person writes an address to suppress. Shared by `herald contacts ...`,
// `herald recommend` and the admin API.
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace herald::import {

struct ContactLookup {
  std::optional<store::Contact> contact;
  std::string what;   // "id 42", "email 'a@b.c'": for "no contact with ..."
  std::string error;  // set when `ref` names no contact at all (a usage mistake)
};
ContactLookup lookupContactRef(store::Store& store, std::string_view ref);

struct Address {
  std::string kind;   // "email" or "phone"
  std::string value;  // normalised
};
// An email address or an E.164 phone number; nullopt with `error` set.
std::optional<Address> parseAddress(std::string_view text, std::string& error);

}  // namespace herald::import
