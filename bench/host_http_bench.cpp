// herald-host-http-bench: the host HTTP service benchmark of
// docs/PERFORMANCE.md (issue 12); bench/host_http.sh runs it beside wrk.
//
//   herald-host-http-bench --url http://127.0.0.1:PORT/hello [--requests 100000]
//                          [--in-flight 64]
//   herald-host-http-bench --idle-seconds S
//   herald-host-http-bench --url URL --plugin bench-http-load.so [--requests N]
//                          [--in-flight N]
//
// On one io_context thread, as in `herald serve`: --requests GETs through
// HttpClient for one owner, --in-flight of them on the wire at a time (each
// answer starts the next), and meanwhile a 1 ms periodic steady_timer on the
// same loop records how late it fires: what the engine's other work would
// wait. Prints requests/s, connections opened, the timer's lateness p50/p99/
// max, and a last line `requests_per_s=N` for the script. Exit 1 when a
// request failed or did not answer. --idle-seconds runs only the timer, on
// an otherwise idle loop: the reference for what the machine alone costs.
// --plugin sends the requests from a plugin instead (bench/http_load_plugin,
// built on the SDK like any outside plugin) through the host API's
// http_request, as loaded and started by the plugin Registry of `herald
// serve`: what a channel plugin gets, ABI crossing and all.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "plugin/registry.hpp"
#include "util/clock.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index =
      static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(values.size() - 1, index)];
}

// Re-arms itself every millisecond and records how late each expiry ran.
class LatenessProbe {
 public:
  explicit LatenessProbe(boost::asio::io_context& io) : timer_(io) {}
  void start() { arm(); }
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }
  const std::vector<double>& latenessMs() const { return lateness_ms_; }

 private:
  void arm() {
    timer_.expires_after(std::chrono::milliseconds(1));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      const auto late = Clock::now() - timer_.expiry();
      lateness_ms_.push_back(std::chrono::duration<double, std::milli>(late).count());
      arm();
    });
  }
  boost::asio::steady_timer timer_;
  std::vector<double> lateness_ms_;
  bool stopped_ = false;
};

