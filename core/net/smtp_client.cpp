#include "net/smtp_client.hpp"

// clang-format off
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange
// clang-format on
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <filesystem>
#include <map>

#include "net/aimd_pace.hpp"
#include "net/smtp_payload.hpp"
#include "net/smtp_session.hpp"

namespace herald::net {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

struct Request {
  SmtpMessage message;
  SmtpClient::Callback done;
};

// Sessions are shared by requests that would open the same session: the
// server, port, TLS mode and user, and what decides trust and login.
std::string poolKey(const SmtpServer& server) {
  std::string key;
  for (const std::string* part :
       {&server.host, &server.username, &server.password, &server.ca_file}) {
    key += std::to_string(part->size()) + ':' + *part;
  }
  key += std::to_string(server.port) + '/' + std::to_string(static_cast<int>(server.tls)) + '/' +
         (server.verify_tls ? "v" : "n");
  return key;
}

// What a caller gave that no server should see: a line break would end
// the command early and start another one.
std::string invalidEnvelope(const SmtpMessage& message) {
  auto bad = [](const std::string& address) {
    return address.find_first_of("\r\n<>") != std::string::npos;
  };
  if (bad(message.sender)) return "the sender contains a line break or an angle bracket";
  if (message.recipients.empty()) return "the message has no recipients";
  for (std::size_t i = 0; i < message.recipients.size(); ++i) {
    if (message.recipients[i].empty() || bad(message.recipients[i])) {
      return "recipient " + std::to_string(i + 1) +
             " is empty or contains a line break or an angle bracket";
    }
  }
  return {};
}

void replaceAll(std::string& text, const std::string& secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[secret]");
    at += 8;
  }
}

// The password cannot reach an error through our own messages; a server
// that echoes what it was sent must not leak it either.
void scrubPassword(SmtpResult& result, const std::string& password) {
  replaceAll(result.error, password);
  auto scrub = [&](std::optional<SmtpReply>& reply) {
    if (reply) replaceAll(reply->text, password);
  };
  scrub(result.mail_from);
  scrub(result.data);
  for (SmtpReply& reply : result.recipients) replaceAll(reply.text, password);
}

}  // namespace

// The pools of every server a client sent to. Shared with the workers, so
// it outlives the SmtpClient until the last worker has ended.
struct SmtpPools : std::enable_shared_from_this<SmtpPools> {
  struct Pool {
    std::string key;
    SmtpServer server;  // the first request's copy; sessions refer to it
    std::unique_ptr<asio::ssl::context> tls;
    std::string tls_error;  // ca_file unreadable: every request fails with it
    std::deque<Request> queue;
    std::size_t workers = 0;
    std::vector<asio::steady_timer*> idle;  // workers waiting for work
    AimdPace pace;                          // how many sessions the server allows now
    std::size_t leaving = 0;                // workers quitting because the window narrowed
  };

  SmtpPools(asio::io_context& l, SmtpClientOptions o) : loop(l), options(o) {
    options.max_sessions_per_server = std::max<std::size_t>(1, options.max_sessions_per_server);
    options.max_messages_per_session = std::max<std::size_t>(1, options.max_messages_per_session);
  }

