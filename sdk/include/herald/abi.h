/*
 * Herald plugin ABI — the pure C waist between the daemon and its plugins.
 *
 * Rules (see docs/plugins.md, "ABI rules"):
 *  - Every struct begins with `struct_size`, set by whoever fills the struct
 *    to sizeof() of the struct as that side was compiled. A reader never
 *    touches a field that lies beyond `struct_size`; structs only grow at the
 *    end, so an older peer simply does not see the newer fields.
 *  - Strings are NUL-terminated UTF-8. A NULL `const char*` means "absent".
 *  - Nothing crosses this boundary but the types declared here: no C++
 *    exceptions, no STL types, no vtables.
 *  - A plugin exports exactly one symbol, HERALD_ENTRY_SYMBOL.
 *
 * Versioning: HERALD_ABI_MINOR grows when something is appended (a field at
 * the end of a struct, a function at the end of herald_host_api, a new enum
 * value a plugin may ignore). Anything else bumps HERALD_ABI_MAJOR. The host
 * loads a plugin whose major equals its own and whose minor is not newer.
 */
#ifndef HERALD_ABI_H
#define HERALD_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HERALD_ABI_MAJOR 1
#define HERALD_ABI_MINOR 3

/* The one exported symbol of every plugin. */
#define HERALD_ENTRY_SYMBOL "herald_plugin_entry"

#if defined(_WIN32)
#define HERALD_EXPORT __declspec(dllexport)
#else
#define HERALD_EXPORT __attribute__((visibility("default")))
#endif

/* Result of a host or plugin call. */
typedef enum herald_status {
  HERALD_OK = 0,
  HERALD_ERR_INVALID = 1,    /* bad argument or configuration */
  HERALD_ERR_NOT_FOUND = 2,  /* a key or object does not exist */
  HERALD_ERR_INTERNAL = 3,   /* unexpected failure (exception, I/O) */
  HERALD_ERR_UNSUPPORTED = 4 /* the peer does not offer this call */
} herald_status;

/* Severity for herald_host_api.log. */
typedef enum herald_log_level {
  HERALD_LOG_DEBUG = 0,
  HERALD_LOG_INFO = 1,
  HERALD_LOG_WARN = 2,
  HERALD_LOG_ERROR = 3
} herald_log_level;

/* What a step decided for one contact. */
typedef enum herald_outcome_kind {
  HERALD_OUTCOME_CONTINUE = 0,       /* go to the step's `next` */
  HERALD_OUTCOME_BRANCH = 1,         /* go to the step's branch named `branch` */
  HERALD_OUTCOME_WAIT = 2,           /* call this step again at `wait_until_ms` */
  HERALD_OUTCOME_EXIT = 3,           /* end the journey successfully here */
  HERALD_OUTCOME_FAIL_RETRYABLE = 4, /* transient failure: retry per policy */
  HERALD_OUTCOME_FAIL = 5,           /* permanent failure: journey fails */
  /* ABI 1.3: nothing was done for this contact yet (a provider said "429,
   * Retry-After: 30"): the engine calls the step again for it after
   * `retry_after_ms`. Not a failure: it uses none of the step's retry
   * attempts; run reports count it as a retry. */
  HERALD_OUTCOME_RETRY_AFTER = 6
} herald_outcome_kind;

/* Step type flags (herald_step_type.flags). */
#define HERALD_STEP_DELIVERY 0x1u /* delivers messages: goes through the send ledger */
#define HERALD_STEP_IDEMPOTENT                       \
  0x2u /* re-delivering the same ledger key has no   \
          extra effect, so a key left `unknown` by a \
          crash may be delivered again safely */

/*
 * Opaque host handles.
 *  herald_step_ctx: one per step instance; valid from create() until the
 *    instance's destroy() returns. Identifies the step for logs, diagnostics,
 *    the key/value namespace and metrics.
 *  herald_call: one per run_batch() call; valid until complete() is called
 *    on it (and, for the host's own safety, a while after).
 */
