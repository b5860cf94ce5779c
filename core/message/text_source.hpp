#pragma once
// Where a templated string of a step's config came from when it is not a
// scalar of the workflow file itself, so a template's line and column map
// back to the right file: a message file (templates/NAME.yaml) or a file a
// part names ({file: welcome.html}).
#include <map>
#include <memory>
#include <string>

namespace herald::message {

struct TextSource {
  std::string path;  // the file, as errors show it
  // The YAML file's text when the string is a scalar in it (its position is
  // the step's config position of the pointer); null when the string is the
  // whole file (a template's line and column are the file's own).
  std::shared_ptr<const std::string> yaml;
};

// JSON pointer into the step's config -> where that string came from.
using TextSources = std::map<std::string, TextSource>;

}  // namespace herald::message
