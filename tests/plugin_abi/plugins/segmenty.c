/* ABI 1.1 in plain C: a step with an x-segment field that branches on
 * host->segment_match(). It first asks for a field that is not x-segment,
 * and reports the status it got in each contact's variables. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

typedef struct segmenty {
  const herald_host_api* host;
} segmenty;

static herald_status seg_create(const herald_host_api* host, herald_step_ctx* ctx,
                                const char* config_json, void** out_instance) {
  (void)ctx;
  (void)config_json;
  segmenty* s = (segmenty*)malloc(sizeof(segmenty));
  if (!s) return HERALD_ERR_INTERNAL;
  s->host = host;
  *out_instance = s;
  return HERALD_OK;
}

static void seg_destroy(void* instance) { free(instance); }

static void seg_run(void* instance, const herald_batch* batch, herald_call* call) {
  const herald_host_api* host = ((segmenty*)instance)->host;
  if (host->struct_size < offsetof(herald_host_api, segment_match) + sizeof(void*)) {
    host->complete(call, HERALD_ERR_UNSUPPORTED, "host older than ABI 1.1", NULL, 0);
    return;
  }
  size_t n = batch->count ? batch->count : 1;
  uint8_t* match = (uint8_t*)calloc(n, 1);
  herald_outcome* out = (herald_outcome*)calloc(n, sizeof *out);
  char vars[64];
  herald_status wrong = host->segment_match(call, "/nope", match);
  herald_status status = host->segment_match(call, "/rule", match);
  if (status != HERALD_OK) {
    char error[64];
    snprintf(error, sizeof error, "segment_match status %d", (int)status);
    host->complete(call, status, error, NULL, 0);
  } else {
    snprintf(vars, sizeof vars, "{\"wrong_pointer_status\": %d}", (int)wrong);
    for (size_t i = 0; i < batch->count; ++i) {
      out[i].struct_size = sizeof(herald_outcome);
      out[i].kind = HERALD_OUTCOME_BRANCH;
      out[i].branch = match[i] ? "match" : "else";
      out[i].vars_json = vars;
    }
    host->complete(call, HERALD_OK, NULL, out, batch->count);
  }
  free(out);
  free(match);
}

static const char* const labels[] = {"match", "else", NULL};

static const herald_step_type step = {
    sizeof(herald_step_type),
    "segmenty.pick",
    "Branches on an x-segment rule",
    "{\"type\": \"object\", \"properties\": {"
    "\"rule\": {\"type\": [\"object\", \"array\"], \"x-segment\": true}}}",
    0u,
    NULL,
    seg_create,
    seg_destroy,
    seg_run,
    labels};
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "segmenty",
                                     "1.0.0",
                                     "Branches on a segment rule, in C",
                                     1,
                                     types};
PLUGIN_ENTRY(&plugin)