typedef struct herald_step_ctx herald_step_ctx;
typedef struct herald_call herald_call;

/*
 * ABI 1.3 services (docs/plugins.md, "Host services"):
 *  herald_plugin_ctx: one per loaded plugin, for the services that belong to
 *    the plugin rather than to one step (network, timers, permits, events,
 *    suppressions). Valid while the library is loaded; obtained from
 *    herald_plugin.init() or host->plugin_ctx(step_ctx).
 *  Threading: every 1.3 host function may be called from any thread (a
 *    run_batch() worker or the loop). Every callback the plugin passes is
 *    called on the engine's loop thread, exactly once when the call returned
 *    HERALD_OK, and never from inside the call that registered it. Callbacks
 *    must not block: they share the loop with the whole engine.
 *  Header lists are `header_count` name/value pairs: headers[2*i] is a name,
 *    headers[2*i+1] its value. Bodies are pointer + length (may hold NULs).
 *  Everything a callback receives is borrowed for the duration of the
 *    callback; copy what you keep.
 *  A service that cannot work where the plugin runs (no loop under `herald
 *    validate`, no link keys configured, ...) answers HERALD_ERR_UNSUPPORTED
 *    and logs why once.
 */
typedef struct herald_plugin_ctx herald_plugin_ctx;

/* An outbound HTTP(S) request (http_request). Borrowed during the call. */
typedef struct herald_http_request {
  size_t struct_size;
  const char* method;         /* "GET", "POST", ...; NULL means "GET" */
  const char* url;            /* http:// or https:// */
  const char* const* headers; /* header_count name/value pairs; may be NULL */
  size_t header_count;
  const char* body; /* may be NULL when body_len is 0 */
  size_t body_len;
  uint32_t timeout_ms; /* whole exchange; 0 means 30000 */
} herald_http_request;

/* The answer to an http_request: a status from the server (any, 4xx and
 * 5xx included), or a transport error (status 0). */
typedef struct herald_http_response {
  size_t struct_size;
  int32_t status;             /* HTTP status; 0 on a transport error */
  const char* const* headers; /* header_count name/value pairs, as sent */
  size_t header_count;
  const char* body;
  size_t body_len;
  int32_t transport_error; /* non-zero: no answer from the server */
  int32_t retryable;       /* transport errors: a later retry may succeed */
  const char* error;       /* transport errors: what went wrong; else NULL */
} herald_http_response;
typedef void (*herald_http_callback)(void* user, const herald_http_response* response);

/* One SMTP reply: code, RFC 3463 enhanced status ("" when none), text. */
typedef struct herald_smtp_reply {
  size_t struct_size;
  int32_t code;
  const char* enhanced;
  const char* text;
} herald_smtp_reply;

/* A message to submit (smtp_send). The server, TLS mode and credentials come
 * from the plugin's `smtp:` settings in herald.yaml (docs/plugins.md), never
 * from the plugin's code. Borrowed during the call. */
typedef struct herald_smtp_message {
  size_t struct_size;
  const char* sender;            /* envelope MAIL FROM */
  const char* const* recipients; /* envelope RCPT TO, recipient_count entries */
  size_t recipient_count;
  const char* data; /* the ready message: headers, blank line, body */
  size_t data_len;
} herald_smtp_message;

typedef struct herald_smtp_result {
  size_t struct_size;
  int32_t transport_error; /* non-zero: no answer for the message */
  int32_t retryable;
  const char* error;                          /* transport errors; never holds a password */
  const herald_smtp_reply* mail_from;         /* NULL when not reached */
  const herald_smtp_reply* const* recipients; /* one per recipient, in order */
  size_t recipient_count;                     /* fewer than sent when the session dropped */
  const herald_smtp_reply* data;              /* the reply after the message; NULL if none */
} herald_smtp_result;
typedef void (*herald_smtp_callback)(void* user, const herald_smtp_result* result);

