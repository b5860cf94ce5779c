#include "engine/batch_input.hpp"

namespace herald::engine {
namespace {

const char* orNull(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

// Invalid UTF-8 in imported data becomes U+FFFD instead of an exception that
// would stop the run.
std::string dumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

BatchInput::BatchInput(std::string run_id, std::string workflow, std::string revision,
                       std::string step_id, int64_t now_ms, bool dry_run, size_t expected)
    : run_id_(std::move(run_id)),
      workflow_(std::move(workflow)),
      revision_(std::move(revision)),
      step_id_(std::move(step_id)),
      now_ms_(now_ms),
      dry_run_(dry_run) {
  entries_.reserve(expected);
}

void BatchInput::add(const store::Contact& contact, const nlohmann::json& vars,
                     std::string config_json, std::optional<std::string> delivery_key) {
  Entry& e = entries_.emplace_back();
  e.contact = &contact;
  e.attributes_json = contact.attributes.is_object() ? dumpJson(contact.attributes) : "{}";
  e.tags_json = dumpJson(nlohmann::json(contact.tags));
  e.vars_json = vars.is_object() ? dumpJson(vars) : "{}";
  e.config_json = std::move(config_json);
  e.delivery_key = std::move(delivery_key);
}

const herald_batch& BatchInput::batch() {
  // Pointers are taken only now: entries_ no longer moves.
  pointers_.clear();
  pointers_.reserve(entries_.size());
  for (auto& e : entries_) {
    const store::Contact& k = *e.contact;
    e.c = herald_contact{};
    e.c.struct_size = sizeof(herald_contact);
    e.c.id = k.id;
    e.c.external_id = orNull(k.external_id);
    e.c.email = orNull(k.email);
    e.c.phone = orNull(k.phone);
    e.c.timezone = orNull(k.timezone);
    e.c.locale = orNull(k.locale);
    e.c.first_name = orNull(k.first_name);
    e.c.last_name = orNull(k.last_name);
    e.c.attributes_json = e.attributes_json.c_str();
    e.c.tags_json = e.tags_json.c_str();
    e.c.vars_json = e.vars_json.c_str();
    e.c.config_json = e.config_json.c_str();
    e.c.delivery_key = orNull(e.delivery_key);
    pointers_.push_back(&e.c);
  }
  batch_ = herald_batch{};
  batch_.struct_size = sizeof(herald_batch);
  batch_.run_id = run_id_.c_str();
  batch_.workflow = workflow_.c_str();
  batch_.revision = revision_.c_str();
  batch_.step_id = step_id_.c_str();
  batch_.now_ms = now_ms_;
  batch_.dry_run = dry_run_ ? 1 : 0;
  batch_.count = pointers_.size();
  batch_.contacts = pointers_.data();
  return batch_;
}

}  // namespace herald::engine
