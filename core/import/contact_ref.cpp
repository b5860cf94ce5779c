#include "import/contact_ref.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "import/values.hpp"

namespace herald::import {
namespace {

bool allDigits(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ContactLookup lookupContactRef(store::Store& store, std::string_view ref) {
  ContactLookup out;
  if (allDigits(ref)) {
    out.contact = store.contactById(std::stoll(std::string(ref)));
    out.what = fmt::format("id {}", ref);
  } else if (ref.starts_with("ext:") && ref.size() > 4) {
    out.contact = store.contactByExternalId(std::string(ref.substr(4)));
    out.what = fmt::format("external id '{}'", ref.substr(4));
  } else if (ref.find('@') != std::string_view::npos) {
    std::string email;
    if (!normalizeEmail(trim(ref), email)) {
      out.error = fmt::format(
          "'{}' is not a valid email address; name the contact by its numeric id (42), "
          "ext:EXTERNAL_ID or its email address",
          ref);
      return out;
    }
    out.contact = store.contactByEmail(email);
    out.what = fmt::format("email '{}'", email);
  } else {
    out.error = fmt::format(
        "'{}' does not name a contact: write its numeric id (42), ext:EXTERNAL_ID or its email "
        "address",
        ref);
  }
  return out;
}

std::optional<Address> parseAddress(std::string_view text, std::string& error) {
  const auto in = trim(text);
  Address a;
  if (in.find('@') != std::string_view::npos) {
    a.kind = "email";
    if (!normalizeEmail(in, a.value)) {
      error = fmt::format("'{}' is not a valid email address", text);
      return std::nullopt;
    }
  } else {
    a.kind = "phone";
    if (!normalizePhone(in, a.value)) {
      error = fmt::format(
          "'{}' is neither an email address nor a phone number in international form: write "
          "+<country code><number>, e.g. +33612345678 (8 to 15 digits)",
          text);
      return std::nullopt;
    }
  }
  return a;
}

}  // namespace herald::import