  // The pool for `server`, made on first use (a failure to read ca_file is
  // kept in tls_error).
  Pool& poolFor(const SmtpServer& server) {
    auto [it, inserted] = pools.try_emplace(poolKey(server));
    Pool& pool = it->second;
    if (inserted) {
      pool.key = it->first;
      pool.server = server;
      pool.pace.setMax(server.max_sessions > 0 ? server.max_sessions
                                               : options.max_sessions_per_server);
      pool.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      pool.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1);
      boost::system::error_code ec;
      if (server.ca_file.empty()) {
        pool.tls->set_default_verify_paths(ec);
      } else {
        std::error_code missing;
        if (!std::filesystem::is_regular_file(server.ca_file, missing)) {
          pool.tls_error = "ca_file " + server.ca_file + " is not a file";
        } else if (pool.tls->load_verify_file(server.ca_file, ec); ec) {
          pool.tls_error =
              "ca_file " + server.ca_file + " holds no PEM certificate OpenSSL can read";
        }
      }
    }
    return pool;
  }

  void enqueue(const SmtpServer& server, Request request) {
    if (closing) return;
    if (std::string problem = invalidEnvelope(request.message); !problem.empty()) {
      refuse(std::move(request), std::move(problem), server.password);
      return;
    }
    Pool& pool = poolFor(server);
    if (!pool.tls_error.empty()) {
      // Not kept: the file may be fixed before the next request.
      std::string problem = std::move(pool.tls_error);
      pools.erase(pool.key);
      refuse(std::move(request), std::move(problem), server.password);
      return;
    }
    pool.queue.push_back(std::move(request));
    if (!pool.idle.empty()) {
      pool.idle.back()->cancel();
      pool.idle.pop_back();
    } else if (pool.workers - pool.leaving < pool.pace.allowed()) {
      ++pool.workers;
      asio::co_spawn(loop, worker(shared_from_this(), pool), asio::detached);
    }
  }

  // What no server was asked about: not retryable.
  void refuse(Request request, std::string problem, const std::string& password) {
    SmtpResult result;
    result.transport_error = true;
    result.error = std::move(problem);
    finish(std::move(request.done), std::move(result), password);
  }

  void finish(SmtpClient::Callback done, SmtpResult&& result, const std::string& password) {
    scrubPassword(result, password);
    asio::post(loop, [self = shared_from_this(), done = std::move(done),
                      result = std::move(result)]() mutable {
      if (!self->closing) done(std::move(result));
    });
  }

  // One per open session: takes the pool's requests in turn, keeps the
  // session open between them for idle_timeout, reopens it after
  // max_messages_per_session or when it broke.
  static awaitable<void> worker(std::shared_ptr<SmtpPools> self, Pool& pool) {
    std::shared_ptr<SmtpSession> session;
    asio::steady_timer idle(self->loop);
    while (co_await self->serve(pool, session, idle)) {
      // Work arrived while the session was quitting; this worker still
      // counts against the pool's limit, so it takes that work itself.
    }
    // A server no longer sent to keeps nothing (its TLS context included),
    // unless it throttled us lately: its pace holds for the next messages.
    const bool calm =
        pool.pace.allowed() == pool.pace.max() && !pool.pace.paused(AimdPace::Clock::now());
    if (--pool.workers == 0 && pool.queue.empty() && calm) self->pools.erase(pool.key);
  }

  // Serves the pool's queue until idle too long or the session broke with
  // nothing left to do, then quits. True when new work came meanwhile.
  awaitable<bool> serve(Pool& pool, std::shared_ptr<SmtpSession>& session,
                        asio::steady_timer& idle) {
    bool leaving = false;
    while (!closing) {
      // A throttled server: sessions beyond its window end (counted as
      // leaving at once, so that only the excess leaves), the others wait
      // out the pause before the next message.
      if (pool.workers - pool.leaving > pool.pace.allowed()) {
        ++pool.leaving;
        leaving = true;
        break;
      }
      if (pool.pace.paused(AimdPace::Clock::now()) && !pool.queue.empty()) {
        idle.expires_at(pool.pace.resumeAt());
        boost::system::error_code ec;
        co_await idle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (pool.queue.empty()) {
        if (!session || !session->isOpen()) break;
        idle.expires_after(options.idle_timeout);
        pool.idle.push_back(&idle);
        boost::system::error_code ec;
        co_await idle.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // enqueue() took us off the list when it woke us; a timeout did not.
        pool.idle.erase(std::remove(pool.idle.begin(), pool.idle.end(), &idle), pool.idle.end());
        if (!ec && pool.queue.empty()) break;  // idle too long
        continue;
      }
      Request request = std::move(pool.queue.front());
      pool.queue.pop_front();
      SmtpResult result = co_await deliver(pool, session, request.message);
      pace(pool, result);
      finish(std::move(request.done), std::move(result), pool.server.password);
    }
    if (session) co_await session->quit();
    session.reset();
    if (leaving) {
      --pool.leaving;  // worker() takes it off pool.workers next, without a suspension between
      co_return false;
    }
    co_return !closing && !pool.queue.empty();
  }

  // "Slow down" in SMTP (RFC 5321 §4.2.3, and what the big mailbox
  // providers send when rate limiting): 421 closing, 451 local error /
  // try later, 454 TLS or AUTH temporarily unavailable.
  static bool isThrottle(int code) { return code == 421 || code == 451 || code == 454; }

  void pace(Pool& pool, const SmtpResult& result) {
    bool throttled = isThrottle(result.error_code);
    if (result.mail_from && isThrottle(result.mail_from->code)) throttled = true;
    for (const SmtpReply& r : result.recipients) throttled = throttled || isThrottle(r.code);
    if (result.data && isThrottle(result.data->code)) throttled = true;
    if (throttled) {
      pool.pace.onThrottled(AimdPace::Clock::now(), std::nullopt, ++throttle_seq);
      throttles.fetch_add(1, std::memory_order_relaxed);
    } else if (!result.transport_error) {
      pool.pace.onSuccess();
    }
  }

  awaitable<SmtpResult> deliver(Pool& pool, std::shared_ptr<SmtpSession>& session,
                                const SmtpMessage& message) {
    const std::string payload = smtpDataPayload(message.data);
    bool reused = session && session->isOpen();
    if (reused && session->messagesSent() >= options.max_messages_per_session) {
      co_await session->quit();
      reused = false;
    }
    for (int attempt = 0;; ++attempt) {
      SmtpResult result;
      try {
        if (!reused) {
          session =
              std::make_shared<SmtpSession>(loop, pool.server, *pool.tls, options.command_timeout);
          sessions_opened.fetch_add(1, std::memory_order_relaxed);
          co_await session->open();
        }
        co_await session->transact(message, payload, result);
        co_return result;
      } catch (const SmtpSessionError& error) {
        // A session that sat idle may have been closed by the server (EOF or
        // 421 at the first command): reopen it once for this message, as
        // nothing of it was accepted yet.
        const bool untouched = !result.mail_from && result.recipients.empty();
        if (reused && attempt == 0 && error.dropped() && untouched) {
          reused = false;
          continue;
        }
        result.transport_error = true;
        result.retryable = error.retryable();
        result.error = error.what();
        result.error_code = error.code();
        co_return result;
      } catch (const std::exception& error) {
        // Anything else (out of memory, a TLS setup call that threw) still
        // answers the caller once; the session is not trusted again.
        session.reset();
        result.transport_error = true;
        result.retryable = true;
        result.error = "SMTP client error with " + pool.server.host + ": " + error.what();
        co_return result;
      }
    }
  }

  asio::io_context& loop;
  SmtpClientOptions options;
  std::map<std::string, Pool> pools;  // node-based: workers keep Pool&
  std::atomic<std::uint64_t> sessions_opened{0};
  std::atomic<std::uint64_t> throttles{0};
  std::uint64_t throttle_seq = 0;
  std::atomic<bool> closing{false};
};

