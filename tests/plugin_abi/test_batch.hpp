#pragma once
// A batch the way the engine hands one to runBatch, for the plugin_abi tests.
#include <vector>

#include "herald/abi.h"

namespace herald::plugin {

// A batch the way the engine builds one; its strings are literals.
struct TestBatch {
  std::vector<herald_contact> contacts;
  std::vector<const herald_contact*> pointers;
  herald_batch batch{};

  explicit TestBatch(size_t n, bool dry_run = false,
                     const char* attributes_json = R"({"plan": "pro"})")
      : contacts(n), pointers(n) {
    for (size_t i = 0; i < n; ++i) {
      herald_contact& c = contacts[i];
      c.struct_size = sizeof c;
      c.id = static_cast<int64_t>(i + 1);
      c.email = "ada@example.com";
      c.attributes_json = attributes_json;
      c.tags_json = "[]";
      c.vars_json = "{}";
      c.config_json = R"({"greeting": "hi"})";
      pointers[i] = &c;
    }
    batch.struct_size = sizeof batch;
    batch.run_id = "7";
    batch.workflow = "welcome";
    batch.revision = "abc123";
    batch.step_id = "s1";
    batch.now_ms = 1'700'000'000'000;
    batch.dry_run = dry_run ? 1 : 0;
    batch.count = n;
    batch.contacts = pointers.data();
  }
};

}  // namespace herald::plugin
