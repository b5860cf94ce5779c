#include "app/commands/contact_ref.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "import/values.hpp"

namespace herald::app {
namespace {

[[noreturn]] void fail(int code, const std::string& message) {
  std::cerr << "herald: error: " << message << '\n';
  throw CommandFailed{code};
}

bool allDigits(const std::string& s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const char* const kContactRefHelp =
    "The contact: its numeric id (42), ext:EXTERNAL_ID, or its email address";

store::Contact resolveContactRef(AppContext& ctx, const std::string& id) {
  store::Store& store = ctx.store();
  std::optional<store::Contact> c;
  std::string what;
  if (allDigits(id)) {
    c = store.contactById(std::stoll(id));
    what = "id " + id;
  } else if (id.starts_with("ext:") && id.size() > 4) {
    c = store.contactByExternalId(id.substr(4));
    what = "external id '" + id.substr(4) + "'";
  } else if (id.find('@') != std::string::npos) {
    std::string email;
    if (!import::normalizeEmail(import::trim(id), email)) {
      fail(2, fmt::format("'{}' is not a valid email address; name the contact by its numeric "
                          "id (42), ext:EXTERNAL_ID or its email address",
                          id));
    }
    c = store.contactByEmail(email);
    what = "email '" + email + "'";
  } else {
    fail(2, fmt::format("'{}' does not name a contact: write its numeric id (42), "
                        "ext:EXTERNAL_ID or its email address",
                        id));
  }
  if (!c) fail(1, fmt::format("no contact with {} (or it was erased)", what));
  return *c;
}

}  // namespace herald::app
