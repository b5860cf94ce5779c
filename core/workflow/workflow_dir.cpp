#include "workflow/workflow_dir.hpp"

#include <algorithm>

namespace herald::workflow {

std::vector<std::filesystem::path> workflowFilesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace herald::workflow
