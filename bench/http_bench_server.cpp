// herald-http-bench-server: tests/unit/net's LocalHttpServer as a process, the
// one endpoint bench/host_http.sh points both wrk and HttpClient at.
//
//   herald-http-bench-server [--threads 2] --port-file FILE
//
// Writes the port to FILE once listening; on SIGTERM or SIGINT prints the
// connections it accepted and the requests it served, and exits.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "local_http_server.hpp"

int main(int argc, char** argv) {
  unsigned threads = 2;
  std::string port_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--threads") {
      threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    } else if (arg == "--port-file") {
      port_file = argv[i + 1];
    } else {
      std::cerr << "herald-http-bench-server: unknown argument " << arg << "\n";
      return 2;
    }
  }
  if (port_file.empty()) {
    std::cerr << "usage: herald-http-bench-server [--threads N] --port-file FILE\n";
    return 2;
  }
  // Blocked before the server's threads start, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  herald::test::LocalHttpServer server(threads);
  {
    std::ofstream out(port_file + ".tmp");
    out << server.port() << "\n";
  }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  int signal = 0;
  sigwait(&stop, &signal);
  std::printf("server: %llu connections accepted, %llu requests served\n",
              static_cast<unsigned long long>(server.connectionsAccepted()),
              static_cast<unsigned long long>(server.requestsServed()));
  return 0;
}
