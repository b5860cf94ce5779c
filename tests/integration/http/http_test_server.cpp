// The HTTP listeners on a real SQLite store through TestControl, for the
// python tests and bench/ingest.sh (until `herald serve` exists):
//   http_test_server CONFIG            serve; prints {"admin": PORT, "public": PORT}
//   http_test_server CONFIG sign PURPOSE CONTACT WORKFLOW REVISION STEP EXPIRES_MS [URL]
//                                      prints the signed link's URL
//   http_test_server CONFIG decide CONTACT   prints the delivery policy's decision
//                                      for an email to the contact (require_consent)
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "engine/delivery_policy.hpp"
#include "http/listeners.hpp"
#include "links/signer.hpp"
#include "test_control.hpp"

using namespace herald;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: http_test_server CONFIG [sign ...|decide CONTACT]\n";
    return 2;
  }
  Diagnostics diags;
  auto cfg = config::loadDaemonConfig(argv[1], diags);
  if (!cfg) {
    diags.print(std::cerr);
    return 2;
  }
  const std::string mode = argc > 2 ? argv[2] : "serve";
  if (mode == "sign" && argc >= 9) {
    const std::string p = argv[3];
    const auto purpose = p == "unsubscribe" ? links::Purpose::kUnsubscribe
                         : p == "open"      ? links::Purpose::kOpen
                                            : links::Purpose::kClick;
    links::LinkIds ids{std::stoll(argv[4]), argv[5], argv[6], argv[7], 0, argc > 9 ? argv[9] : ""};
    links::Signer signer(cfg->links.keys);
    std::cout << links::linkUrl(cfg->http.public_base_url, purpose,
                                signer.sign(purpose, ids, std::stoll(argv[8])))
              << '\n';
    return 0;
  }
  boost::asio::io_context io;
  testing::TestControl control(io, *cfg);
  if (mode == "decide" && argc >= 4) {
    auto c = control.store().contactById(std::stoll(argv[3]));
    if (!c) return 1;
    std::cout << engine::decideDelivery(*c, "email", {}).decision << '\n';
    return 0;
  }
  http::Listeners listeners(io, control);
  try {
    listeners.start();
  } catch (const std::exception& e) {
    std::cerr << "http_test_server: " << e.what() << '\n';
    return 1;
  }
  std::cout << "{\"admin\": " << listeners.adminEndpoint().port()
            << ", \"public\": " << listeners.publicEndpoint().port() << "}" << std::endl;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    listeners.stop();
    io.stop();
  });
  io.run();
  return 0;
}
