/* A well-behaved plugin in plain C that exercises the host API: logging,
 * diagnostics, the key/value store, metrics and its settings. Its step
 * echoes what it was given as output variables, so tests can see it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct echo {
  const herald_host_api* host;
  herald_step_ctx* ctx;
} echo;

static herald_status echo_create(const herald_host_api* host, herald_step_ctx* ctx,
                                 const char* config_json, void** out_instance) {
  if (strstr(config_json, "\"refuse\":true")) {
    host->diagnostic(ctx, "/refuse", "refuse is set, so this step refuses its config");
    /* The second problem quotes the config, so tests see the defaults were filled in. */
    char msg[512];
    snprintf(msg, sizeof msg, "config was %s", config_json);
    host->diagnostic(ctx, "/greeting", msg);
    return HERALD_ERR_INVALID;
  }
  echo* e = (echo*)malloc(sizeof(echo));
  if (!e) return HERALD_ERR_INTERNAL;
  e->host = host;
  e->ctx = ctx;
  *out_instance = e;
  return HERALD_OK;
}

static void echo_destroy(void* instance) { free(instance); }

static void echo_run(void* instance, const herald_batch* batch, herald_call* call) {
  echo* e = (echo*)instance;
  const herald_host_api* host = e->host;
  char line[128];
  snprintf(line, sizeof line, "echo: batch of %zu for step %s", batch->count, batch->step_id);
  host->log(e->ctx, HERALD_LOG_INFO, line);
  host->counter_add(e->ctx, "contacts_total", (double)batch->count);
  host->counter_add(e->ctx, "Bad-Name", 1.0);
  host->gauge_set(e->ctx, "last_batch_size", (double)batch->count);

  herald_status put = host->kv_put(e->ctx, "last_step", batch->step_id);
  char* stored = NULL;
  herald_status got = host->kv_get(e->ctx, "last_step", &stored);
  char kv[160];
  if (got == HERALD_OK) {
    snprintf(kv, sizeof kv, "{\"put\": %d, \"get\": %d, \"value\": \"%s\"}", put, got, stored);
  } else {
    snprintf(kv, sizeof kv, "{\"put\": %d, \"get\": %d}", put, got);
  }
  host->free(stored);

  const char* settings = host->plugin_settings_json(e->ctx);
  herald_outcome* out = (herald_outcome*)calloc(batch->count ? batch->count : 1, sizeof *out);
  char** vars = (char**)calloc(batch->count ? batch->count : 1, sizeof *vars);
  for (size_t i = 0; i < batch->count; ++i) {
    const herald_contact* c = batch->contacts[i];
    size_t n =
        strlen(c->config_json) + strlen(settings) + strlen(kv) + strlen(c->attributes_json) + 128;
    vars[i] = (char*)malloc(n);
    snprintf(
        vars[i], n,
        "{\"contact\": %lld, \"config\": %s, \"settings\": %s, \"kv\": %s, \"attributes\": %s}",
        (long long)c->id, c->config_json, settings, kv, c->attributes_json);
    out[i].struct_size = sizeof(herald_outcome);
    out[i].kind = HERALD_OUTCOME_CONTINUE;
    out[i].vars_json = vars[i];
    if (batch->dry_run) host->preview(call, i, "would echo");
  }
  host->complete(call, HERALD_OK, NULL, out, batch->count);
  for (size_t i = 0; i < batch->count; ++i) free(vars[i]);
  free(vars);
  free(out);
}

static const herald_step_type echo_type = {
    sizeof(herald_step_type),
    "good.echo",
    "Echo the config, settings and key/value round trip as variables",
    "{\"type\": \"object\", \"properties\": {"
    "\"greeting\": {\"type\": \"string\", \"default\": \"hello\", \"x-templated\": true},"
    "\"refuse\": {\"type\": \"boolean\"}}}",
    HERALD_STEP_IDEMPOTENT,
    NULL,
    echo_create,
    echo_destroy,
    echo_run,
    NULL};

static const herald_step_type* const types[] = {&echo_type};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "good",
                                     "1.0.0",
                                     "A well-behaved plugin for the loader tests",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