struct SmtpClient::Impl {
  std::shared_ptr<SmtpPools> pools;
};

SmtpClient::SmtpClient(asio::io_context& loop, SmtpClientOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<SmtpPools>(loop, options)})) {}

SmtpClient::~SmtpClient() {
  // Workers hold the pools until they end: idle ones wake, QUIT and end;
  // busy ones end after their current command. No callback runs any more.
  impl_->pools->closing = true;
  asio::post(impl_->pools->loop, [pools = impl_->pools] {
    for (auto& [key, pool] : pools->pools) {
      pool.queue.clear();
      for (asio::steady_timer* timer : pool.idle) timer->cancel();
      pool.idle.clear();
    }
  });
}

void SmtpClient::send(const SmtpServer& server, SmtpMessage message, Callback done) {
  // On the loop, so send() may be called from any thread and `done` never
  // runs inside it.
  asio::post(impl_->pools->loop, [pools = impl_->pools, server, message = std::move(message),
                                  done = std::move(done)]() mutable {
    pools->enqueue(server, Request{std::move(message), std::move(done)});
  });
}

std::uint64_t SmtpClient::throttles() const {
  return impl_->pools->throttles.load(std::memory_order_relaxed);
}

std::uint64_t SmtpClient::sessionsOpened() const {
  return impl_->pools->sessions_opened.load(std::memory_order_relaxed);
}

}  // namespace herald::net