typedef void (*herald_timer_callback)(void* user);
typedef void (*herald_permit_callback)(void* user);
/* record_event's answer: HERALD_OK stored (or a duplicate event_id, not
 * stored again), HERALD_ERR_NOT_FOUND no such contact, HERALD_ERR_INTERNAL
 * the store failed. */
typedef void (*herald_status_callback)(void* user, herald_status status);

/* What a signed link is for (sign_link). */
typedef enum herald_link_purpose {
  HERALD_LINK_UNSUBSCRIBE = 1, /* BASE/u/TOKEN: page + RFC 8058 one-click POST */
  HERALD_LINK_OPEN = 2,        /* BASE/o/TOKEN: 1x1 pixel, records `open` */
  HERALD_LINK_CLICK = 3        /* BASE/c/TOKEN: redirects to target_url, records `click` */
} herald_link_purpose;

/* An event to record for a contact (record_event), as imports and the
 * admin API record them. Borrowed during the call. */
typedef struct herald_event {
  size_t struct_size;
  int64_t contact_id;          /* 0: find the contact by external_id, else email */
  const char* external_id;     /* may be NULL */
  const char* email;           /* may be NULL */
  const char* type;            /* e.g. "delivered", "bounced", "opened" */
  int64_t at_ms;               /* Unix ms; 0 means now */
  const char* properties_json; /* JSON object, or NULL */
  const char* event_id;        /* idempotency key (providers resend); may be NULL */
  /* Appended in ABI 1.3 for SMS replies (read only when struct_size covers
   * it): +E.164, the contact with this phone number (the most recently
   * updated one when several share it) when contact_id, external_id and
   * email are all absent. May be NULL. */
  const char* phone;
} herald_event;

/* An inbound webhook request (herald_webhook_route.handle). Host-owned,
 * valid during the handler. */
typedef struct herald_webhook_request {
  size_t struct_size;
  const char* method;
  const char* path;           /* decoded path, prefix included, no query */
  const char* query;          /* raw query after '?', "" when none */
  const char* const* headers; /* header_count name/value pairs */
  size_t header_count;
  const char* body;
  size_t body_len;            /* at most the host's http.limits.max_body_bytes */
  const char* remote_address; /* the peer's IP address */
} herald_webhook_request;
/* The response a webhook handler fills with host->webhook_reply*(). */
typedef struct herald_webhook_reply herald_webhook_reply;

/* A route a plugin serves on the daemon's public listener. Static data. */
typedef struct herald_webhook_route {
  size_t struct_size;
  const char* path_prefix; /* "/hooks/NAME/..." : every path starting with it */
  /* Called on the loop thread with the plugin's init() state. Fill the reply
   * before returning (default: 200, empty body). Must not block. */
  void (*handle)(void* plugin_state, const herald_webhook_request* request,
                 herald_webhook_reply* reply);
} herald_webhook_route;

/*
 * One contact as a step sees it. Filled by the host; every pointer is owned
 * by the host and valid until the step calls complete() for the batch (copy
 * what you need beyond that). JSON fields are UTF-8 JSON text.
 */
typedef struct herald_contact {
  size_t struct_size;
  int64_t id;                  /* Herald's stable contact id */
  const char* external_id;     /* may be NULL */
  const char* email;           /* may be NULL */
  const char* phone;           /* E.164, may be NULL */
  const char* timezone;        /* IANA name, may be NULL */
  const char* locale;          /* BCP 47, may be NULL */
  const char* first_name;      /* may be NULL */
  const char* last_name;       /* may be NULL */
  const char* attributes_json; /* JSON object, never NULL */
  const char* tags_json;       /* JSON array of strings, never NULL */
  const char* vars_json;       /* journey variables, JSON object, never NULL */
  const char* config_json;     /* the step's config with every x-templated
                                  field rendered for this contact */
  const char* delivery_key;    /* send-ledger key (delivery steps), else NULL */
} herald_contact;

/* A batch of contacts handed to run_batch(). Owned by the host; valid until
 * complete() is called for it. */
