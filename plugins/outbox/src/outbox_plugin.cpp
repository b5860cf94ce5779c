// The outbox plugin: Herald's embedded default delivery, writing messages to
// local files instead of a provider.
#include <herald/sdk.hpp>

#include "email_step.hpp"
#include "sms_step.hpp"

#ifndef HERALD_OUTBOX_VERSION
#error "HERALD_OUTBOX_VERSION must be defined by the build"
#endif

HERALD_PLUGIN("outbox", HERALD_OUTBOX_VERSION,
              "Local outbox: emails as .eml files in a maildir, text messages as JSON lines",
              herald::outbox::EmailStep, herald::outbox::SmsStep)