double maxOf(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

void printLateness(const char* where, const std::vector<double>& lateness) {
  std::printf("  1 ms timer on %s: n=%zu lateness p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", where,
              lateness.size(), percentile(lateness, 50), percentile(lateness, 99), maxOf(lateness));
}

int measureIdleLoop(double seconds) {
  boost::asio::io_context io;
  LatenessProbe probe(io);
  boost::asio::steady_timer end(
      io, std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  end.async_wait([&](const boost::system::error_code&) { probe.stop(); });
  probe.start();
  io.run();
  printLateness("an idle loop", probe.latenessMs());
  std::printf("lateness_p99_ms=%.2f lateness_max_ms=%.2f\n", percentile(probe.latenessMs(), 99),
              maxOf(probe.latenessMs()));
  return 0;
}

// The same load from the bench-http-load plugin through the host API.
// Returns the process exit code.
int runThroughPlugin(const std::string& plugin_file, const std::string& url, long requests,
                     long in_flight) {
  boost::asio::io_context io;
  herald::plugin::Registry registry;
  const std::filesystem::path state_dir =
      std::filesystem::temp_directory_path() / ("herald-bench-" + std::to_string(getpid()));
  registry.setPluginSettings({{"bench-http-load",
                               {{"url", url},
                                {"requests", requests},
                                {"in_flight", in_flight},
                                {"http", {{"max_in_flight", in_flight}}}}}},
                             state_dir);
  if (!registry.loadFile(plugin_file)) {
    for (const auto& r : registry.refused())
      std::cerr << "refused " << r.path << ": " << r.reason << "\n";
    return 1;
  }
  LatenessProbe probe(io);
  herald::SystemClock clock;
  long answered = 0;
  long failed = -1;
  std::string first_error;
  herald::plugin::PluginRuntime runtime;
  runtime.loop = &io;
  runtime.clock = &clock;
  runtime.events = [&](herald::plugin::PluginEvent event,
                       std::function<void(herald::plugin::EventRecorded)> done) {
    if (event.type == "bench_done") {
      answered = event.properties.value("answered", 0L);
      failed = event.properties.value("failed", 0L);
      first_error = event.properties.value("first_error", "");
      probe.stop();
    }
    if (done) done(herald::plugin::EventRecorded::kStored);
  };
  const auto begin = Clock::now();
  probe.start();
  for (const auto& problem : registry.startPlugins(std::move(runtime))) {
    std::cerr << problem << "\n";
    return 1;
  }
  // The plugin's requests keep the loop busy; the probe stops with them.
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  registry.stopPlugins();
  std::filesystem::remove_all(state_dir);
  const std::vector<double>& lateness = probe.latenessMs();
  const double rate = static_cast<double>(answered) / seconds;
  std::printf("host HTTP service through the plugin ABI: %ld requests, %ld in flight\n", answered,
              in_flight);
  std::printf("  %.2f s, %.0f requests/s, %ld failed\n", seconds, rate, failed);
  printLateness("the same loop", lateness);
  std::printf("requests_per_s=%.0f lateness_p99_ms=%.2f lateness_max_ms=%.2f\n", rate,
              percentile(lateness, 99), maxOf(lateness));
  if (failed != 0) std::fprintf(stderr, "first failure: %s\n", first_error.c_str());
  return failed != 0 || answered != requests ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  long requests = 100000;
  long in_flight = 64;
  double idle_seconds = 0;
  std::string plugin_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--url") {
      url = argv[i + 1];
    } else if (arg == "--requests") {
      requests = std::atol(argv[i + 1]);
    } else if (arg == "--in-flight") {
      in_flight = std::atol(argv[i + 1]);
    } else if (arg == "--plugin") {
      plugin_file = argv[i + 1];
    } else if (arg == "--idle-seconds") {
      idle_seconds = std::atof(argv[i + 1]);
    } else {
      std::cerr << "herald-host-http-bench: unknown argument " << arg << "\n";
      return 2;
    }
  }
  if (idle_seconds > 0) return measureIdleLoop(idle_seconds);
  if (url.empty() || requests <= 0 || in_flight <= 0) {
    std::cerr << "usage: herald-host-http-bench --url URL [--requests N] [--in-flight N]"
                 " [--plugin FILE]\n";
    return 2;
  }
  if (!plugin_file.empty()) return runThroughPlugin(plugin_file, url, requests, in_flight);

  boost::asio::io_context io;
  herald::net::HttpClientOptions options;
  options.max_in_flight_per_owner = static_cast<std::size_t>(in_flight);
  options.max_connections = static_cast<std::size_t>(in_flight);
  herald::net::HttpClient client(io, options);
  LatenessProbe probe(io);

  long started = 0;
  long answered = 0;
  long failed = 0;
  std::string first_error;
  std::function<void()> startOne = [&] {
    ++started;
    herald::net::HttpRequest request;
    request.url = url;
    client.start("bench", std::move(request), [&](herald::net::HttpResult&& result) {
      ++answered;
      if (result.transport_error || result.status != 200) {
        if (failed++ == 0)
          first_error = result.error + " (status " + std::to_string(result.status) + ")";
      }
      if (started < requests) startOne();
      if (answered == requests) probe.stop();
    });
  };

  const auto begin = Clock::now();
  probe.start();
  for (long i = 0; i < std::min(in_flight, requests); ++i) startOne();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();

  const std::vector<double>& lateness = probe.latenessMs();
  const double rate = static_cast<double>(answered) / seconds;
  std::printf("host HTTP service: %ld requests, %ld in flight, one io_context thread\n", answered,
              in_flight);
  std::printf("  %.2f s, %.0f requests/s, %ld failed, %llu connections opened\n", seconds, rate,
              failed, static_cast<unsigned long long>(client.connectionsOpened()));
  printLateness("the same loop", lateness);
  // CPU time against wall time, and how often the kernel took the CPU away:
  // on a shared machine the timer's lateness is mostly waiting for a core.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto cpuSeconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  std::printf(
      "  cpu %.2f s (%.0f%% of one core, %.1f us per request), %ld involuntary context switches\n",
      cpuSeconds(usage.ru_utime) + cpuSeconds(usage.ru_stime),
      100 * (cpuSeconds(usage.ru_utime) + cpuSeconds(usage.ru_stime)) / seconds,
      1e6 * (cpuSeconds(usage.ru_utime) + cpuSeconds(usage.ru_stime)) /
          static_cast<double>(answered),
      usage.ru_nivcsw);
  std::printf("requests_per_s=%.0f lateness_p99_ms=%.2f lateness_max_ms=%.2f connections=%llu\n",
              rate, percentile(lateness, 99), maxOf(lateness),
              static_cast<unsigned long long>(client.connectionsOpened()));
  if (failed > 0) std::fprintf(stderr, "first failure: %s\n", first_error.c_str());
  return failed > 0 || answered != requests ? 1 : 0;
}
