#pragma once
// A maildir-style folder (root/tmp, root/new, root/cur) written the maildir
// way: each message goes to tmp/ first, is made durable, then renamed into
// new/, so a reader never sees a partial file. Renaming onto an existing name
// replaces it atomically: writing the same name twice leaves one file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace herald::outbox {

class Maildir {
 public:
  Maildir(std::filesystem::path root, bool fsync);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path newPath(const std::string& name) const { return root_ / "new" / name; }

  // Creates root/{tmp,new,cur} if missing. "" or the error.
  std::string prepare();

  // One message written to tmp/ and waiting for commit().
  struct Staged {
    std::string name;
    std::filesystem::path tmp;
    size_t index = 0;  // the caller's (contact index)
  };

  // Writes `content` to a unique file in tmp/. "" or the error.
  std::string stage(const std::string& name, std::string_view content, Staged& out);

  // Makes every staged file durable (one syncfs for the batch rather than
  // one fsync per file), renames each into new/ and syncs new/ itself.
  // `failed` receives the staged entries that could not be renamed, with
  // the error. Returns "" or an error that concerns the whole batch.
  std::string commit(const std::vector<Staged>& staged,
                     std::vector<std::pair<const Staged*, std::string>>& failed);

  // Removes staged files after an error (best effort).
  static void discard(const std::vector<Staged>& staged);

 private:
  std::string syncStaged(const std::vector<Staged>& staged);

  std::filesystem::path root_;
  bool fsync_;
};

}  // namespace herald::outbox
