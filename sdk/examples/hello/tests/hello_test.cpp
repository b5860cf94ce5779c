// Unit test of the hello plugin with the SDK's fake host: loads the built
// hello.so as the daemon would and runs hello.greet on hand-made contacts.
#include <herald/testing.hpp>
#include <iostream>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

}  // namespace

int main() {
  using herald::testing::TestContact;
  const auto plugin = herald::testing::Plugin::load(HELLO_PLUGIN_FILE);
  check(plugin.problems().empty(), "the descriptor is well formed");
  check(plugin.name() == "hello", "the plugin is called hello");

  herald::testing::Host host;
  auto& step = host.create(plugin, "hello.greet", {{"variable", "welcome"}});
  check(step.ok(), "hello.greet accepts a valid config");
  check(step.config()["greeting"] == "Hello {{ contact.first_name }}!", "defaults are filled in");

  // The daemon renders the templated greeting per contact; here we play it.
  const auto result = step.run({
      {.id = 1, .first_name = "Ann", .config = nlohmann::json{{"greeting", "Hello Ann!"}}},
      {.id = 2, .first_name = "Bo", .config = nlohmann::json{{"greeting", "Hello Bo!"}}},
  });
  check(result.ok(), "the batch completes");
  check(result.outcomes.size() == 2, "one outcome per contact");
  check(result.outcomes[0].kind == HERALD_OUTCOME_CONTINUE, "contacts continue");
  check(result.outcomes[1].vars["welcome"] == "Hello Bo!", "the rendered greeting is stored");
  check(host.counter("greetings_total") == 2, "the counter counts greetings");

  auto& reserved = host.create(plugin, "hello.greet", {{"variable", "herald_x"}});
  check(!reserved.ok(), "a reserved variable name is refused");
  check(reserved.diagnostics().size() == 1 && reserved.diagnostics()[0].pointer == "/variable",
        "the problem points at /variable");

  check(host.bugs().empty(), "the step keeps the step contract");
  if (failures == 0) std::cout << "hello_test: all checks passed\n";
  return failures == 0 ? 0 : 1;
}
