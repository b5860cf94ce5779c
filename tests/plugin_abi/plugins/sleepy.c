/* Blocks in run(): sleeps `sleep_ms` (default 8 s) before completing, the way
 * a plugin author might wait on a slow provider. The host must not let it
 * stall the engine: the deadline fails the batch on time and the late
 * completion is ignored. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

typedef struct sleepy {
  const herald_host_api* host;
  long sleep_ms;
} sleepy;

static herald_status sleepy_create(const herald_host_api* host, herald_step_ctx* ctx,
                                   const char* config_json, void** out_instance) {
  (void)ctx;
  sleepy* s = (sleepy*)malloc(sizeof(sleepy));
  if (!s) return HERALD_ERR_INTERNAL;
  s->host = host;
  s->sleep_ms = 8000;
  const char* at = strstr(config_json, "\"sleep_ms\":");
  if (at) s->sleep_ms = strtol(at + strlen("\"sleep_ms\":"), NULL, 10);
  *out_instance = s;
  return HERALD_OK;
}

static void sleepy_destroy(void* instance) { free(instance); }

static void sleepy_run(void* instance, const herald_batch* batch, herald_call* call) {
  sleepy* s = (sleepy*)instance;
  struct timespec t = {s->sleep_ms / 1000, (s->sleep_ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0) {
  }
  complete_all_continue(s->host, batch, call);
}

static const herald_step_type nap_type = {
    sizeof(herald_step_type),
    "sleepy.nap",
    "Sleeps in run() before completing",
    "{\"type\": \"object\", \"properties\": {\"sleep_ms\": {\"type\": \"integer\", \"default\": "
    "8000}}}",
    0u,
    NULL,
    sleepy_create,
    sleepy_destroy,
    sleepy_run,
    NULL};

static const herald_step_type* const types[] = {&nap_type};

static const herald_plugin plugin = {sizeof(herald_plugin),
                                     HERALD_ABI_MAJOR,
                                     HERALD_ABI_MINOR,
                                     "sleepy",
                                     "0.1.0-test",
                                     "Blocks in run() for a while",
                                     1,
                                     types};

PLUGIN_ENTRY(&plugin)