typedef struct herald_batch {
  size_t struct_size;
  const char* run_id;                    /* the run this batch belongs to */
  const char* workflow;                  /* workflow name */
  const char* revision;                  /* workflow revision (content hash) */
  const char* step_id;                   /* the step's id in the workflow */
  int64_t now_ms;                        /* the engine's clock, Unix milliseconds */
  int32_t dry_run;                       /* non-zero: deliver nothing, only preview */
  size_t count;                          /* number of contacts */
  const herald_contact* const* contacts; /* array of `count` pointers */
} herald_batch;

/* The outcome for one contact, in the order of the batch. Filled by the
 * plugin; the host copies everything during complete(), so the plugin may
 * free its strings as soon as complete() returns. */
typedef struct herald_outcome {
  size_t struct_size;
  int32_t kind;          /* herald_outcome_kind */
  const char* branch;    /* HERALD_OUTCOME_BRANCH: the branch label */
  int64_t wait_until_ms; /* HERALD_OUTCOME_WAIT: Unix milliseconds */
  const char* reason;    /* FAIL kinds: human-readable reason; optional otherwise */
  const char* vars_json; /* output variables (JSON object) merged into the
                            journey's variables; may be NULL */
  /* ---- ABI 1.3 ---- */
  int64_t retry_after_ms; /* HERALD_OUTCOME_RETRY_AFTER: delay from complete() */
} herald_outcome;

/*
 * Services the host offers. Every function is thread-safe and may be called
 * from any thread, including threads the plugin did not create (it must
 * create none, though: see docs/plugins.md). The table only grows at the end:
 * check `struct_size` before calling a function added after ABI 1.0.
 */
