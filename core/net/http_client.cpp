#include "net/http_client.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "net/aimd_pace.hpp"
#include "net/curl_multi_loop.hpp"
#include "net/http_transfer.hpp"
#include "net/retry_after.hpp"
#include "net/transport_error.hpp"

namespace herald::net {

namespace {

struct Queued {
  HttpRequest request;
  HttpClient::Callback done;
};

// An owner's requests: how many are on the wire, and those waiting their
// turn in the order they were started.
struct Owner {
  std::size_t on_wire = 0;
  std::deque<Queued> queued;
};

// An owner's pace outlives its requests (a throttle's pause and a narrowed
// window hold for the next batch too).
struct OwnerPace {
  AimdPace pace;
  std::unique_ptr<boost::asio::steady_timer> resume;  // armed while paused with work queued
};

// "Slow down" in HTTP: Too Many Requests, Service Unavailable.
bool isThrottle(const HttpResult& r) {
  return !r.transport_error && (r.status == 429 || r.status == 503);
}

}  // namespace

struct HttpClient::Impl {
  Impl(boost::asio::io_context& io, HttpClientOptions opts)
      : loop(io),
        options(std::move(opts)),
        multi(io, options.max_connections,
              [this](CURL* easy, CURLcode code) { finished(easy, code); }) {}

  ~Impl() {
    for (auto& [easy, transfer] : active) {
      multi.remove(easy);
      curl_easy_cleanup(easy);
    }
    for (CURL* easy : idle) curl_easy_cleanup(easy);
  }

  void start(std::string_view owner_name, HttpRequest request, Callback done) {
    auto found = owners.find(owner_name);
    if (found == owners.end()) found = owners.emplace(std::string(owner_name), Owner{}).first;
    found->second.queued.push_back({std::move(request), std::move(done)});
    pump(found);
  }

  // Puts the owner's queued requests on the wire while it is under its
  // limit (a request refused before the wire does not count against it).
  void pump(std::map<std::string, Owner, std::less<>>::iterator found) {
    Owner& owner = found->second;
    OwnerPace& pace = paceOf(found->first);
    const auto now = AimdPace::Clock::now();
    if (pace.pace.paused(now) && !owner.queued.empty()) {
      resumeLater(found->first, pace);
      return;
    }
    const std::size_t limit = pace.pace.allowed();
    while (owner.on_wire < limit && !owner.queued.empty()) {
      Queued next = std::move(owner.queued.front());
      owner.queued.pop_front();
      launch(found->first, owner, std::move(next.request), std::move(next.done));
    }
    if (owner.on_wire == 0 && owner.queued.empty()) owners.erase(found);
  }

  void launch(const std::string& name, Owner& owner, HttpRequest request, Callback done) {
    auto transfer = std::make_unique<HttpTransfer>(name, std::move(request), std::move(done));
    CURL* easy = takeEasy();
    if (easy == nullptr) {
      deliver(std::move(transfer->callback()),
              transportError("libcurl could not create a transfer", true));
      return;
    }
    if (auto refused = transfer->configure(easy, options)) {
      recycle(easy);
      deliver(std::move(transfer->callback()), transportError(std::move(*refused), false));
      return;
    }
    if (const CURLMcode code = multi.add(easy); code != CURLM_OK) {
      recycle(easy);
      deliver(std::move(transfer->callback()),
              transportError(std::string("libcurl: ") + curl_multi_strerror(code), true));
      return;
    }
    ++owner.on_wire;
    active.emplace(easy, std::move(transfer));
  }

  // curl is done with `easy`: answer its owner, let the next request of
  // that owner go.
  void finished(CURL* easy, CURLcode code) {
    auto found = active.find(easy);
    if (found == active.end()) return;
    std::unique_ptr<HttpTransfer> transfer = std::move(found->second);
    active.erase(found);
    HttpResult result = transfer->finish(easy, code);
    retire(easy);
    if (isThrottle(result)) {
      paceOf(transfer->owner())
          .pace.onThrottled(AimdPace::Clock::now(),
                            retryAfterOf(result.headers, std::chrono::system_clock::now()),
                            ++throttle_seq);
    } else if (!result.transport_error) {
      paceOf(transfer->owner()).pace.onSuccess();
    }
    deliver(std::move(transfer->callback()), std::move(result));
    release(transfer->owner());
  }

