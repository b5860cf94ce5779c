#pragma once
// Looks at a file's ELF headers before anything dlopen()s it, so that files
// the dynamic loader would refuse obscurely (or accept dangerously) are
// refused with a message that says what to do.
#include <filesystem>
#include <optional>
#include <string>

namespace herald::plugin {

// Why `file` cannot be loaded as a plugin on this host, or nullopt when it is
// an ELF shared object for this machine with a non-executable stack. The
// reason does not repeat the path.
std::optional<std::string> elfProblem(const std::filesystem::path& file);

}  // namespace herald::plugin