typedef struct herald_host_api {
  size_t struct_size;
  uint32_t abi_major; /* the host's ABI version */
  uint32_t abi_minor;

  /* Write a log line attributed to the step. `message` is borrowed. */
  void (*log)(herald_step_ctx* ctx, int32_t level, const char* message);

  /* Report a problem in the step's config at `json_pointer` (RFC 6901, ""
   * for the whole config). Only meaningful during create(); the host maps
   * the pointer to FILE:LINE:COL. Both strings are borrowed. */
  void (*diagnostic)(herald_step_ctx* ctx, const char* json_pointer, const char* message);

  /* Namespaced key/value store (namespace = plugin name), durable.
   * kv_get: on HERALD_OK, *out_value is a malloc'd NUL-terminated copy that
   * the plugin frees with host->free(); HERALD_ERR_NOT_FOUND if absent. */
  herald_status (*kv_get)(herald_step_ctx* ctx, const char* key, char** out_value);
  herald_status (*kv_put)(herald_step_ctx* ctx, const char* key, const char* value);
  herald_status (*kv_delete)(herald_step_ctx* ctx, const char* key);
  /* Frees memory the host handed out (kv_get). NULL is fine. */
  void (*free)(void* ptr);

  /* Metrics: add `delta` to the counter `name` (labelled with the plugin and
   * the step), or set the gauge `name` to `value`. Names match
   * [a-z_][a-z0-9_]*; others are dropped with a log line. */
  void (*counter_add)(herald_step_ctx* ctx, const char* name, double delta);
  void (*gauge_set)(herald_step_ctx* ctx, const char* name, double value);

  /* Finish a batch. Call exactly once per run_batch(), from any thread,
   * before returning or later. `status` != HERALD_OK fails the whole batch
   * (retryable) with `error`; otherwise `outcomes` holds `count` entries, one
   * per contact in batch order (stride: outcomes[0].struct_size). Everything
   * is copied before complete() returns. A second call is ignored and logged
   * as a plugin bug; so is a call after the host's deadline for the batch. */
  void (*complete)(herald_call* call, herald_status status, const char* error,
                   const herald_outcome* outcomes, size_t count);

  /* During a dry run, a delivery step shows what it would have sent for one
   * contact of the batch (index into the batch). `preview` is borrowed. */
  void (*preview)(herald_call* call, size_t contact_index, const char* preview);

  /* The step context a call belongs to (for logging from a completion). */
  herald_step_ctx* (*call_step)(herald_call* call);

  /* The plugin's own settings from the daemon config (`plugins: NAME: {...}`
   * in herald.yaml) as a JSON object, with "state_dir" always present (the
   * daemon's state directory, where a plugin may keep files). Borrowed;
   * valid until the instance is destroyed. Never NULL. */
  const char* (*plugin_settings_json)(herald_step_ctx* ctx);

  /* ---- ABI 1.1 ---- */

  /* Evaluates the segment rule held by the step's config field at
   * `json_pointer` (a field the step's schema marks "x-segment": true; the
   * host parsed and validated it when the workflow was loaded) for every
   * contact of the batch `call` belongs to, as of the batch's now_ms.
   * Writes 1 (matches) or 0 into out_match[i] for batch contact i; `out_match`
   * holds the batch's `count` entries. HERALD_ERR_INVALID for a pointer that
   * is not an x-segment field of this step; HERALD_ERR_INTERNAL when the
   * store failed (logged). Call it from run_batch() before complete(). */
  herald_status (*segment_match)(herald_call* call, const char* json_pointer, uint8_t* out_match);

  /* ---- ABI 1.2 ---- */

  /* Product recommendations ("customers who bought this also bought", best
   * sellers for a contact with no purchases) for every contact of the batch
   * `call` belongs to. On HERALD_OK, *out_json is a malloc'd NUL-terminated
   * JSON array with one entry per batch contact, in batch order; each entry
   * is an array of up to `count` product objects, best first:
   *   {"id", "name", "url", "image", "price", "currency", "score",
   *    "reason": "also-bought" | "best-seller"}
   * (catalog fields from `herald products import`; an absent one is null).
   * The plugin frees it with host->free(); on any other status *out_json is
   * NULL. HERALD_ERR_INVALID for `count` 0 or above 50, a NULL out_json, or
   * a call that is over (a plugin bug, logged); HERALD_ERR_UNSUPPORTED when
   * the host has no recommendations for this call (e.g. `herald validate`);
   * HERALD_ERR_INTERNAL when the store failed (logged). The model behind it
   * is built once per run, on the first call, and cached by the host: the
   * first call of a run may block for seconds, later ones are answered from
   * memory. Thread-safe; call it before complete(), from run_batch() or any
   * thread. */
  herald_status (*recommend)(herald_call* call, uint32_t count, char** out_json);

  /* ---- ABI 1.3 (see "ABI 1.3 services" above for the threading rules) ---- */

  /* The plugin a step belongs to; never NULL for a valid ctx. */
  herald_plugin_ctx* (*plugin_ctx)(herald_step_ctx* ctx);
  /* What the plugin's init() stored in *out_state; NULL before init() ran
   * (e.g. under `herald validate`, which never calls init()). */
  void* (*plugin_state)(herald_plugin_ctx* plugin);
  /* log() for plugin-wide code (init, callbacks, webhooks). */
  void (*plugin_log)(herald_plugin_ctx* plugin, int32_t level, const char* message);

  /* Starts an HTTP(S) request; `done` gets the answer on the loop. At most
   * a host-set number of requests per plugin are on the wire at once; the
   * rest wait in order. Connections are pooled; TLS is verified.
   * HERALD_ERR_INVALID for a NULL request/url/done; HERALD_ERR_UNSUPPORTED
   * without a loop (`herald validate`). */
  herald_status (*http_request)(herald_plugin_ctx* plugin, const herald_http_request* request,
                                herald_http_callback done, void* user);

  /* Submits a message over a pooled SMTP session to the server of the
   * plugin's `smtp:` settings. HERALD_ERR_UNSUPPORTED without a loop or
   * without `smtp:` settings (logged with what to write). */
  herald_status (*smtp_send)(herald_plugin_ctx* plugin, const herald_smtp_message* message,
                             herald_smtp_callback done, void* user);

  /* Calls `fire(user)` on the loop after `delay_ms`; *out_timer (may be
   * NULL) receives an id for timer_cancel. timer_cancel: HERALD_OK and
   * `fire` will not be called; HERALD_ERR_NOT_FOUND when it already fired or
   * was cancelled. */
  herald_status (*timer_start)(herald_plugin_ctx* plugin, uint64_t delay_ms,
                               herald_timer_callback fire, void* user, uint64_t* out_timer);
  herald_status (*timer_cancel)(herald_plugin_ctx* plugin, uint64_t timer);

  /* Asks for one permit under `key` (e.g. "provider:acct1",
   * "domain:gmail.com"); `granted(user)` runs on the loop when the host's
   * token bucket for the key allows (at once when no limit is configured).
   * Core configures the rates (`rate_limits:` in the plugin's settings). */
  herald_status (*permit_acquire)(herald_plugin_ctx* plugin, const char* key,
                                  herald_permit_callback granted, void* user);

  /* A signed public URL for contact `contact_index` of the batch `call`
   * belongs to (the link names its workflow, step and delivery), for
   * `purpose`; `target_url` is the click destination (CLICK only). On
   * HERALD_OK *out_url is malloc'd (free with host->free()).
   * HERALD_ERR_UNSUPPORTED when no link keys are configured (`links.keys`);
   * HERALD_ERR_INVALID for a bad index, purpose or a missing target. Call
   * before complete(). */
  herald_status (*sign_link)(herald_call* call, size_t contact_index, int32_t purpose,
                             const char* target_url, char** out_url);

  /* Records an event for a contact through the same path as the admin API
   * (so it can start event-triggered workflows under `herald serve`).
   * `done` (may be NULL) gets the result on the loop. HERALD_ERR_INVALID
   * for a missing type/contact or properties that are not a JSON object. */
  herald_status (*record_event)(herald_plugin_ctx* plugin, const herald_event* event,
                                herald_status_callback done, void* user);

  /* Puts an email address or phone number (+E.164) on the suppression list
   * with `reason` (as `herald contacts suppress`). Synchronous.
   * HERALD_ERR_INVALID for an address that is neither. */
  herald_status (*suppress)(herald_plugin_ctx* plugin, const char* address, const char* reason);

  /* Fill a webhook reply (during the handler only). webhook_reply sets the
   * status, content type (NULL: none) and body (copied); webhook_reply_header
   * adds a header. */
  void (*webhook_reply)(herald_webhook_reply* reply, int32_t status, const char* content_type,
                        const char* body, size_t body_len);
  void (*webhook_reply_header)(herald_webhook_reply* reply, const char* name, const char* value);

  /* ---- appended in ABI 1.3 for SMS opt-out (check struct_size first) ---- */

  /* Records a consent answer (`granted` non-zero: yes) on `channel`
   * ("sms", "email", ...) for every contact whose email address or +E.164
   * phone number is `address`, through the same store path as imports and
   * the admin API: a new entry in the contact's consent history with
   * `source` (where it came from, e.g. "sms-reply:twilio:STOP") and
   * `wording` (may be NULL: what the person sent), unless it is already the
   * contact's current answer. The delivery policy reads it at the next
   * delivery. Synchronous (a short store write; fine on the loop).
   * HERALD_OK recorded; HERALD_ERR_NOT_FOUND no contact has the address
   * (nothing recorded); HERALD_ERR_INVALID a NULL/bad address, an empty
   * channel or source; HERALD_ERR_UNSUPPORTED no store here; HERALD_ERR_INTERNAL
   * the store failed (logged). */
  herald_status (*set_consent)(herald_plugin_ctx* plugin, const char* address, const char* channel,
                               int32_t granted, const char* source, const char* wording);
} herald_host_api;

