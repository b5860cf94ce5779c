/* ABI 1.2 in plain C: a step that asks host->recommend() for its batch. It
 * first asks for 0 products (refused), then for `count` (from its config,
 * default 2), and reports both statuses and, on success, the whole answer
 * in each contact's variables:
 *   {"zero_status": 1, "status": 0, "all": [[...], [...]]} */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct recommendy {
  const herald_host_api* host;
  unsigned count;
} recommendy;

static herald_status rec_create(const herald_host_api* host, herald_step_ctx* ctx,
                                const char* config_json, void** out_instance) {
  (void)ctx;
  recommendy* r = (recommendy*)malloc(sizeof(recommendy));
  if (!r) return HERALD_ERR_INTERNAL;
  r->host = host;
  r->count = 2;
  const char* at = config_json ? strstr(config_json, "\"count\":") : NULL;
  if (at) r->count = (unsigned)strtoul(at + strlen("\"count\":"), NULL, 10);
  *out_instance = r;
  return HERALD_OK;
}

static void rec_destroy(void* instance) { free(instance); }

static void rec_run(void* instance, const herald_batch* batch, herald_call* call) {
  const recommendy* self = (const recommendy*)instance;
  const herald_host_api* host = self->host;
  if (host->struct_size < offsetof(herald_host_api, recommend) + sizeof(void*)) {
    host->complete(call, HERALD_ERR_UNSUPPORTED, "host older than ABI 1.2", NULL, 0);
    return;
  }
  char* zero = NULL;
  herald_status zero_status = host->recommend(call, 0, &zero);
  char* all = NULL;
  herald_status status = host->recommend(call, self->count, &all);
  size_t size = 64 + (all ? strlen(all) : 0);
  char* vars = (char*)malloc(size);
  size_t n = batch->count ? batch->count : 1;
  herald_outcome* out = (herald_outcome*)calloc(n, sizeof *out);
  if (!vars || !out) {
    host->complete(call, HERALD_ERR_INTERNAL, "out of memory", NULL, 0);
  } else {
    snprintf(vars, size, "{\"zero_status\": %d, \"status\": %d, \"all\": %s}", (int)zero_status,
             (int)status, all ? all : "null");
    for (size_t i = 0; i < batch->count; ++i) {
      out[i].struct_size = sizeof(herald_outcome);
      out[i].kind = HERALD_OUTCOME_CONTINUE;
      out[i].vars_json = vars;
    }
    host->complete(call, HERALD_OK, NULL, out, batch->count);
  }
  free(out);
  free(vars);
  host->free(all);
  host->free(zero);
}

static const herald_step_type step = {
    sizeof(herald_step_type),
    "recommendy.ask",
    "Asks the host for recommendations",
    "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\"}}}",
    0u,
    NULL,
    rec_create,
    rec_destroy,
    rec_run,
    NULL};
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "recommendy",
                                     "1.0.0",
                                     "Asks for recommendations, in C",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
