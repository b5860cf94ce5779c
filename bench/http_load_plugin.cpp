// bench-http-load: the plugin of bench/host_http.sh's round "through the
// plugin ABI". Built on the SDK like any outside plugin: when Herald starts
// it, it sends `requests` GETs to `url` through the host's HTTP service
// (herald::Http, i.e. host->http_request), `in_flight` at a time, each answer
// starting the next; once all are answered it records one `bench_done` event
// whose properties say how many failed. herald-host-http-bench loads it and
// takes that event as the end of the run.
#include <herald/sdk.hpp>
#include <string>

namespace {

class Load : public herald::PluginBase {
 public:
  static constexpr const char* kSchema = R"({
    "type": "object",
    "properties": {
      "url": {"type": "string", "minLength": 1},
      "requests": {"type": "integer", "minimum": 1},
      "in_flight": {"type": "integer", "minimum": 1, "maximum": 256}
    },
    "required": ["url", "requests", "in_flight"],
    "additionalProperties": false
  })";

  Load(herald::PluginContext ctx, const nlohmann::json& config)
      : PluginBase(ctx),
        url_(config.at("url").get<std::string>()),
        requests_(config.at("requests").get<long>()) {
    const long in_flight = config.at("in_flight").get<long>();
    for (long i = 0; i < in_flight && started_ < requests_; ++i) startOne();
  }

 private:
  void startOne() {
    ++started_;
    herald::HttpRequest request;
    request.url = url_;
    const herald_status status =
        http().request(request, [this](const herald::HttpResponse& r) { answered(r); });
    if (status != HERALD_OK) {
      herald::HttpResponse refused;
      refused.transport_error = true;
      refused.error = "the host refused the request";
      answered(refused);
    }
  }

  void answered(const herald::HttpResponse& r) {
    ++answered_;
    if (r.transport_error || r.status != 200) {
      if (failed_++ == 0) first_error_ = r.error + " (status " + std::to_string(r.status) + ")";
    }
    if (started_ < requests_) startOne();
    if (answered_ == requests_) {
      herald::Event done;
      done.external_id = "bench";
      done.type = "bench_done";
      done.properties = {
          {"answered", answered_}, {"failed", failed_}, {"first_error", first_error_}};
      events().record(done, nullptr);
    }
  }

  std::string url_;
  long requests_ = 0;
  long started_ = 0;
  long answered_ = 0;
  long failed_ = 0;
  std::string first_error_;
};

// A plugin offers at least one step type; the benchmark never runs it.
class Idle : public herald::Step {
 public:
  static constexpr const char* kName = "bench-http-load.idle";
  static constexpr const char* kSummary = "Does nothing (the benchmark's plugin works at start)";
  static constexpr const char* kSchema = R"({"type": "object", "additionalProperties": false})";
  Idle(herald::StepContext& ctx, const nlohmann::json&) : Step(ctx) {}
  void run(herald::Batch batch) override {
    for (size_t i = 0; i < batch.size(); ++i) batch.set(i, herald::Continue{});
    batch.complete();
  }
};

}  // namespace

HERALD_PLUGIN_WITH(Load, "bench-http-load", "1.0.0", "HTTP load through the host service", Idle)
