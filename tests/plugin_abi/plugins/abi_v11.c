/* A plugin built for ABI 1.1 (branch labels and segment_match, no
 * recommend): its descriptor says 1.1 and it reads the host table only up to
 * what 1.1 knew. It still loads and runs on a newer host; each contact's
 * variables say which ABI the host reported and that its table had
 * segment_match. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static const herald_host_api* v11_host;

static herald_status v11_create(const herald_host_api* host, herald_step_ctx* ctx,
                                const char* config_json, void** out_instance) {
  (void)ctx;
  (void)config_json;
  v11_host = host;
  *out_instance = &instance_token;
  return HERALD_OK;
}

static void v11_run(void* instance, const herald_batch* batch, herald_call* call) {
  (void)instance;
  const herald_host_api* host = v11_host;
  const int has_segment_match =
      host->struct_size >= offsetof(herald_host_api, segment_match) + sizeof(void*);
  char vars[96];
  snprintf(vars, sizeof vars, "{\"host_abi\": \"%u.%u\", \"has_segment_match\": %s}",
           (unsigned)host->abi_major, (unsigned)host->abi_minor,
           has_segment_match ? "true" : "false");
  size_t n = batch->count ? batch->count : 1;
  herald_outcome* out = (herald_outcome*)calloc(n, sizeof *out);
  if (!out) {
    host->complete(call, HERALD_ERR_INTERNAL, "out of memory", NULL, 0);
    return;
  }
  for (size_t i = 0; i < batch->count; ++i) {
    out[i].struct_size = sizeof(herald_outcome);
    out[i].kind = HERALD_OUTCOME_BRANCH;
    out[i].branch = "seen";
    out[i].vars_json = vars;
  }
  host->complete(call, HERALD_OK, NULL, out, batch->count);
  free(out);
}

static const char* const labels[] = {"seen", NULL};

/* herald_step_type did not grow in 1.2: sizeof is 1.1's size. */
static const herald_step_type step = {sizeof(herald_step_type),
                                      "v11.step",
                                      "A step built against ABI 1.1",
                                      EMPTY_SCHEMA,
                                      0u,
                                      NULL,
                                      v11_create,
                                      noop_destroy,
                                      v11_run,
                                      labels};
static const herald_step_type* const types[] = {&step};
static const herald_plugin plugin = {
    sizeof(herald_plugin), HERALD_ABI_MAJOR, 1, "v11", "1.0.0", "Built for ABI 1.1", 1, types};
PLUGIN_ENTRY(&plugin)