  void cancel(std::string_view owner_name) {
    auto found = owners.find(owner_name);
    if (found == owners.end()) return;
    const std::string owner = found->first;
    std::deque<Queued> queued = std::move(found->second.queued);
    found->second.queued.clear();
    for (auto it = active.begin(); it != active.end();) {
      if (it->second->owner() != owner) {
        ++it;
        continue;
      }
      CURL* easy = it->first;
      deliver(std::move(it->second->callback()), transportError("cancelled", false));
      it = active.erase(it);
      retire(easy);
    }
    for (Queued& waiting : queued) {
      deliver(std::move(waiting.done), transportError("cancelled", false));
    }
    owners.erase(owner);
  }

  // Takes `easy` off the multi handle, counts the connections it opened and
  // keeps it for the next request.
  void retire(CURL* easy) {
    long connects = 0;
    if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0) {
      connections_opened += static_cast<std::uint64_t>(connects);
    }
    multi.remove(easy);
    recycle(easy);
  }

  void release(const std::string& owner_name) {
    auto found = owners.find(owner_name);
    if (found == owners.end()) return;
    --found->second.on_wire;
    pump(found);
  }

  OwnerPace& paceOf(std::string_view owner) {
    auto found = paces.find(owner);
    if (found == paces.end())
      found =
          paces
              .emplace(std::string(owner), OwnerPace{AimdPace(options.max_in_flight_per_owner), {}})
              .first;
    return found->second;
  }

  // Pumps the owner again when its pause ends.
  void resumeLater(const std::string& owner_name, OwnerPace& pace) {
    if (!pace.resume) pace.resume = std::make_unique<boost::asio::steady_timer>(loop);
    pace.resume->expires_at(pace.pace.resumeAt());
    pace.resume->async_wait([this, owner_name, alive = std::weak_ptr<char>(alive_)](
                                const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      if (auto found = owners.find(owner_name); found != owners.end()) pump(found);
    });
  }

  CURL* takeEasy() {
    if (idle.empty()) return curl_easy_init();
    CURL* easy = idle.back();
    idle.pop_back();
    return easy;
  }

  // A reset handle keeps nothing of its last request; the connections stay
  // in the multi handle's cache either way.
  void recycle(CURL* easy) {
    if (idle.size() >= options.max_connections) {
      curl_easy_cleanup(easy);
      return;
    }
    curl_easy_reset(easy);
    idle.push_back(easy);
  }

  // Never from inside start() or a curl callback: through the loop. Dropped
  // if the client is gone by then (its destructor abandons callbacks).
  void deliver(Callback done, HttpResult result) {
    boost::asio::post(loop, [done = std::move(done), result = std::move(result),
                             alive = std::weak_ptr<char>(alive_)]() mutable {
      if (!alive.expired() && done) done(std::move(result));
    });
  }

  boost::asio::io_context& loop;
  HttpClientOptions options;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  std::map<std::string, Owner, std::less<>> owners;
  std::map<std::string, OwnerPace, std::less<>> paces;
  std::uint64_t throttle_seq = 0;
  std::unordered_map<CURL*, std::unique_ptr<HttpTransfer>> active;
  std::vector<CURL*> idle;
  std::uint64_t connections_opened = 0;
  // Declared last, so destroyed first: ~Impl has taken every easy handle
  // off it, and curl_multi_cleanup still finds `options` and the loop whole.
  CurlMultiLoop multi;
};

HttpClient::HttpClient(boost::asio::io_context& loop, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(loop, std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::start(std::string_view owner, HttpRequest request, Callback done) {
  impl_->start(owner, std::move(request), std::move(done));
}

void HttpClient::cancel(std::string_view owner) { impl_->cancel(owner); }

void HttpClient::setOwnerLimit(std::string_view owner, std::size_t max_in_flight) {
  impl_->paceOf(owner).pace.setMax(max_in_flight);
}

HttpClient::OwnerPaceView HttpClient::pace(std::string_view owner) const {
  const auto found = impl_->paces.find(owner);
  if (found == impl_->paces.end()) {
    const std::size_t max = std::max<std::size_t>(1, impl_->options.max_in_flight_per_owner);
    return {max, max, 0, false};
  }
  const AimdPace& p = found->second.pace;
  return {p.allowed(), p.max(), p.throttles(), p.paused(AimdPace::Clock::now())};
}

std::size_t HttpClient::inFlight() const { return impl_->active.size(); }

std::uint64_t HttpClient::connectionsOpened() const { return impl_->connections_opened; }

}  // namespace herald::net
