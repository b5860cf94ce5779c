/* Shared pieces of the deliberately broken plugins: each plugin file takes a
 * valid descriptor and breaks exactly one thing, so each refusal has its own
 * file and its own message. Plain C on purpose: the ABI must be usable
 * without the C++ SDK. */
#ifndef HERALD_TEST_COMMON_H
#define HERALD_TEST_COMMON_H

#include <stdint.h>
#include <string.h>

#include "herald/abi.h"

#define EMPTY_SCHEMA "{\"type\": \"object\", \"properties\": {}}"

/* A do-nothing step: continue for every contact. */
static int instance_token;

__attribute__((unused)) static herald_status noop_create(const herald_host_api* host,
                                                         herald_step_ctx* ctx,
                                                         const char* config_json,
                                                         void** out_instance) {
  (void)host;
  (void)ctx;
  (void)config_json;
  *out_instance = &instance_token;
  return HERALD_OK;
}

__attribute__((unused)) static void noop_destroy(void* instance) { (void)instance; }

__attribute__((unused)) static void noop_run(void* instance, const herald_batch* batch,
                                             herald_call* call) {
  (void)instance;
  (void)batch;
  (void)call;
}

/* Completes a batch (of at most 512 contacts) with CONTINUE for everyone. */
__attribute__((unused)) static void complete_all_continue(const herald_host_api* host,
                                                          const herald_batch* batch,
                                                          herald_call* call) {
  herald_outcome out[512];
  size_t n = batch->count < 512 ? batch->count : 512;
  for (size_t i = 0; i < n; ++i) {
    memset(&out[i], 0, sizeof out[i]);
    out[i].struct_size = sizeof(herald_outcome);
    out[i].kind = HERALD_OUTCOME_CONTINUE;
  }
  host->complete(call, HERALD_OK, NULL, out, n);
}

#define NOOP_STEP(var, type_name, schema)                          \
  static const herald_step_type var = {sizeof(herald_step_type),   \
                                       type_name,                  \
                                       "A step that does nothing", \
                                       schema,                     \
                                       0u,                         \
                                       NULL,                       \
                                       noop_create,                \
                                       noop_destroy,               \
                                       noop_run,                   \
                                       NULL}

#define PLUGIN_ENTRY(descriptor_expr)                           \
  HERALD_EXPORT const herald_plugin* herald_plugin_entry(void); \
  const herald_plugin* herald_plugin_entry(void) { return descriptor_expr; }

#endif
