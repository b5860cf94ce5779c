#pragma once
// The C structs a plugin step receives for one batch (herald_batch and its
// herald_contact array), with the memory they point into.
#include <optional>
#include <string>
#include <vector>

#include "herald/abi.h"
#include "store/records.hpp"

namespace herald::engine {

class BatchInput {
 public:
  BatchInput(std::string run_id, std::string workflow, std::string revision, std::string step_id,
             int64_t now_ms, bool dry_run, size_t expected);
  BatchInput(const BatchInput&) = delete;
  BatchInput& operator=(const BatchInput&) = delete;

  // `contact` is borrowed and must outlive the batch; the rest is copied.
  void add(const store::Contact& contact, const nlohmann::json& vars, std::string config_json,
           std::optional<std::string> delivery_key);
  size_t size() const { return entries_.size(); }
  // Valid while this object lives and no add() follows.
  const herald_batch& batch();

 private:
  struct Entry {
    const store::Contact* contact;
    std::string attributes_json;
    std::string tags_json;
    std::string vars_json;
    std::string config_json;
    std::optional<std::string> delivery_key;
    herald_contact c{};
  };
  std::string run_id_, workflow_, revision_, step_id_;
  int64_t now_ms_;
  bool dry_run_;
  std::vector<Entry> entries_;
  std::vector<const herald_contact*> pointers_;
  herald_batch batch_{};
};

}  // namespace herald::engine
