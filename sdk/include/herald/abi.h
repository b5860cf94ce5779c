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
#define HERALD_ABI_MINOR 2

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
  HERALD_OUTCOME_FAIL = 5            /* permanent failure: journey fails */
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
} herald_plugin;

/* Signature of the entry symbol. Returns a pointer to static data (never
 * freed), or NULL on failure. Called once per load, on the loading thread. */
typedef const herald_plugin* (*herald_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HERALD_ABI_H */
