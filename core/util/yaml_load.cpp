#include "util/yaml_load.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace herald {
namespace {

// Counts, from the parser's events, how many nodes each anchored node
// stands for once its aliases are expanded, and throws at the first alias
// that takes the file's total of repeated nodes past the limit.
class AliasBudget : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(anchor);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const std::string alias = names_[anchor];
    auto it = size_.find(anchor);
    if (it == size_.end()) {
      throw YamlAliasError(mark, fmt::format("alias '*{}' refers to the node it is inside of "
                                             "(a loop); an alias can only repeat a node that "
                                             "is complete",
                                             alias));
    }
    repeated_ += it->second;
    if (repeated_ > kMaxYamlAliasNodes) {
      throw YamlAliasError(
          mark, fmt::format("alias '*{}' makes the aliases of this file repeat more than {} "
                            "nodes (the limit; anchors whose aliases repeat other anchors "
                            "multiply): write the repeated part out, or repeat less",
                            alias, kMaxYamlAliasNodes));
    }
    add(it->second);
  }

 private:
  struct Open {
    YAML::anchor_t anchor;
    uint64_t size;
  };

  void rememberName(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) names_[anchor] = pending_name_;
    pending_name_.clear();
  }
  void leaf(YAML::anchor_t anchor) {
    rememberName(anchor);
    if (anchor != YAML::NullAnchor) size_[anchor] = 1;
    add(1);
  }
  void open(YAML::anchor_t anchor) {
    rememberName(anchor);
    open_.push_back({anchor, 1});
  }
  void close() {
    const Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) size_[done.anchor] = done.size;
    add(done.size);
  }
  void add(uint64_t nodes) {
    if (!open_.empty()) open_.back().size += nodes;
  }

  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> size_;  // anchored nodes that are complete
  std::unordered_map<YAML::anchor_t, std::string> names_;
  std::string pending_name_;
  // Bounded: the check above throws before the total passes the limit, so
  // no size overflows.
  uint64_t repeated_ = 0;
};

}  // namespace

YAML::Node loadYaml(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    AliasBudget budget;
    parser.HandleNextDocument(budget);
  }
  return YAML::Load(text);
}

YAML::Node loadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw YAML::BadFile(path);
  std::ostringstream text;
  text << in.rdbuf();
  return loadYaml(text.str());
}

}  // namespace herald
