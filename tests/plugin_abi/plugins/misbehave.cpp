// Loads fine, then misbehaves at run time, one way per step type, so the
// tests can show the host reports each bug and survives it.
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "herald/abi.h"

namespace {

constexpr const char* kSchema = R"({"type": "object", "properties": {}})";

struct Instance {
  const herald_host_api* host;
  herald_step_ctx* ctx;
  std::string type;
};

// Calls of misbehave.never, completed (late) by misbehave.release.
std::mutex g_mu;
std::vector<std::pair<const herald_host_api*, herald_call*>> g_stashed;

std::vector<herald_outcome> continueAll(size_t n) {
  std::vector<herald_outcome> out(n);
  for (auto& o : out) {
    o.struct_size = sizeof(herald_outcome);
    o.kind = HERALD_OUTCOME_CONTINUE;
  }
  return out;
}

herald_status create(const herald_host_api* host, herald_step_ctx* ctx, const char* config,
                     void** out, const char* type) {
  (void)config;
  std::string t = type;
  if (t == "misbehave.create_throws") throw std::runtime_error("create exploded");
  if (t == "misbehave.create_silent") return HERALD_ERR_INVALID;
  if (t == "misbehave.create_diag") {
    host->diagnostic(ctx, "/to", "'to' must name a list");
    host->diagnostic(ctx, "", "and the whole config is wrong too");
    return HERALD_ERR_INVALID;
  }
  *out = new Instance{host, ctx, t};
  return HERALD_OK;
}

void destroy(void* instance) { delete static_cast<Instance*>(instance); }

void run(void* instance, const herald_batch* batch, herald_call* call) {
  auto* in = static_cast<Instance*>(instance);
  const herald_host_api* host = in->host;
  const std::string& t = in->type;
  auto outcomes = continueAll(batch->count);
  if (t == "misbehave.twice") {
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
    host->complete(call, HERALD_ERR_INTERNAL, "second completion", nullptr, 0);
  } else if (t == "misbehave.never") {
    std::lock_guard lock(g_mu);
    g_stashed.emplace_back(host, call);
  } else if (t == "misbehave.release") {
    std::vector<std::pair<const herald_host_api*, herald_call*>> stashed;
    {
      std::lock_guard lock(g_mu);
      stashed.swap(g_stashed);
    }
    for (auto& [h, c] : stashed) h->complete(c, HERALD_OK, nullptr, nullptr, 0);
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
  } else if (t == "misbehave.throws") {
    throw std::runtime_error("boom");
  } else if (t == "misbehave.wrong_count") {
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size() - 1);
  } else if (t == "misbehave.bad_kind") {
    outcomes.back().kind = 42;
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
  } else if (t == "misbehave.branch_no_label") {
    outcomes.front().kind = HERALD_OUTCOME_BRANCH;
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
  } else if (t == "misbehave.bad_vars") {
    outcomes.front().vars_json = "[1, 2]";
    host->complete(call, HERALD_OK, nullptr, outcomes.data(), outcomes.size());
  } else if (t == "misbehave.fail") {
    host->complete(call, HERALD_ERR_INTERNAL, "provider down", nullptr, 0);
  } else if (t == "misbehave.async") {
    // Plugins must not start threads; this one does to prove that a
    // completion from a foreign thread is safe.
    size_t n = batch->count;
    std::thread([host, call, n] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto out = continueAll(n);
      out.front().kind = HERALD_OUTCOME_BRANCH;
      out.front().branch = "later";
      out.front().vars_json = R"({"from": "thread"})";
      host->complete(call, HERALD_OK, nullptr, out.data(), out.size());
    }).detach();
  }
}

// misbehave.async branches to "later"; a label a type never declared would
// be a plugin bug of its own (the host fails that contact), so all declare it.
const char* const kBranches[] = {"later", nullptr};

#define MISBEHAVE_STEP(var, name, summary)                                              \
  herald_status make_##var(const herald_host_api* h, herald_step_ctx* c, const char* j, \
                           void** o) {                                                  \
    return create(h, c, j, o, name);                                                    \
  }                                                                                     \
  const herald_step_type var = {sizeof(herald_step_type),                               \
                                name,                                                   \
                                summary,                                                \
                                kSchema,                                                \
                                0,                                                      \
                                nullptr,                                                \
                                make_##var,                                             \
                                destroy,                                                \
                                run,                                                    \
                                kBranches};

MISBEHAVE_STEP(twice, "misbehave.twice", "Completes every batch twice")
MISBEHAVE_STEP(never, "misbehave.never", "Never completes")
MISBEHAVE_STEP(release, "misbehave.release", "Completes the batches misbehave.never kept")
MISBEHAVE_STEP(throws, "misbehave.throws", "Throws from run_batch")
MISBEHAVE_STEP(wrong_count, "misbehave.wrong_count", "Returns one outcome too few")
MISBEHAVE_STEP(bad_kind, "misbehave.bad_kind", "Returns an unknown outcome kind")
MISBEHAVE_STEP(branch_no_label, "misbehave.branch_no_label", "Branches without a label")
MISBEHAVE_STEP(bad_vars, "misbehave.bad_vars", "Returns vars that are not an object")
MISBEHAVE_STEP(fail, "misbehave.fail", "Fails every batch with a reason")
MISBEHAVE_STEP(async, "misbehave.async", "Completes from another thread")
MISBEHAVE_STEP(create_throws, "misbehave.create_throws", "Throws from create")
MISBEHAVE_STEP(create_silent, "misbehave.create_silent", "Refuses its config without a word")
MISBEHAVE_STEP(create_diag, "misbehave.create_diag", "Refuses its config with two diagnostics")

const herald_step_type* const kTypes[] = {
    &twice,    &never, &release, &throws,        &wrong_count,   &bad_kind,   &branch_no_label,
    &bad_vars, &fail,  &async,   &create_throws, &create_silent, &create_diag};

const herald_plugin kPlugin = {sizeof(herald_plugin),
                               HERALD_ABI_MAJOR,
                               HERALD_ABI_MINOR,
                               "misbehave",
                               "0.1.0-test",
                               "Misbehaves at run time, one way per step type",
                               sizeof(kTypes) / sizeof(kTypes[0]),
                               kTypes};

}  // namespace

extern "C" HERALD_EXPORT const herald_plugin* herald_plugin_entry(void) { return &kPlugin; }
