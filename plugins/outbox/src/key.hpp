#pragma once
// The outbox's file name for a send-ledger key: the same key always yields the
// same name, which is what makes re-delivery idempotent.
#include <email_mime/key_hash.hpp>
#include <string>
#include <string_view>

namespace herald::outbox {

using email_mime::hashKey;
using email_mime::KeyHash;

// "<readable part>.<16 hex digits>.eml": the key with '/' and every other
// character outside [A-Za-z0-9_-] replaced by '_', each '/'-separated part cut
// to 16 characters (at most 100 in all), then the hash. Safe in a maildir
// (no '/', no ':').
std::string messageFileName(std::string_view key);

}  // namespace herald::outbox
