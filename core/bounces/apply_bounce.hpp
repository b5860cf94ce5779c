#pragma once
// What a delivery status notification means for Herald: each recipient it
// reports becomes an event on the contact the original message went to
// (found through the send-ledger key in the quoted Message-ID):
//   `bounced`  Action failed; a hard bounce (isHardBounce) also puts the
//              address on the suppression list, so no later workflow mails it;
//   `deferred` Action delayed (the server is still trying).
// Events carry the event id "dsn:KEY:ADDRESS:STATUS", so a report read twice
// (a mailbox that kept it) is stored once.
#include <cstdint>
#include <string>

#include "bounces/dsn.hpp"
#include "store/store.hpp"

namespace herald::bounces {

struct BounceTally {
  int64_t messages = 0;    // read from the mailbox
  int64_t reports = 0;     // delivery status notifications among them
  int64_t hard = 0;        // hard bounces (address suppressed)
  int64_t soft = 0;        // other failures and delays (event only)
  int64_t not_ours = 0;    // reports about a message Herald did not send (left in the mailbox)
  int64_t not_report = 0;  // messages that are no DSN (left in the mailbox)
};

// Records what `dsn` says in `store`; counts into `tally`. False when the
// report is not about a message Herald sent (it changes nothing then, and
// whoever shares the mailbox may want it).
bool applyDsn(store::Store& store, const Dsn& dsn, int64_t now_ms, BounceTally& tally);

}  // namespace herald::bounces
