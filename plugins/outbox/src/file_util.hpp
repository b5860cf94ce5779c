#pragma once
// Small POSIX helpers with errors as text: the outbox reports I/O failures as
// outcome reasons, never as exceptions.
#include <filesystem>
#include <string>
#include <string_view>

namespace herald::outbox {

// "<what> <path>: <strerror(errno)>".
std::string ioError(std::string_view what, const std::filesystem::path& path);

// mkdir -p with mode 0750 for the missing parts; "" or the error.
std::string makeDirectories(const std::filesystem::path& dir);

// Writes all of `data` to `fd`, retrying short writes; false on error.
bool writeAll(int fd, std::string_view data);

// fsync of a directory (makes renames and creations in it durable).
std::string syncDirectory(const std::filesystem::path& dir);

}  // namespace herald::outbox
