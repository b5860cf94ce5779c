// conformance_render: renders templates for tests/conformance/differential.py.
// Reads JSON lines {"template": T, "data": D} on stdin and prints, per line,
// {"output": TEXT} or {"error": REASON}, rendering exactly as the
// conformance suite does (render_case.hpp).
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "render_case.hpp"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json reply;
    try {
      const auto req = nlohmann::json::parse(line);
      const auto data = req.value("data", nlohmann::json::object());
      const auto r = herald::conformance::renderCase(req.at("template").get<std::string>(), data);
      reply[r.ok ? "output" : "error"] = r.text;
    } catch (const std::exception& e) {
      reply["error"] = std::string("bad request line: ") + e.what();
    }
    std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n'
              << std::flush;
  }
  return 0;
}
