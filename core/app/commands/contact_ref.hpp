#pragma once
// How a command names one contact on its command line: its numeric id (42),
// ext:EXTERNAL_ID, or its email address. Shared by `herald contacts
// show|export|erase` and `herald recommend`.
#include <string>

#include "app/command.hpp"

namespace herald::app {

extern const char* const kContactRefHelp;

// The contact named by `ref`, or prints why not on stderr and throws
// CommandFailed: exit 2 for text that names no contact, 1 for a contact
// that is not there (or was erased).
store::Contact resolveContactRef(AppContext& ctx, const std::string& ref);

}  // namespace herald::app