/*
 * A step type a plugin provides. Static data owned by the plugin; must stay
 * valid while the library is loaded.
 */
typedef struct herald_step_type {
  size_t struct_size;
  const char* name;          /* unique type name used in `uses:`, e.g. "outbox.email" */
  const char* summary;       /* one line for `herald plugins` and the schema */
  const char* config_schema; /* JSON Schema subset, as JSON text (docs/plugins.md) */
  uint32_t flags;            /* HERALD_STEP_* */
  const char* channel;       /* delivery steps: "email", "sms", ...; else NULL */

  /* Create an instance from a config already validated against the schema.
   * `config_json` is borrowed; `ctx` stays valid until destroy(). Report
   * semantic problems with host->diagnostic() and return HERALD_ERR_INVALID.
   * Must not deliver anything or keep I/O open: `herald validate` calls
   * create() then destroy(). Called on the engine thread. */
  herald_status (*create)(const herald_host_api* host, herald_step_ctx* ctx,
                          const char* config_json, void** out_instance);

  /* Destroy an instance. No call of run_batch() is in flight. */
  void (*destroy)(void* instance);

  /* Process a batch. Must call host->complete(call, ...) exactly once,
   * before returning or later from any thread. Called on one of the host's
   * worker threads, never the engine thread (a plugin has at most two calls
   * running at once); must not block on I/O. The host's step_deadline holds
   * even while this runs: the batch fails then, and a later complete() is
   * ignored. */
  void (*run_batch)(void* instance, const herald_batch* batch, herald_call* call);

  /* ---- ABI 1.1 ---- */

  /* The branch labels this step may return with HERALD_OUTCOME_BRANCH, as a
   * NULL-terminated array (e.g. {"match", "else", NULL}); NULL when the step
   * never branches. A workflow's `branches:` on the step must name each of
   * these labels and no other (`herald validate` checks it), so a step type
   * that only sometimes branches should be two types (e.g. segment.filter
   * and segment.branch). */
  const char* const* branches;

  /* ---- ABI 1.3 ---- */

  /* Optional (NULL): the host's step_deadline for `call` passed and the
   * batch failed. Called on the loop thread; stop the batch's work (cancel
   * its timers, drop late answers). A later complete() is ignored. */
  void (*cancel)(void* instance, herald_call* call);
} herald_step_type;

