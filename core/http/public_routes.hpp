#pragma once
// The public listener's routes: what recipients' browsers and mail clients
// reach through the signed links written into messages (links/signer.hpp).
//   GET  /u/{token}  a small confirmation page with a button (a scanner that
//                    follows links unsubscribes no one)
//   POST /u/{token}  RFC 8058 one-click: body List-Unsubscribe=One-Click
//                    unsubscribes at once; 200, no redirect
//   GET  /o/{token}  the open pixel (a 1x1 GIF); records `open`
//   GET  /c/{token}  302 to the URL signed into the token; records `click`
// Each records an event attributed to the contact, workflow, revision, step
// and send. A forged, altered, expired or wrong-purpose token gets 404 and
// nothing is recorded.
#include "daemon/control.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "links/signer.hpp"

namespace herald::http {

// `signer` null: no link keys configured; every link answers 404.
void addPublicRoutes(Router& router, daemon::Control& control, const links::Signer* signer,
                     HttpMetrics& metrics);

}  // namespace herald::http
