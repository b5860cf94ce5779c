// The `twilio` plugin: SMS through Twilio's Messages API (twilio.sms), with
// status callbacks and inbound STOP/START/HELP on Herald's public listener.
#include "sms_step.hpp"
#include "twilio_plugin.hpp"

HERALD_PLUGIN_WITH(herald::twilio::TwilioPlugin, "twilio", HERALD_TWILIO_VERSION,
                   "SMS through Twilio's Messages API", herald::twilio::SmsStep)
