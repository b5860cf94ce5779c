#include "bounces/apply_bounce.hpp"

#include <algorithm>
#include <cctype>
#include <herald/message_id.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace herald::bounces {
namespace {

// "workflow/revision/step/contact/occurrence" (store::LedgerKey::text).
std::optional<store::LedgerKey> parseKey(const std::string& text) {
  std::vector<std::string> part;
  size_t start = 0;
  for (size_t slash; (slash = text.find('/', start)) != std::string::npos; start = slash + 1)
    part.push_back(text.substr(start, slash - start));
  part.push_back(text.substr(start));
  if (part.size() != 5) return std::nullopt;
  store::LedgerKey key{part[0], part[1], part[2], 0, 0};
  try {
    key.contact_id = std::stoll(part[3]);
    key.occurrence = std::stoll(part[4]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return key;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The server's text with the address itself replaced: the suppression list
// keeps only a salted hash of the address, and its reason must not undo that.
std::string withoutAddress(std::string text, const std::string& address) {
  if (address.empty()) return text;
  const std::string needle = lower(address);
  for (size_t at; (at = lower(text).find(needle)) != std::string::npos;)
    text.replace(at, address.size(), "[recipient]");
  return text;
}

}  // namespace

bool applyDsn(store::Store& store, const Dsn& dsn, int64_t now_ms, BounceTally& tally) {
  ++tally.reports;
  std::optional<store::LedgerKey> key;
  if (dsn.original_message_id) {
    if (auto text = ledgerKeyFromMessageId(*dsn.original_message_id)) key = parseKey(*text);
  }
  if (!key || !store.ledgerEntry(*key)) {
    ++tally.not_ours;
    return false;
  }
  std::vector<std::pair<std::string, std::string>> suppress;  // address, reason
  auto events = store.beginEventImport();
  for (const DsnRecipient& r : dsn.recipients) {
    if (r.action != "failed" && r.action != "delayed") continue;
    const bool hard = isHardBounce(r);
    store::Event e;
    e.contact_id = key->contact_id;
    e.type = r.action == "failed" ? "bounced" : "deferred";
    e.at_ms = now_ms;
    e.properties = {{"status", r.status},
                    {"diagnostic", withoutAddress(r.diagnostic, r.address)},
                    {"hard", hard},
                    {"ledger_key", key->text()},
                    {"source", "dsn"}};
    e.external_id = "dsn:" + key->text() + ":" + lower(r.address) + ":" + r.status;
    events->insert(e);
    if (hard) {
      const std::string why =
          "bounced: " + r.status + (r.diagnostic.empty() ? "" : " " + r.diagnostic);
      suppress.emplace_back(lower(r.address), withoutAddress(why, r.address));
      ++tally.hard;
    } else {
      ++tally.soft;
    }
  }
  events->commit();
  // After the events' transaction: each suppression is its own.
  for (const auto& [address, why] : suppress) store.suppressAddress("email", address, why, now_ms);
  return true;
}

}  // namespace herald::bounces
