/* A plugin built for ABI 1.2 (recommend, no 1.3 services): its descriptor
 * says 1.2, its structs end where 1.2's ended, and it reads the host table
 * only up to what 1.2 knew. It still loads and runs on a newer host; each
 * contact's variables say which ABI the host reported and whether the table
 * reached recommend. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static const herald_host_api* v12_host;

static herald_status v12_create(const herald_host_api* host, herald_step_ctx* ctx,
                                const char* config_json, void** out_instance) {
  (void)ctx;
  (void)config_json;
  v12_host = host;
  *out_instance = &instance_token;
  return HERALD_OK;
}

/* herald_outcome as 1.2 laid it out (no retry_after_ms). */
typedef struct v12_outcome {
  size_t struct_size;
  int32_t kind;
  const char* branch;
  int64_t wait_until_ms;
  const char* reason;
  const char* vars_json;
} v12_outcome;

static void v12_run(void* instance, const herald_batch* batch, herald_call* call) {
  (void)instance;
  const herald_host_api* host = v12_host;
  const int has_recommend =
      host->struct_size >= offsetof(herald_host_api, recommend) + sizeof(void*);
  char vars[96];
  snprintf(vars, sizeof vars, "{\"host_abi\": \"%u.%u\", \"has_recommend\": %s}",
           (unsigned)host->abi_major, (unsigned)host->abi_minor, has_recommend ? "true" : "false");
  size_t n = batch->count ? batch->count : 1;
  v12_outcome* out = (v12_outcome*)calloc(n, sizeof *out);
  if (!out) {
    host->complete(call, HERALD_ERR_INTERNAL, "out of memory", NULL, 0);
    return;
  }
  for (size_t i = 0; i < batch->count; ++i) {
    out[i].struct_size = sizeof(v12_outcome);
    out[i].kind = HERALD_OUTCOME_CONTINUE;
    out[i].vars_json = vars;
  }
  host->complete(call, HERALD_OK, NULL, (const herald_outcome*)(const void*)out, batch->count);
  free(out);
}

static const herald_step_type step = {offsetof(herald_step_type, cancel),
                                      "v12.step",
                                      "A step built against ABI 1.2",
                                      EMPTY_SCHEMA,
                                      0u,
                                      NULL,
                                      v12_create,
                                      noop_destroy,
                                      v12_run,
                                      NULL,
                                      NULL};
static const herald_step_type* const types[] = {&step};
/* The descriptor ends where 1.2's did: struct_size says so. */
static const herald_plugin plugin = {offsetof(herald_plugin, config_schema),
                                     HERALD_ABI_MAJOR,
                                     2,
                                     "v12",
                                     "1.0.0",
                                     "Built for ABI 1.2",
                                     1,
                                     types,
                                     NULL,
                                     NULL,
                                     NULL,
                                     0,
                                     NULL};
PLUGIN_ENTRY(&plugin)