/* What herald_plugin_entry() returns: static data owned by the plugin.
 * The first four fields (struct_size, abi_major, abi_minor, name) keep their
 * place in every future ABI major, so any host can name a plugin it refuses. */
typedef struct herald_plugin {
  size_t struct_size;
  uint32_t abi_major;  /* HERALD_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;  /* HERALD_ABI_MINOR the plugin was built against */
  const char* name;    /* plugin name, [a-z0-9_-]+ */
  const char* version; /* semantic version of the plugin, e.g. "1.2.0" */
  const char* description;
  size_t step_type_count;
  const herald_step_type* const* step_types; /* array of step_type_count */

  /* ---- ABI 1.3 ---- */

  /* Schema (same subset as a step's) of the plugin's own section in
   * herald.yaml, `plugins: NAME: {...}`; NULL accepts any object. The host
   * validates the section against it before init(). */
  const char* config_schema;
  /* Optional: called once on the loop thread before any batch, with the
   * validated section (defaults filled, plus "state_dir"). Store plugin-wide
   * state in *out_state (host->plugin_state() returns it). A status other
   * than HERALD_OK refuses the plugin (its steps cannot run). Not called by
   * `herald validate`. */
  herald_status (*init)(const herald_host_api* host, herald_plugin_ctx* plugin,
                        const char* config_json, void** out_state);
  /* Optional: called on the loop thread after every batch completed (or
   * failed) and every callback of the plugin ran or was dropped; nothing of
   * the plugin runs afterwards. */
  void (*shutdown)(void* state);
  /* Inbound routes on the daemon's public listener (`herald serve` only). */
  size_t webhook_count;
  const herald_webhook_route* const* webhooks;
} herald_plugin;

/* Signature of the entry symbol. Returns a pointer to static data (never
 * freed), or NULL on failure. Called once per load, on the loading thread. */
typedef const herald_plugin* (*herald_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HERALD_ABI_H */
