#include "app/commands/contact_ref.hpp"

#include <fmt/format.h>

#include <iostream>

#include "import/contact_ref.hpp"

namespace herald::app {

const char* const kContactRefHelp =
    "The contact: its numeric id (42), ext:EXTERNAL_ID, or its email address";

store::Contact resolveContactRef(AppContext& ctx, const std::string& id) {
  auto found = import::lookupContactRef(ctx.store(), id);
  if (!found.error.empty()) {
    std::cerr << "herald: error: " << found.error << '\n';
    throw CommandFailed{2};
  }
  if (!found.contact) {
    std::cerr << "herald: error: "
              << fmt::format("no contact with {} (or it was erased)", found.what) << '\n';
    throw CommandFailed{1};
  }
  return *found.contact;
}

}  // namespace herald::app
